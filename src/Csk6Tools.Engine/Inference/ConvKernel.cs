using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Quant;

namespace Csk6Tools.Engine.Inference;

/// <summary>Conv2dInt: acc = Σ x·w + b (int32), optional fused ReLU, y = sat8(rshift(acc, Qx + Qw − Qo)).</summary>
internal sealed class ConvKernel : IKernel
{
    private readonly PackageTensor _x, _y;
    private readonly PackageTensor? _bias;
    private readonly Conv2dAttributes _a;
    private readonly int _cin, _h, _w0, _cout, _oh, _ow, _shift;
    private readonly bool _relu;
    private readonly int _pairs, _positions;
    private readonly int[] _packed; // per group: [Cout/g, k-pairs]
    private readonly short[] _columns;
    private readonly int[] _acc;

    private readonly ColumnCache _cache;
    private readonly int _opIndex;
    private readonly (int Input, Conv2dAttributes Geometry) _key;

    public ConvKernel(PackageOperator op, ThinkerPackage package, TensorMemory memory, ColumnCache cache)
    {
        _cache = cache;
        _opIndex = op.Index;
        var c = ConvOperands.Read(op, package);
        (_a, _x, _y, _bias, _shift, _relu) = (c.Attributes, c.X, c.Y, c.Bias, c.Shift, c.Relu);
        var weight = c.Weight;
        (_cin, _h, _w0) = (_x.Shape[1], _x.Shape[2], _x.Shape[3]);
        (_cout, _oh, _ow) = (_y.Shape[1], _y.Shape[2], _y.Shape[3]);
        var weights = KernelChecks.UnpackWeight(memory.Int8(weight), _cout, _cin, _a.Group, _a.KernelH, _a.KernelW, op);
        int taps = _cin / _a.Group * _a.KernelH * _a.KernelW;
        _pairs = (taps + 1) / 2;
        _positions = (_oh * _ow + Int16Gemm.PositionBlock - 1) / Int16Gemm.PositionBlock * Int16Gemm.PositionBlock;
        _packed = Int16Gemm.PackWeights(weights, _cout, taps); // [Cout, Cin/g, kh, kw] rows are the taps in order
        _columns = new short[_pairs * _positions * 2];
        _key = (op.Inputs[0], _a with { QuantType = 0, Activation = FusedActivation.None });
        _acc = new int[_cout / _a.Group * _positions];
    }

    public void Run(TensorMemory memory)
    {
        ReadOnlySpan<sbyte> x = memory.Int8(_x);
        Span<sbyte> y = memory.Int8(_y);
        ReadOnlySpan<int> bias = _bias is null ? default : memory.Int32(_bias);
        int groupIn = _cin / _a.Group, groupOut = _cout / _a.Group, plane = _oh * _ow;
        for (int g = 0; g < _a.Group; g++)
        {
            var acc = _acc.AsSpan(0, groupOut * _positions);
            for (int o = 0; o < groupOut; o++) acc.Slice(o * _positions, _positions).Fill(bias.IsEmpty ? 0 : bias[g * groupOut + o]);
            var columns = _a.Group == 1 && _cache.TryReuse(_opIndex, _key, out var cached) ? cached : Im2Col(x.Slice(g * groupIn * _h * _w0, groupIn * _h * _w0), groupIn);
            Int16Gemm.Multiply(_packed.AsSpan(g * groupOut * _pairs, groupOut * _pairs), groupOut, _pairs, columns, _positions, acc);
            for (int o = 0; o < groupOut; o++)
            {
                Int8Arithmetic.Requantize(acc.Slice(o * _positions, plane), y.Slice((g * groupOut + o) * plane, plane), _shift, _relu);
            }
        }
    }

    /// <summary>The input taps of every output position as k-pairs: columns[(k/2), p, k%2] = x at tap k for p, 0 in the padding.</summary>
    private short[] Im2Col(ReadOnlySpan<sbyte> x, int channels)
    {
        int kh = _a.KernelH, kw = _a.KernelW, sh = _a.StrideH, sw = _a.StrideW;
        var columns = _columns.AsSpan();
        if (kh == 1 && kw == 1 && sh == 1 && sw == 1 && _a.PadTop == 0 && _a.PadLeft == 0 && _oh == _h && _ow == _w0)
        {
            // A pointwise convolution's taps are the input channels themselves: interleave them in pairs.
            Pointwise.Interleave(x, channels, _h * _w0, _positions, columns);
        }
        else
        {
            columns.Clear();
            ColumnsOf(x, channels, columns);
        }
        if (_a.Group == 1) _cache.Remember(_opIndex, _key, _columns);
        return _columns;
    }

    /// <summary>The general im2col: every tap of every output position, padding left at 0.</summary>
    private void ColumnsOf(ReadOnlySpan<sbyte> x, int channels, Span<short> columns)
    {
        int kh = _a.KernelH, kw = _a.KernelW, sh = _a.StrideH, sw = _a.StrideW;
        for (int i = 0, k = 0; i < channels; i++)
        {
            var channel = x.Slice(i * _h * _w0, _h * _w0);
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++, k++)
                {
                    var column = columns.Slice(k / 2 * _positions * 2);
                    int half = k & 1, dy = ky * _a.DilationH - _a.PadTop, dx = kx * _a.DilationW - _a.PadLeft;
                    int oxFirst = dx >= 0 ? 0 : (-dx + sw - 1) / sw;
                    int oxLast = _w0 - 1 - dx < 0 ? -1 : Math.Min(_ow - 1, (_w0 - 1 - dx) / sw);
                    for (int oy = 0; oy < _oh; oy++)
                    {
                        int iy = oy * sh + dy;
                        if ((uint)iy >= (uint)_h) continue;
                        var row = channel.Slice(iy * _w0, _w0);
                        int at = oy * _ow;
                        for (int ox = oxFirst; ox <= oxLast; ox++) column[2 * (at + ox) + half] = row[ox * sw + dx];
                    }
                }
        }
    }
}
