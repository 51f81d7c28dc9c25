using System.Runtime.Intrinsics.X86;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Quant;

namespace Csk6Tools.Engine.Tests.Inference;

/// <summary>Each vectorized kernel of the engine against its scalar twin, both paths forced, on sizes that leave remainders.</summary>
public class VectorKernelTests
{
    public static TheoryData<int, int, int, int, KernelPath> GemmCases()
    {
        var data = new TheoryData<int, int, int, int, KernelPath>();
        foreach (var path in Enum.GetValues<KernelPath>().Where(p => p != KernelPath.Scalar))
        {
            foreach (var (m, kp, positions) in new[] { (1, 1, 32), (4, 3, 32), (7, 9, 64), (13, 5, 64), (17, 33, 96) })
                data.Add(m, kp, positions, 32, path);
            foreach (var (m, kp, positions) in new[] { (1, 2, 16), (9, 7, 16), (20, 3, 48) })
                data.Add(m, kp, positions, 16, path);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(GemmCases))]
    public void Int16GemmEqualsScalar(int m, int kp, int positions, int panel, KernelPath path)
    {
        Skip.IfNot(KernelPaths.IsSupported(path), $"This CPU has no {path}.");
        var random = new Random(m * 1000 + kp * 10 + positions);
        // Pairs of int8 weights packed as int16 halves, some rows of zeros (the scalar path skips them).
        var w = Enumerable.Range(0, m * kp).Select(i => i % 5 == 0 ? 0 : (int)(ushort)(short)random.Next(-128, 128) | random.Next(-128, 128) << 16).ToArray();
        var x = Enumerable.Range(0, kp * positions * 2).Select(_ => (short)random.Next(-128, 128)).ToArray();
        var bias = Enumerable.Range(0, m).Select(_ => random.Next(-100_000, 100_000)).ToArray();
        // Every plane from a whole number of panels down to one position into the last panel; shifts 0 and 9, with and without ReLU.
        foreach (int plane in new[] { positions, positions - 1, positions - panel + 1 })
            foreach (var (shift, relu) in new[] { (0, false), (9, true), (9, false) })
            {
                var vector = Enumerable.Repeat((sbyte)77, m * plane + 1).ToArray();
                var scalar = Enumerable.Repeat((sbyte)77, m * plane + 1).ToArray();
                Int16Gemm.Multiply(path, w, m, kp, x, positions, panel, new Int16Gemm.Output(bias, shift, relu, vector, plane));
                Int16Gemm.Multiply(KernelPath.Scalar, w, m, kp, x, positions, panel, new Int16Gemm.Output(bias, shift, relu, scalar, plane));
                Assert.Equal(scalar, vector);
                Assert.Equal(77, scalar[^1]); // nothing written past the last row
                // One output by hand: row m-1, the plane's last position, from the panel layout.
                int sum = bias[m - 1];
                for (int j = 0; j < kp; j++)
                {
                    int pair = w[(m - 1) * kp + j], at = Int16Gemm.ColumnIndex(j, plane - 1, kp, panel);
                    sum += (short)pair * x[at] + (pair >> 16) * x[at + 1];
                }
                Assert.Equal(Int8Arithmetic.Requantize(sum, shift, relu), scalar[m * plane - 1]);
            }
    }

    [SkippableTheory]
    [InlineData(1, 5)]
    [InlineData(2, 16)]
    [InlineData(5, 37)]
    [InlineData(8, 64)]
    [InlineData(3, 100)]
    [InlineData(6, 12)]
    public void PointwiseInterleaveVectorEqualsScalar(int channels, int plane)
    {
        Skip.IfNot(Avx2.IsSupported, "AVX2 is not available.");
        var random = new Random(channels * 100 + plane);
        var x = Enumerable.Range(0, channels * plane).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        int pairs = (channels + 1) / 2, panel = Int16Gemm.PanelFor(plane), size = pairs * Int16Gemm.PaddedPositions(plane, panel) * 2;
        var vector = new short[size];
        var scalar = new short[size];
        Pointwise.Interleave(x, channels, plane, vector, KernelPath.Avx2, 0, pairs);
        Pointwise.Interleave(x, channels, plane, scalar, KernelPath.Scalar, 0, pairs);
        Assert.Equal(scalar, vector);
        int last = Int16Gemm.ColumnIndex(pairs - 1, plane - 1, pairs, panel);
        Assert.Equal(((short)x[0], (short)(channels > 1 ? x[plane] : 0)), (scalar[0], scalar[1])); // (channel 0, channel 1) at position 0
        Assert.Equal((short)x[(2 * pairs - 2) * plane + plane - 1], scalar[last]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(100)]
    public void ReluVectorEqualsScalar(int length)
    {
        var random = new Random(length);
        var x = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        var vector = new sbyte[length];
        var scalar = new sbyte[length];
        ReluKernel.Relu(x, vector, vector: true);
        ReluKernel.Relu(x, scalar, vector: false);
        Assert.Equal(scalar, vector);
        Assert.Equal(x.Select(v => Math.Max(v, (sbyte)0)), scalar);
    }
}
