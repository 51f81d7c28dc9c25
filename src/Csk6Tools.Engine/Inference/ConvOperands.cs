using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Inference;

/// <summary>What every Conv2dInt kernel reads from its record,
/// checked once: attributes, tensors, shift, fused ReLU.</summary>
internal sealed record ConvOperands(Conv2dAttributes Attributes, PackageTensor X, PackageTensor Y, PackageTensor Weight,
    PackageTensor? Bias, int Shift, bool Relu)
{
    public static ConvOperands Read(PackageOperator op, ThinkerPackage package)
    {
        var a = Conv2dAttributes.Parse(op.Attributes);
        if (op.Inputs.Length < 2) throw KernelChecks.Invalid(op, "a convolution needs an input and a weight");
        var x = KernelChecks.Activation(package, op.Inputs[0], op);
        var y = KernelChecks.Activation(package, op.Outputs[0], op);
        var weight = package.Tensors[op.Inputs[1]];
        var bias = op.Inputs.Length > 2 ? package.Tensors[op.Inputs[2]] : null;
        int cin = x.Shape[1], cout = y.Shape[1];
        if (a.Group <= 0 || cin % a.Group != 0 || cout % a.Group != 0)
            throw KernelChecks.Invalid(op, $"group {a.Group} does not divide {cin} input and {cout} output channels");
        if (a.KernelH == 0 || a.KernelW == 0 || a.StrideH == 0 || a.StrideW == 0 ||
            a.DilationH == 0 || a.DilationW == 0)
            throw KernelChecks.Invalid(op, "zero kernel, stride or dilation");
        long oh = Extent(x.Shape[2], a.PadTop + a.PadBottom, a.KernelH, a.StrideH, a.DilationH);
        long ow = Extent(x.Shape[3], a.PadLeft + a.PadRight, a.KernelW, a.StrideW, a.DilationW);
        if (y.Shape[2] != oh || y.Shape[3] != ow)
            throw KernelChecks.Invalid(op,
                $"the output is {y.Shape[2]}×{y.Shape[3]}, but this convolution of a {x.Shape[2]}×{x.Shape[3]} " +
                $"input gives {oh}×{ow}");
        if (bias is not null && (bias.DType != ThinkerDType.Int32 || bias.Elements != cout))
            throw KernelChecks.Invalid(op, $"the bias must be {cout} int32 values");
        if (a.Activation == FusedActivation.Prelu)
            throw new InferenceException(ErrorIds.EngineUnsupportedOperator,
                $"Operator {op.Index} (Conv2dInt) fuses a PReLU, which the engine does not run.");
        // act_type 3 (Clip) is ignored on venus (docs/quant-arithmetic.md#fused-activation).
        return new ConvOperands(a, x, y, weight, bias, KernelChecks.Shift(op, x, weight, y),
            a.Activation == FusedActivation.Relu);
    }

    /// <summary>Output size along one axis: floor((n + pads − dilation·(k −
    /// 1) − 1) / stride) + 1, or 0 when the window does not fit.</summary>
    private static long Extent(int n, int pads, int k, int stride, int dilation)
    {
        long span = (long)n + pads - (long)dilation * (k - 1) - 1;
        return span < 0 ? 0 : span / stride + 1;
    }
}
