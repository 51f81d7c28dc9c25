using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Quant;

namespace Csk6Tools.Engine.Inference;

/// <summary>MaxPool (padding never wins) and AvgPool2dInt (window
/// sum over K = kh·kw cells, padding counted as 0).</summary>
internal sealed class PoolKernel : IKernel
{
    private readonly PackageTensor _x, _y;
    private readonly PoolAttributes _a;
    private readonly bool _average;
    private readonly int _c, _h, _w, _oh, _ow, _shift;

    public PoolKernel(PackageOperator op, ThinkerPackage package, bool average)
    {
        _a = PoolAttributes.Parse(op.Attributes);
        _average = average;
        _x = KernelChecks.Activation(package, op.Inputs[0], op);
        _y = KernelChecks.Activation(package, op.Outputs[0], op);
        (_c, _h, _w) = (_x.Shape[1], _x.Shape[2], _x.Shape[3]);
        (_oh, _ow) = (_y.Shape[2], _y.Shape[3]);
        if (_y.Shape[1] != _c) throw KernelChecks.Invalid(op, "pooling keeps the channel count");
        if (_a.KernelH == 0 || _a.KernelW == 0 || _a.StrideH == 0 || _a.StrideW == 0)
            throw KernelChecks.Invalid(op, "zero kernel or stride");
        _shift = KernelChecks.Exponent(_x, op) - KernelChecks.Exponent(_y, op);
        if (_shift < 0) throw KernelChecks.Invalid(op, "the output exponent exceeds the input's");
    }

    public void Run(TensorMemory memory)
    {
        ReadOnlySpan<sbyte> x = memory.Int8(_x);
        Span<sbyte> y = memory.Int8(_y);
        int cells = _a.KernelH * _a.KernelW;
        for (int c = 0; c < _c; c++)
            for (int oy = 0; oy < _oh; oy++)
                for (int ox = 0; ox < _ow; ox++)
                {
                    int sum = 0, max = int.MinValue;
                    for (int ky = 0; ky < _a.KernelH; ky++)
                    {
                        int iy = oy * _a.StrideH - _a.PadTop + ky;
                        if ((uint)iy >= (uint)_h) continue;
                        for (int kx = 0; kx < _a.KernelW; kx++)
                        {
                            int ix = ox * _a.StrideW - _a.PadLeft + kx;
                            if ((uint)ix >= (uint)_w) continue;
                            int v = x[(c * _h + iy) * _w + ix];
                            sum += v;
                            if (v > max) max = v;
                        }
                    }
                    sbyte result = _average
                        ? Int8Arithmetic.Average(sum, cells)
                        : (sbyte)(max == int.MinValue ? 0 : max);
                    y[(c * _oh + oy) * _ow + ox] = Int8Arithmetic.Rescale(result, _shift);
                }
    }
}
