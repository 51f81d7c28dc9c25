using System.Runtime.Intrinsics;
using Csk6Tools.Engine.Quant;
using Xunit;

namespace Csk6Tools.Engine.Tests.Quant;

/// <summary>The worked examples of docs/quant-arithmetic.md#worked-examples, exactly.</summary>
public class Int8ArithmeticTests
{
    [Theory]
    [InlineData(768, 9, 2)]
    [InlineData(-768, 9, -1)]
    [InlineData(-769, 9, -2)]
    [InlineData(7483, 9, 15)]
    [InlineData(-2590, 9, -5)]
    [InlineData(150, 4, 9)]
    [InlineData(-150, 4, -9)]
    [InlineData(41, 1, 21)]
    [InlineData(-41, 1, -20)]
    [InlineData(5, 0, 5)]
    [InlineData(int.MaxValue, 32, 0)]
    public void RShiftRoundsHalfUp(int v, int n, int expected)
    {
        Assert.Equal(expected, Int8Arithmetic.RShift(v, n));
        Assert.Equal(expected, Int8Arithmetic.RShift((long)v, n));
        if (n is > 0 and < 31) Assert.Equal((long)Math.Floor(v / Math.Pow(2, n) + 0.5), Int8Arithmetic.RShift(v, n));
    }

    [Fact]
    public void RShiftAgreesWithFloorFormulaEverywhereNearZero()
    {
        for (int v = -5000; v <= 5000; v++)
            for (int n = 1; n <= 12; n++)
                Assert.Equal((int)Math.Floor(v / (double)(1 << n) + 0.5), Int8Arithmetic.RShift(v, n));
    }

    [Fact]
    public void WorkedConvExample()
    {
        float[] x = [0.5f, -0.25f, 1.0f, 0.75f, 0.1f, -1.2f, 0.3f, 0.0f, 2.0f];
        float[] w = [0.2f, -0.4f, 0.1f, 0.6f, 0.5f, -0.3f, 0.0f, 0.25f, -0.15f];
        int[] xq = [32, -16, 64, 48, 6, -77, 19, 0, 127];
        int[] wq = [26, -51, 13, 77, 64, -38, 0, 32, -19];
        Assert.Equal(7, Int8Arithmetic.WeightExponent(0.6));
        int acc = 0;
        for (int i = 0; i < 9; i++)
        {
            Assert.Equal(xq[i], Int8Arithmetic.Quantize(x[i], 6));
            Assert.Equal(wq[i], Int8Arithmetic.Quantize(w[i], 7));
            acc += xq[i] * wq[i];
        }
        Assert.Equal(7073, acc);
        int bq = Int8Arithmetic.QuantizeBias(0.05, 13);
        Assert.Equal(410, bq);
        Assert.Equal(15, Int8Arithmetic.Requantize(acc + bq, 9, relu: false));
        Assert.Equal(0, Int8Arithmetic.Requantize(-2590, 9, relu: true));
        Assert.Equal(-5, Int8Arithmetic.Requantize(-2590, 9, relu: false));
    }

    [Fact]
    public void WorkedAddAndPoolExamples()
    {
        Assert.Equal(14, Int8Arithmetic.Add(41, 1, -7, 0));
        Assert.Equal(-27, Int8Arithmetic.Add(-41, 1, -7, 0));
        Assert.Equal(127, Int8Arithmetic.Add(127, 0, 100, 0));
        Assert.Equal(9, Int8Arithmetic.Average(150, 16));
        Assert.Equal(-9, Int8Arithmetic.Average(-150, 16));
        Assert.Equal(2, Int8Arithmetic.Average(14, 9)); // 1.56 → 2
    }

    [Fact]
    public void ExponentRules()
    {
        Assert.Equal(3, Int8Arithmetic.BatchExponent(8)); // clamp ±8 → Q ≥ 3
        Assert.Equal(8, Int8Arithmetic.BatchExponent(0));
        Assert.Equal(4, Int8Arithmetic.RunningExponent(127 / 16.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Int8Arithmetic.RunningExponent(0));
        Assert.Equal(-128, Int8Arithmetic.Quantize(-3f, 6));
        Assert.Equal(130, Int8Arithmetic.QuantizeUnsaturated(2.03f, 6));
    }
}

public class VectorArithmeticTests
{
    [Fact]
    public void SpanRequantizeEqualsTheScalarRuleBitForBit()
    {
        var random = new Random(5);
        var acc = new int[1003];
        for (int i = 0; i < acc.Length; i++) acc[i] = random.Next(-1 << 20, 1 << 20);
        acc[0] = int.MaxValue; acc[1] = int.MinValue; acc[2] = 768; acc[3] = -768;
        foreach (int shift in new[] { 0, 1, 4, 9, 17, 31 })
            foreach (bool relu in new[] { false, true })
            {
                var output = new sbyte[acc.Length];
                Int8Arithmetic.Requantize(acc, output, shift, relu);
                for (int i = 0; i < acc.Length; i++)
                    Assert.Equal(Int8Arithmetic.Requantize(acc[i], shift, relu), output[i]);
            }
    }

    [Fact]
    public void VectorRequantizeFormsEqualTheScalarRuleBitForBit()
    {
        var random = new Random(6);
        var acc = new int[1024];
        for (int i = 0; i < acc.Length; i++) acc[i] = random.Next(-1 << 20, 1 << 20);
        acc[0] = int.MaxValue; acc[1] = int.MinValue; acc[2] = 768; acc[3] = -768; acc[4] = -1; acc[5] = 1;
        foreach (int shift in new[] { 0, 1, 4, 9, 17, 31 })
            foreach (bool relu in new[] { false, true })
                for (int i = 0; i < acc.Length; i += 16)
                {
                    var wide = Int8Arithmetic.Requantize(Vector512.Create(acc.AsSpan(i, 16)), shift, relu);
                    var narrow = Int8Arithmetic.Requantize(Vector256.Create(acc.AsSpan(i + 8, 8)), shift, relu);
                    for (int k = 0; k < 16; k++)
                        Assert.Equal(Int8Arithmetic.Requantize(acc[i + k], shift, relu), wide[k]);
                    for (int k = 0; k < 8; k++)
                        Assert.Equal(Int8Arithmetic.Requantize(acc[i + 8 + k], shift, relu), narrow[k]);
                }
    }
}

public class VectorAddTests
{
    [Fact]
    public void SpanAddEqualsTheScalarRuleBitForBit()
    {
        var random = new Random(9);
        var x = new sbyte[1037];
        var y = new sbyte[1037];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (sbyte)random.Next(-128, 128);
            y[i] = (sbyte)random.Next(-128, 128);
        }
        x[0] = -128; y[0] = -128; x[1] = 127; y[1] = 127; x[2] = 41; y[2] = -7; x[3] = -41;
        foreach (var (nx, ny) in new[] { (0, 0), (1, 0), (0, 1), (1, 1), (2, 3), (7, 0), (15, 15), (16, 2), (31, 0) })
        {
            var z = new sbyte[x.Length];
            Int8Arithmetic.Add(x, nx, y, ny, z);
            for (int i = 0; i < x.Length; i++) Assert.Equal(Int8Arithmetic.Add(x[i], nx, y[i], ny), z[i]);
        }
    }
}
