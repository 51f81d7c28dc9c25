namespace Csk6Tools.Engine.Model;

/// <summary>A float32 tensor in row-major order (PyTorch's layout: conv weights O×I/groups×kH×kW).</summary>
public sealed class WeightTensor
{
    public WeightTensor(int[] shape, float[] data)
    {
        long count = shape.Aggregate(1L, (a, d) => a * d);
        if (shape.Any(d => d < 0) || count != data.Length)
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) holds {count} values, got {data.Length}.");
        Shape = shape;
        Data = data;
    }

    public int[] Shape { get; }
    public float[] Data { get; }

    public override string ToString() => $"[{string.Join("×", Shape)}]";
}
