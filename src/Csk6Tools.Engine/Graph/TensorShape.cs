using System.Text.Json;
using System.Text.Json.Serialization;

namespace Csk6Tools.Engine.Graph;

/// <summary>The shape of one sample's tensor (no batch dimension):
/// (C, H, W) for feature maps, (F) for vectors.</summary>
[JsonConverter(typeof(TensorShapeJsonConverter))]
public sealed class TensorShape : IEquatable<TensorShape>
{
    private readonly int[] _dims;

    public TensorShape(params int[] dims)
    {
        if (dims.Length == 0) throw new ArgumentException("A shape needs at least one dimension.", nameof(dims));
        foreach (var d in dims)
            if (d <= 0)
                throw new ArgumentException($"Dimensions must be positive: ({string.Join(", ", dims)}).", nameof(dims));
        _dims = (int[])dims.Clone();
    }

    public int Rank => _dims.Length;
    public int this[int axis] => _dims[axis];
    public IReadOnlyList<int> Dims => _dims;
    public long Elements => _dims.Aggregate(1L, (a, d) => a * d);

    /// <summary>Channels, height and width of a (C, H, W) feature map.</summary>
    public (int C, int H, int W) Chw => Rank == 3
        ? (_dims[0], _dims[1], _dims[2])
        : throw new InvalidOperationException($"Expected a C×H×W feature map, got {this}.");

    public bool Equals(TensorShape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);
    public override bool Equals(object? obj) => Equals(obj as TensorShape);
    public override int GetHashCode() => _dims.Aggregate(17, (h, d) => h * 31 + d);
    public override string ToString() => string.Join("×", _dims);
}

internal sealed class TensorShapeJsonConverter : JsonConverter<TensorShape>
{
    public override TensorShape Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => new(JsonSerializer.Deserialize<int[]>(ref reader, options)
            ?? throw new JsonException("A shape must be an array of integers."));

    public override void Write(Utf8JsonWriter writer, TensorShape value, JsonSerializerOptions options)
        => JsonSerializer.Serialize(writer, value.Dims.ToArray(), options);
}
