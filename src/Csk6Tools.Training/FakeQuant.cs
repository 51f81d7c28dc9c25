using Csk6Tools.Engine.Quant;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Csk6Tools.Training;

/// <summary>
/// Int8Arithmetic in tensor form, element for element the same formulas (float32, as the engine's floorf). Layers
/// pass dequantized values q / 2^Q, so the rules are written in that domain: multiplying by a power of two is exact
/// in float32 (every |q| below 2^24), which makes rshift(acc, Q_acc − Q) of acc = x · 2^Q_acc equal to
/// floor(x · 2^Q + 0.5): one scaling instead of integers, a shift and a dequantization. Each rule allocates one
/// tensor and works in place on it (the layers' activations are large and these run on every one).
/// </summary>
internal static class FakeQuant
{
    /// <summary>Int8Arithmetic.Quantize: sat8(floor(x · 2^Q + 0.5)).</summary>
    public static Tensor Quantize(Tensor x, int exponent) =>
        Sat8(x.mul(Int8Arithmetic.Scale(exponent)).add_(0.5f).floor_());

    /// <summary>
    /// Int8Arithmetic.Requantize in the dequantized domain: for x = acc / 2^Q_acc and Q ≤ Q_acc, the value
    /// sat8(rshift(acc, Q_acc − Q)) / 2^Q, ReLU first when fused. Also Int8Arithmetic.Rescale (iqCat's inputs):
    /// x = v / 2^Q_v with Q ≤ Q_v gives sat8(rshift(v, Q_v − Q)) / 2^Q. into <paramref name="into"/> when given (same
    /// shape), so a layer can reuse its float path's storage.
    /// </summary>
    public static Tensor Requantized(Tensor x, int exponent, bool relu = false, Tensor? into = null)
    {
        // libtorch converts add_'s alpha to float with an overflow check, and 2^Q from Q = 128 on (a layer whose values
        // are all tiny) is beyond float: those scale in two exact steps by powers of two a float holds.
        if (exponent >= MinOverflowingExponent)
        {
            var scaled = (into is null ? x.mul(TwoTo64) : into.copy_(x).mul_(TwoTo64))
                .mul_(Int8Arithmetic.Scale(exponent - 64));
            return Saturated(scaled.add_(0.5f), exponent, relu);
        }
        // 0.5 + x · 2^Q in one pass: x · 2^Q is exact, so the sum
        // rounds once, as after a multiplication and an addition.
        return Saturated((into?.fill_(0.5f) ?? torch.full_like(x, 0.5f)).add_(x, Int8Arithmetic.Scale(exponent)),
            exponent, relu);
    }

    /// <summary>The first exponent whose 2^Q a float cannot hold (float's largest is just under 2^128).</summary>
    internal const int MinOverflowingExponent = 128;

    private const float TwoTo64 = 18446744073709551616f;

    /// <summary><see cref="Requantized"/> in place: x takes its own requantized values.</summary>
    public static Tensor Requantize_(Tensor x, int exponent, bool relu) =>
        Saturated(x.mul_(Int8Arithmetic.Scale(exponent)).add_(0.5f), exponent, relu);

    private static Tensor Saturated(Tensor halfUp, int exponent, bool relu) => halfUp.floor_()
        .clamp_(relu ? 0 : -128, 127)
        .mul_(Int8Arithmetic.Scale(-exponent));

    /// <summary>Int8Arithmetic.Add in the dequantized domain: sat8(rescale(x)
    /// + rescale(y)) / 2^Q (the sum of two q/2^Q is exact).</summary>
    public static Tensor Added(Tensor x, Tensor y, int exponent) => Added(x, null, y, null, exponent);

    /// <summary>
    /// <see cref="Added(Tensor, Tensor, int)"/> for inputs known to hold int8 values at exponents
    /// <paramref name="qx"/> and <paramref name="qy"/>: one already at the output exponent rescales to itself and is
    /// not rescaled.
    /// </summary>
    public static Tensor Added(Tensor x, int? qx, Tensor y, int? qy, int exponent)
    {
        using var second = qy == exponent ? null : Requantized(y, exponent);
        double step = Int8Arithmetic.Scale(-exponent);
        var sum = qx == exponent ? x.add(second ?? y) : Requantized(x, exponent).add_(second ?? y);
        return sum.clamp_(-128 * step, 127 * step);
    }

    /// <summary>Int8Arithmetic.QuantizeBias: floor(b · 2^Q + 0.5) in
    /// float64, returned as float32 (|b_q| &lt; 2^24 stays exact).</summary>
    public static Tensor QuantizeBias(Tensor b, int exponent)
    {
        using var wide = b.to_type(ScalarType.Float64);
        return (wide * Math.ScaleB(1.0, exponent) + 0.5).floor_().to_type(ScalarType.Float32);
    }

    /// <summary>Int8Arithmetic.Sat8.</summary>
    public static Tensor Sat8(Tensor q) => q.clamp_(-128, 127);

    /// <summary>Int8Arithmetic.Average of window sums S over K cells: sat8(floor(S / K + 0.5)).</summary>
    public static Tensor Average(Tensor sum, int count) => Sat8((sum / count).add_(0.5f).floor_());

    /// <summary>q / 2^Q.</summary>
    public static Tensor Dequantize(Tensor q, int exponent) => q * Int8Arithmetic.Scale(-exponent);

    /// <summary>The integers a dequantized tensor holds: x · 2^Q (exact).</summary>
    public static Tensor Integers(Tensor x, int exponent) => x.detach() * Int8Arithmetic.Scale(exponent);

    /// <summary>
    /// Straight-through estimator: the value of <paramref name="value"/> exactly (the float path contributes
    /// path − path = 0) and the gradient of <paramref name="path"/>. For parameters, whose values must stay.
    /// </summary>
    public static Tensor StraightThrough(Tensor value, Tensor path) => (path - path.detach()).add_(value);

    /// <summary>
    /// The straight-through estimator without a copy, for activations: <paramref name="path"/> takes the values of
    /// <paramref name="value"/> in place and keeps its gradient function. Only for a path whose backward does not read
    /// its own output (clamp, add, cat and avg_pool2d read their inputs; relu would read its output).
    /// </summary>
    public static Tensor Substitute(Tensor path, Tensor value)
    {
        using (no_grad()) path.copy_(value);
        return path;
    }

    /// <summary>min and max of x (0 and 0 when empty), one pass, no copy.</summary>
    public static (double Min, double Max) Extremes(Tensor x)
    {
        if (x.numel() == 0) return (0, 0);
        using var _ = no_grad();
        // aminmax copies a tensor that is not contiguous; a channels-last one is, read in N×H×W×C order.
        var (min, max) = (x.dim() == 4 && !x.is_contiguous() ? x.detach().permute(0, 2, 3, 1) : x.detach())
            .aminmax(null, false);
        using (min) using (max) return (min.item<float>(), max.item<float>());
    }

    /// <summary>max |x| as a double.</summary>
    public static double MaxAbs(Tensor x)
    {
        var (min, max) = Extremes(x);
        return Math.Max(max, -min);
    }
}
