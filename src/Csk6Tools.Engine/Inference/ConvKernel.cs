using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Quant;

namespace Csk6Tools.Engine.Inference;

/// <summary>Conv2dInt: acc = Σ x·w + b (int32), optional fused ReLU, y = sat8(rshift(acc, Qx + Qw − Qo)).</summary>
internal sealed class ConvKernel : IKernel
{
    private readonly PackageTensor _x, _y;
    private readonly PackageTensor? _bias;
    private readonly Conv2dAttributes _a;
    private readonly sbyte[] _w; // [Cout, Cin/g, kh, kw]
    private readonly int _cin, _h, _w0, _cout, _oh, _ow, _shift;
    private readonly bool _relu;

    public ConvKernel(PackageOperator op, ThinkerPackage package, TensorMemory memory)
    {
        _a = Conv2dAttributes.Parse(op.Attributes);
        _x = KernelChecks.Activation(package, op.Inputs[0], op);
        _y = KernelChecks.Activation(package, op.Outputs[0], op);
        var weight = package.Tensors[op.Inputs[1]];
        _bias = op.Inputs.Length > 2 ? package.Tensors[op.Inputs[2]] : null;
        (_cin, _h, _w0) = (_x.Shape[1], _x.Shape[2], _x.Shape[3]);
        (_cout, _oh, _ow) = (_y.Shape[1], _y.Shape[2], _y.Shape[3]);
        if (_a.Group <= 0 || _cin % _a.Group != 0 || _cout % _a.Group != 0)
            throw KernelChecks.Invalid(op, $"group {_a.Group} does not divide {_cin} input and {_cout} output channels");
        if (_a.Activation == FusedActivation.Prelu)
            throw new InferenceException(InferenceException.UnsupportedOperator, $"Operator {op.Index} (Conv2dInt) fuses a PReLU, which the engine does not run.");
        if (_bias is not null && (_bias.DType != ThinkerDType.Int32 || _bias.Elements != _cout))
            throw KernelChecks.Invalid(op, $"the bias must be {_cout} int32 values");
        _relu = _a.Activation == FusedActivation.Relu;
        _shift = KernelChecks.Shift(op, _x, weight, _y);
        _w = WeightPacking.Unpack(memory.Int8(weight), _cout, _cin, _a.Group, _a.KernelH, _a.KernelW, op);
    }

    public void Run(TensorMemory memory)
    {
        ReadOnlySpan<sbyte> x = memory.Int8(_x);
        Span<sbyte> y = memory.Int8(_y);
        ReadOnlySpan<int> bias = _bias is null ? default : memory.Int32(_bias);
        int groupIn = _cin / _a.Group, groupOut = _cout / _a.Group, kh = _a.KernelH, kw = _a.KernelW;
        int plane = _oh * _ow;
        var acc = new int[plane];
        for (int o = 0; o < _cout; o++)
        {
            acc.AsSpan().Fill(bias.IsEmpty ? 0 : bias[o]);
            int firstIn = o / groupOut * groupIn;
            for (int i = 0; i < groupIn; i++)
            {
                var channel = x.Slice((firstIn + i) * _h * _w0, _h * _w0);
                for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0; kx < kw; kx++)
                    {
                        int w = _w[((o * groupIn + i) * kh + ky) * kw + kx];
                        if (w != 0) AccumulateTap(channel, acc, w, ky * _a.DilationH - _a.PadTop, kx * _a.DilationW - _a.PadLeft);
                    }
            }
            var output = y.Slice(o * plane, plane);
            for (int p = 0; p < plane; p++) output[p] = Int8Arithmetic.Requantize(acc[p], _shift, _relu);
        }
    }

    /// <summary>acc[oy, ox] += w · x[oy·s + dy, ox·s + dx] over the output positions whose tap lies inside the input.</summary>
    private void AccumulateTap(ReadOnlySpan<sbyte> channel, int[] acc, int w, int dy, int dx)
    {
        int sh = _a.StrideH, sw = _a.StrideW;
        int oxFirst = dx >= 0 ? 0 : (-dx + sw - 1) / sw;
        int oxLast = Math.Min(_ow - 1, (_w0 - 1 - dx) / sw);
        if (_w0 - 1 - dx < 0) return;
        for (int oy = 0; oy < _oh; oy++)
        {
            int iy = oy * sh + dy;
            if ((uint)iy >= (uint)_h) continue;
            var row = channel.Slice(iy * _w0, _w0);
            int at = oy * _ow;
            for (int ox = oxFirst; ox <= oxLast; ox++) acc[at + ox] += w * row[ox * sw + dx];
        }
    }
}
