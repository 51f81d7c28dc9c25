using Csk6Tools.Engine.Quant;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Csk6Tools.Training;

/// <summary>
/// Int8Arithmetic in tensor form, element for element the same formulas (float32, as the engine's floorf), on
/// integer-valued tensors. Values stay in float32, which holds every integer below 2^24 exactly.
/// </summary>
internal static class FakeQuant
{
    /// <summary>Int8Arithmetic.Quantize: sat8(floor(x · 2^Q + 0.5)).</summary>
    public static Tensor Quantize(Tensor x, int exponent) => Sat8((x * Int8Arithmetic.Scale(exponent) + 0.5f).floor_());

    /// <summary>Int8Arithmetic.QuantizeBias: floor(b · 2^Q + 0.5) in float64, returned as float32 (|b_q| &lt; 2^24 stays exact).</summary>
    public static Tensor QuantizeBias(Tensor b, int exponent)
    {
        using var wide = b.to_type(ScalarType.Float64);
        return (wide * Math.ScaleB(1.0, exponent) + 0.5).floor_().to_type(ScalarType.Float32);
    }

    /// <summary>Int8Arithmetic.Sat8.</summary>
    public static Tensor Sat8(Tensor q) => q.clamp_(-128, 127);

    /// <summary>Int8Arithmetic.RShift on integer values: floor(v / 2^n + 0.5), exact since dividing by 2^n is.</summary>
    public static Tensor RShift(Tensor v, int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "A negative requantization shift never occurs in a valid package.");
        return n == 0 ? v.clone() : (v * Int8Arithmetic.Scale(-n) + 0.5f).floor_();
    }

    /// <summary>Int8Arithmetic.Requantize: sat8(rshift(acc, n)), ReLU first when fused.</summary>
    public static Tensor Requantize(Tensor acc, int shift, bool relu)
    {
        var q = Sat8(RShift(acc, shift));
        return relu ? q.clamp_min_(0) : q;
    }

    /// <summary>Int8Arithmetic.Add: sat8(sat8(rshift(x, n_x)) + sat8(rshift(y, n_y))).</summary>
    public static Tensor Add(Tensor x, int shiftX, Tensor y, int shiftY) => Sat8(Sat8(RShift(x, shiftX)).add_(Sat8(RShift(y, shiftY))));

    /// <summary>Int8Arithmetic.Rescale: sat8(rshift(x, n)).</summary>
    public static Tensor Rescale(Tensor x, int shift) => Sat8(RShift(x, shift));

    /// <summary>Int8Arithmetic.Average of window sums S over K cells: sat8(floor(S / K + 0.5)).</summary>
    public static Tensor Average(Tensor sum, int count) => Sat8((sum / count + 0.5f).floor_());

    /// <summary>q / 2^Q.</summary>
    public static Tensor Dequantize(Tensor q, int exponent) => q * Int8Arithmetic.Scale(-exponent);

    /// <summary>The integers a dequantized tensor holds: x · 2^Q (exact).</summary>
    public static Tensor Integers(Tensor x, int exponent) => x.detach() * Int8Arithmetic.Scale(exponent);

    /// <summary>
    /// Straight-through estimator: the value of <paramref name="value"/> exactly (the float path contributes
    /// path − path = 0) and the gradient of <paramref name="path"/>.
    /// </summary>
    public static Tensor StraightThrough(Tensor value, Tensor path) => value.detach() + (path - path.detach());

    /// <summary>max |x| as a double.</summary>
    public static double MaxAbs(Tensor x)
    {
        using var _ = no_grad();
        return x.numel() == 0 ? 0 : x.detach().abs().max().item<float>();
    }
}
