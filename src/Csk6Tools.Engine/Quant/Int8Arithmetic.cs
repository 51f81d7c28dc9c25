using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Csk6Tools.Engine.Quant;

/// <summary>
/// The CSK6 integer arithmetic (docs/quant-arithmetic.md): the one definition shared by
/// fake-quant training, the packer and the int8 engine. A value with exponent Q is q / 2^Q.
/// </summary>
public static class Int8Arithmetic
{
    public const int Bound = 127;

    /// <summary>min(127, max(−128, v)).</summary>
    public static sbyte Sat8(long v) => (sbyte)(v > 127 ? 127 : v < -128 ? -128 : v);

    /// <summary>floor(v / 2^n + 0.5) with shifts only, as the NPU's FloorX05 shift; n = 0 returns v.</summary>
    public static long RShift(long v, int n)
    {
        if (n == 0) return v;
        if (n < 0)
            throw new ArgumentOutOfRangeException(nameof(n), n,
                "A negative requantization shift never occurs in a valid package.");
        if (n > 62) return 0;
        long t = v >> (n - 1);
        return (t >> 1) + (t & 1);
    }

    /// <summary>32-bit form (the engine's int32 accumulators): n &gt; 31 gives 0.</summary>
    public static int RShift(int v, int n)
    {
        if (n == 0) return v;
        if (n < 0)
            throw new ArgumentOutOfRangeException(nameof(n), n,
                "A negative requantization shift never occurs in a valid package.");
        if (n > 31) return 0;
        int t = v >> (n - 1);
        return (t >> 1) + (t & 1);
    }

    /// <summary>sat8(rshift(acc, n)), with an optional fused ReLU (before or after the shift is the same).</summary>
    public static sbyte Requantize(int acc, int shift, bool relu)
    {
        if (relu && acc < 0) return 0;
        return Sat8(RShift(acc, shift));
    }

    /// <summary>
    /// <see cref="Requantize(int, int, bool)"/> over a span, 32 at a time with AVX2 (see the vector forms below) and
    /// one at a time elsewhere.
    /// </summary>
    public static void Requantize(ReadOnlySpan<int> acc, Span<sbyte> output, int shift, bool relu)
    {
        if (shift < 0 || shift > 31)
            throw new ArgumentOutOfRangeException(nameof(shift), shift, "Requantization shifts are 0 to 31.");
        int i = 0;
        if (Avx2.IsSupported)
        {
            for (; i + 32 <= acc.Length; i += 32)
            {
                // Values are clamped to int8 already, so narrowing (which keeps the low bits) is exact.
                var lower = Vector256.Narrow(Requantize(Vector256.Create(acc.Slice(i, 8)), shift, relu),
                                             Requantize(Vector256.Create(acc.Slice(i + 8, 8)), shift, relu));
                var upper = Vector256.Narrow(Requantize(Vector256.Create(acc.Slice(i + 16, 8)), shift, relu),
                                             Requantize(Vector256.Create(acc.Slice(i + 24, 8)), shift, relu));
                Vector256.CopyTo(Vector256.Narrow(lower, upper), output.Slice(i, 32));
            }
        }
        for (; i < acc.Length; i++) output[i] = Requantize(acc[i], shift, relu);
    }

    /// <summary>
    /// <see cref="Requantize(int, int, bool)"/> of eight sums, each still an int32 in [−128, 127]: the same
    /// arithmetic shift, round bit and clamps, so the same bits (a ReLU clamps at 0: a negative sum rounds to ≤ 0).
    /// </summary>
    public static Vector256<int> Requantize(Vector256<int> acc, int shift, bool relu)
    {
        if (shift > 0)
        {
            var t = Vector256.ShiftRightArithmetic(acc, shift - 1);
            acc = (t >> 1) + (t & Vector256<int>.One);
        }
        return Vector256.Min(Vector256.Max(acc, Vector256.Create(relu ? 0 : -128)), Vector256.Create(127));
    }

    /// <summary>The 512-bit form of <see cref="Requantize(Vector256{int}, int, bool)"/>.</summary>
    public static Vector512<int> Requantize(Vector512<int> acc, int shift, bool relu)
    {
        if (shift > 0)
        {
            var t = Vector512.ShiftRightArithmetic(acc, shift - 1);
            acc = (t >> 1) + (t & Vector512<int>.One);
        }
        return Vector512.Min(Vector512.Max(acc, Vector512.Create(relu ? 0 : -128)), Vector512.Create(127));
    }

    /// <summary>Quant: sat8(floor(x · 2^Q + 0.5)) in float32, as the engine's floorf.</summary>
    public static sbyte Quantize(float x, int exponent) => Sat8((long)MathF.Floor(x * Scale(exponent) + 0.5f));

    /// <summary>Quantize without saturation (the reference preprocessing wraps with astype(int8)).</summary>
    public static long QuantizeUnsaturated(float x, int exponent) => (long)MathF.Floor(x * Scale(exponent) + 0.5f);

    public static float Dequantize(int q, int exponent) => q / Scale(exponent);

    /// <summary>2^Q as a float (Q may be negative).</summary>
    public static float Scale(int exponent) => MathF.ScaleB(1f, exponent);

    /// <summary>Bias at exponent Q_x + Q_w: floor(b · 2^Q + 0.5) as int32 (linger).</summary>
    public static int QuantizeBias(double b, int exponent) =>
        checked((int)Math.Floor(b * Math.ScaleB(1.0, exponent) + 0.5));

    /// <summary>Weights: Q_w = floor(log2(127 / max|W|)), so no weight saturates. All-zero: 8 (scale 256).</summary>
    public static int WeightExponent(double maxAbs) => maxAbs > 0 ? (int)Math.Floor(Math.Log2(Bound / maxAbs)) : 8;

    /// <summary>Training-time activation exponent from a batch maximum: floor(log2(127 / max)).</summary>
    public static int BatchExponent(double maxAbs) => maxAbs > 0 ? (int)Math.Floor(Math.Log2(Bound / maxAbs)) : 8;

    /// <summary>Eval/export exponent from a running range:
    /// round(log2(127 / running)), half to even as Python.</summary>
    public static int RunningExponent(double running)
    {
        if (!(running > 0))
            throw new ArgumentOutOfRangeException(nameof(running), running,
                "A zero running range means the layer never ran during quantization-aware training.");
        return (int)Math.Round(Math.Log2(Bound / running), MidpointRounding.ToEven);
    }

    /// <summary>
    /// iqAdd / iqCat output exponent: round(log2(127 / max)) of the batch (training) or of the running range (eval),
    /// all-zero gives 8, limited to the smallest input exponent so no input needs a left shift
    /// (docs/quant-arithmetic.md#exponents). linger applies the limit at eval only; Csk6Tools applies it in training
    /// too, so training sees what the chip computes.
    /// </summary>
    public static int MergeExponent(double maxAbs, IEnumerable<int> inputExponents)
    {
        int local = maxAbs > 0 ? (int)Math.Round(Math.Log2(Bound / maxAbs), MidpointRounding.ToEven) : 8;
        return Math.Min(local, inputExponents.Min());
    }

    /// <summary>
    /// A conv/linear output exponent limited to Q_x + Q_w, so the requantization shift is never negative
    /// (docs/quant-arithmetic.md#exponents).
    /// </summary>
    public static int LimitOutputExponent(int exponent, int inputExponent, int weightExponent) =>
        Math.Min(exponent, inputExponent + weightExponent);

    /// <summary>The range a power-of-two exponent covers, 127 / 2^Q:
    /// what conv/linear/input running statistics average.</summary>
    public static double Range(int exponent) => Bound / Math.ScaleB(1.0, exponent);

    /// <summary>linger's running statistics: an EMA with momentum 0.1, starting from 0.</summary>
    public static double UpdateRunning(double running, double observed) => 0.9 * running + 0.1 * observed;

    /// <summary>
    /// ReLU6Int's integer upper bound at exponent Q: round(6 · 2^Q) (docs/quant-arithmetic.md#relu-pool-reshape).
    /// </summary>
    public static int Relu6Bound(int exponent) =>
        (int)Math.Round(6 * Math.ScaleB(1.0, exponent), MidpointRounding.ToEven);

    /// <summary>iqAdd: sat8(sat8(rshift(x, Qx−Qo)) + sat8(rshift(y, Qy−Qo))), each input rounded on its own.</summary>
    public static sbyte Add(sbyte x, int shiftX, sbyte y, int shiftY) =>
        Sat8(Sat8(RShift((int)x, shiftX)) + Sat8(RShift((int)y, shiftY)));

    /// <summary><see cref="Add(sbyte, int, sbyte, int)"/> over spans, 32
    /// at a time in int16 lanes (the same shifts and clamps).</summary>
    public static void Add(ReadOnlySpan<sbyte> x, int shiftX, ReadOnlySpan<sbyte> y, int shiftY, Span<sbyte> z)
    {
        int i = 0;
        // Shifts past 15 do not fit int16 lanes: those (never seen in a valid package) go one at a time.
        if (Vector256.IsHardwareAccelerated && (uint)shiftX <= 15 && (uint)shiftY <= 15)
        {
            var low = Vector256.Create((short)-128);
            var high = Vector256.Create((short)127);
            for (; i + 32 <= z.Length; i += 32)
            {
                var (x0, x1) = Vector256.Widen(Vector256.Create(x.Slice(i, 32)));
                var (y0, y1) = Vector256.Widen(Vector256.Create(y.Slice(i, 32)));
                var s0 = Vector256.Min(Vector256.Max(Rescale16(x0, shiftX) + Rescale16(y0, shiftY), low), high);
                var s1 = Vector256.Min(Vector256.Max(Rescale16(x1, shiftX) + Rescale16(y1, shiftY), low), high);
                Vector256.CopyTo(Vector256.Narrow(s0, s1), z.Slice(i, 32));
            }
        }
        for (; i < z.Length; i++) z[i] = Add(x[i], shiftX, y[i], shiftY);
    }

    /// <summary>rshift on int16 lanes holding int8 values (n ≤ 15):
    /// the result stays within int8, no clamp needed.</summary>
    private static Vector256<short> Rescale16(Vector256<short> v, int shift)
    {
        if (shift == 0) return v;
        var t = Vector256.ShiftRightArithmetic(v, shift - 1);
        return Vector256.ShiftRightArithmetic(t, 1) + (t & Vector256<short>.One);
    }

    /// <summary>Bring one int8 value to a coarser exponent (iqCat, Requant): sat8(rshift(x, n)).</summary>
    public static sbyte Rescale(sbyte x, int shift) => Sat8(RShift((int)x, shift));

    /// <summary>AvgPool2dInt of a window sum S over K cells: sat8(floor(S / K + 0.5)).</summary>
    public static sbyte Average(int sum, int count)
    {
        if ((count & (count - 1)) == 0) return Sat8(RShift(sum, System.Numerics.BitOperations.Log2((uint)count)));
        return Sat8((long)Math.Floor(sum / (double)count + 0.5));
    }
}
