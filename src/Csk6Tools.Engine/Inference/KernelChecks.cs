using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Inference;

/// <summary>Checks shared by the kernels when they are prepared:
/// tensor kinds, shapes and requantization shifts.</summary>
internal static class KernelChecks
{
    public static InferenceException Invalid(PackageOperator op, string what) =>
        new(ErrorIds.EngineInvalidPackage, $"Operator {op.Index} ({op.Type}): {what}.");

    /// <summary>A convolution's weights unpacked from venus packing, after
    /// checking the tensor holds as many bytes as it needs.</summary>
    public static sbyte[] UnpackWeight(ReadOnlySpan<sbyte> packed, int cout, int cin, int group, int kh,
        int kw, PackageOperator op)
    {
        long expected = WeightPacking.PackedBytes(cout, cin, group, kh, kw);
        if (packed.Length != expected)
            throw Invalid(op,
                $"the packed weight has {packed.Length:N0} bytes, {cout}×{cin / group}×{kh}×{kw} in venus " +
                $"packing needs {expected:N0}");
        return WeightPacking.Unpack(packed, cout, cin, group, kh, kw);
    }

    /// <summary>An int8 NCHW activation of rank 4.</summary>
    public static PackageTensor Activation(ThinkerPackage package, int id, PackageOperator op)
    {
        var t = Int8(package, id, op);
        if (t.Shape.Length != 4 || t.Shape[0] != 1)
            throw Invalid(op,
                $"tensor '{t.Name}' must be 4-D (1, C, H, W), it has shape ({string.Join(", ", t.Shape)})");
        if (t.Layout != TensorLayout.Nchw)
            throw new InferenceException(ErrorIds.EngineUnsupportedOperator,
                $"Operator {op.Index} ({op.Type}): tensor '{t.Name}' has layout {t.Layout}; the engine " +
                $"runs NCHW activations.");
        return t;
    }

    public static PackageTensor Int8(ThinkerPackage package, int id, PackageOperator op)
    {
        var t = package.Tensors[id];
        if (t.DType != ThinkerDType.Int8) throw Invalid(op, $"tensor '{t.Name}' must be int8, it is {t.DType}");
        return t;
    }

    public static PackageTensor Float32(ThinkerPackage package, int id, PackageOperator op)
    {
        var t = package.Tensors[id];
        if (t.DType != ThinkerDType.Float32) throw Invalid(op, $"tensor '{t.Name}' must be float32, it is {t.DType}");
        return t;
    }

    public static int Exponent(PackageTensor t, PackageOperator op)
    {
        if (t.Scale < 0) throw Invalid(op, $"tensor '{t.Name}' has no scale");
        if (!(t.Scale <= 31) || t.Scale != MathF.Floor(t.Scale))
            throw Invalid(op, $"tensor '{t.Name}' has the exponent {t.Scale}, not an integer from 0 to 31");
        return (int)t.Scale;
    }

    /// <summary>n = Qx + Qw − Qo; a negative shift is not a valid venus package.</summary>
    public static int Shift(PackageOperator op, PackageTensor x, PackageTensor w, PackageTensor y)
    {
        int n = Exponent(x, op) + Exponent(w, op) - Exponent(y, op);
        if (n < 0)
            throw Invalid(op,
                $"the output exponent {y.Exponent} exceeds input + weight exponents {x.Exponent} + {w.Exponent}");
        return n <= 31 ? n : throw Invalid(op, $"the requantization shift {n} exceeds 31");
    }

    public static void SameElements(PackageTensor a, PackageTensor b, PackageOperator op)
    {
        if (a.Elements != b.Elements)
            throw Invalid(op, $"'{a.Name}' has {a.Elements:N0} elements, '{b.Name}' {b.Elements:N0}");
    }
}
