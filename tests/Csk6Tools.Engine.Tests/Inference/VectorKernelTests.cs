using System.Runtime.Intrinsics.X86;
using Csk6Tools.Engine.Inference;

namespace Csk6Tools.Engine.Tests.Inference;

/// <summary>Each vectorized kernel of the engine against its scalar twin, both paths forced, on sizes that leave remainders.</summary>
public class VectorKernelTests
{
    [SkippableTheory]
    [InlineData(1, 1, 16)]
    [InlineData(4, 3, 32)]
    [InlineData(7, 9, 48)]
    [InlineData(13, 5, 64)]
    public void Int16GemmAvx2EqualsScalar(int m, int kp, int positions)
    {
        Skip.IfNot(Avx2.IsSupported, "AVX2 is not available.");
        var random = new Random(m * 1000 + kp * 10 + positions);
        // Pairs of int8 weights packed as int16 halves, some rows of zeros (the scalar path skips them).
        var w = Enumerable.Range(0, m * kp).Select(i => i % 5 == 0 ? 0 : (int)(ushort)(short)random.Next(-128, 128) | random.Next(-128, 128) << 16).ToArray();
        var x = Enumerable.Range(0, kp * positions * 2).Select(_ => (short)random.Next(-128, 128)).ToArray();
        var bias = Enumerable.Range(0, m * positions).Select(_ => random.Next(-100_000, 100_000)).ToArray();
        int[] vector = [.. bias], scalar = [.. bias];
        Int16Gemm.MultiplyAvx2(w, m, kp, x, positions, vector);
        Int16Gemm.MultiplyScalar(w, m, kp, x, positions, scalar);
        Assert.Equal(scalar, vector);
    }

    [SkippableTheory]
    [InlineData(1, 5)]
    [InlineData(2, 16)]
    [InlineData(5, 37)]
    [InlineData(8, 64)]
    public void PointwiseInterleaveAvx2EqualsScalar(int channels, int plane)
    {
        Skip.IfNot(Avx2.IsSupported, "AVX2 is not available.");
        var random = new Random(channels * 100 + plane);
        var x = Enumerable.Range(0, channels * plane).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        int positions = (plane + 15) / 16 * 16, size = (channels + 1) / 2 * positions * 2;
        var vector = Enumerable.Repeat((short)77, size).ToArray();
        var scalar = Enumerable.Repeat((short)-77, size).ToArray();
        Pointwise.Interleave(x, channels, plane, positions, vector, avx2: true);
        Pointwise.Interleave(x, channels, plane, positions, scalar, avx2: false);
        Assert.Equal(scalar, vector);
        Assert.Equal(((short)x[0], (short)(channels > 1 ? x[plane] : 0)), (scalar[0], scalar[1])); // (channel 0, channel 1) at position 0
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
