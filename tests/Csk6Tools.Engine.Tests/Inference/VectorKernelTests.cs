using System.Runtime.Intrinsics.X86;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Quant;

namespace Csk6Tools.Engine.Tests.Inference;

/// <summary>Each vectorized kernel of the engine against its scalar twin, both paths forced, on sizes that leave
/// remainders.</summary>
public class VectorKernelTests
{
    public static TheoryData<int, int, int, int, KernelPath> GemmCases()
    {
        var data = new TheoryData<int, int, int, int, KernelPath>();
        foreach (var path in TestedPaths.All.Where(p => p != KernelPath.Scalar))
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
    public void Int8GemmEqualsScalar(int m, int kp, int positions, int panel, KernelPath path)
    {
        Skip.IfNot(KernelPaths.IsSupported(path), $"This CPU has no {path}.");
        var random = new Random(m * 1000 + kp * 10 + positions);
        // Weights of int8 pairs (int16 halves) or quads (bytes) in an int32, some zero (the scalar paths skip them).
        bool quads = KernelPaths.UsesQuads(path);
        var w = Enumerable.Range(0, m * kp).Select(i => i % 5 == 0 ? 0 : quads ? random.Next(int.MinValue, int.MaxValue)
            : (int)(ushort)(short)random.Next(-128, 128) | random.Next(-128, 128) << 16).ToArray();
        // x: int8 values as int16 pairs, or bytes 0..255 (x + 128) four to a position.
        var x = Enumerable.Range(0, kp * positions * 2)
            .Select(_ => quads ? (short)random.Next(short.MinValue, short.MaxValue + 1) : (short)random.Next(-128, 128))
            .ToArray();
        var bias = Enumerable.Range(0, m).Select(_ => random.Next(-100_000, 100_000)).ToArray();
        // Every plane from a whole number of panels down to one position into the last panel; shifts 0 and 9, with and
        // without ReLU.
        foreach (int plane in new[] { positions, positions - 1, positions - panel + 1 })
            foreach (var (shift, relu) in new[] { (0, false), (9, true), (9, false) })
            {
                var vector = Enumerable.Repeat((sbyte)77, m * plane + 1).ToArray();
                var scalar = Enumerable.Repeat((sbyte)77, m * plane + 1).ToArray();
                Int8Gemm.Multiply(path, w, m, kp, x, positions, panel,
                    new Int8Gemm.Output(bias, shift, relu, vector, plane));
                var reference = new Int8Gemm.Output(bias, shift, relu, scalar, plane);
                if (quads)
                    Int8Gemm.MultiplyScalarQuads(w, m, kp,
                        System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()), panel, reference);
                else Int8Gemm.Multiply(KernelPath.Scalar, w, m, kp, x, positions, panel, reference);
                Assert.Equal(scalar, vector);
                Assert.Equal(77, scalar[^1]); // nothing written past the last row
                // One output by hand: row m-1, the plane's last position, from the panel layout.
                int sum = bias[m - 1];
                for (int j = 0; j < kp; j++)
                {
                    int group = w[(m - 1) * kp + j], at = Int8Gemm.ColumnIndex(j, plane - 1, kp, panel);
                    if (quads)
                        for (int t = 0; t < 4; t++)
                            sum += (byte)(x[at + t / 2] >> (8 * (t % 2))) * (sbyte)(group >> (8 * t));
                    else sum += (short)group * x[at] + (group >> 16) * x[at + 1];
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
        int pairs = (channels + 1) / 2, panel = Int8Gemm.PanelFor(plane),
            size = pairs * Int8Gemm.PaddedPositions(plane, panel) * 2;
        var vector = new short[size];
        var scalar = new short[size];
        Pointwise.Interleave(x, channels, plane, vector, KernelPath.Avx2, 0, pairs);
        Pointwise.Interleave(x, channels, plane, scalar, KernelPath.Scalar, 0, pairs);
        Assert.Equal(scalar, vector);
        int last = Int8Gemm.ColumnIndex(pairs - 1, plane - 1, pairs, panel);
        // (channel 0, channel 1) at position 0
        Assert.Equal(((short)x[0], (short)(channels > 1 ? x[plane] : 0)), (scalar[0], scalar[1]));
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

    [SkippableTheory]
    [InlineData(1, 5)]
    [InlineData(4, 16)]
    [InlineData(7, 37)]
    [InlineData(8, 64)]
    [InlineData(6, 12)]
    public void QuadInterleaveVectorEqualsScalar(int channels, int plane)
    {
        Skip.IfNot(Avx2.IsSupported, "AVX2 is not available.");
        var random = new Random(channels * 100 + plane);
        var x = Enumerable.Range(0, channels * plane).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        int quads = (channels + 3) / 4, panel = Int8Gemm.PanelFor(plane),
            size = quads * Int8Gemm.PaddedPositions(plane, panel) * 4;
        var vector = new byte[size];
        var scalar = new byte[size];
        Pointwise.InterleaveQuads(x, channels, plane, vector, KernelPaths.EmulatedVnni, 0, quads);
        Pointwise.InterleaveQuads(x, channels, plane, scalar, KernelPath.Scalar, 0, quads);
        Assert.Equal(scalar, vector);
        // Position 0 holds channels 0..3 plus 128; the last position's quad ends with the last channel's value, or 128
        // for a missing one.
        Assert.Equal((byte)(x[0] + 128), scalar[0]);
        int last = Int8Gemm.ColumnIndex(quads - 1, plane - 1, quads, panel) * 2;
        Assert.Equal(channels % 4 == 0 ? (byte)(x[channels * plane - 1] + 128) : (byte)128, scalar[last + 3]);
    }
}
