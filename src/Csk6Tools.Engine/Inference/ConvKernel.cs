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
    private readonly int _groups, _positions, _panel;
    private readonly int[] _packed; // per group: [Cout/g, k-groups]
    private readonly int[]? _quadCorrection, _quadBias; // VNNI: −128·Σw per output channel, and the bias with it
    private readonly short[] _columns;

    private readonly ColumnCache _cache;
    private readonly int _opIndex;
    private readonly (int Input, Conv2dAttributes Geometry) _key;
    private readonly KernelPath _path;
    private readonly ConvColumns _im2col;

    public ConvKernel(PackageOperator op, ThinkerPackage package, TensorMemory memory,
        ColumnCache cache, KernelPath path)
    {
        _cache = cache;
        _path = path;
        _opIndex = op.Index;
        var c = ConvOperands.Read(op, package);
        (_a, _x, _y, _bias, _shift, _relu) = (c.Attributes, c.X, c.Y, c.Bias, c.Shift, c.Relu);
        var weight = c.Weight;
        (_cin, _h, _w0) = (_x.Shape[1], _x.Shape[2], _x.Shape[3]);
        (_cout, _oh, _ow) = (_y.Shape[1], _y.Shape[2], _y.Shape[3]);
        var weights = KernelChecks.UnpackWeight(memory.Int8(weight), _cout, _cin, _a.Group, _a.KernelH, _a.KernelW, op);
        bool quads = KernelPaths.UsesQuads(path);
        _im2col = new ConvColumns(_a, _cin / _a.Group, _h, _w0, _oh, _ow, quads ? 4 : 2);
        _groups = _im2col.Groups;
        _panel = Int8Gemm.PanelFor(_oh * _ow);
        _positions = Int8Gemm.PaddedPositions(_oh * _ow, _panel);
        var reordered = _im2col.Reorder(weights, _cout);
        _packed = quads
            ? Int8Gemm.PackQuads(reordered, _cout, 4 * _groups)
            : Int8Gemm.PackWeights(reordered, _cout, 2 * _groups);
        if (quads)
        {
            // The columns hold x + 128: Σ(x + 128)·w = Σx·w + 128·Σw, so the bias starts 128·Σw lower.
            int taps = weights.Length / _cout;
            _quadCorrection = new int[_cout];
            for (int o = 0; o < _cout; o++)
                for (int k = 0; k < taps; k++) _quadCorrection[o] -= 128 * weights[o * taps + k];
            _quadBias = new int[_cout];
        }
        _columns = new short[_groups * _positions * 2];
        _key = (op.Inputs[0], _a with { QuantType = 0, Activation = FusedActivation.None });
    }

    public void Run(TensorMemory memory)
    {
        ReadOnlySpan<sbyte> x = memory.Int8(_x);
        Span<sbyte> y = memory.Int8(_y);
        ReadOnlySpan<int> bias = _bias is null ? default : memory.Int32(_bias);
        if (_quadBias is not null)
        {
            for (int o = 0; o < _cout; o++) _quadBias[o] = (bias.IsEmpty ? 0 : bias[o]) + _quadCorrection![o];
            bias = _quadBias;
        }
        int groupIn = _cin / _a.Group, groupOut = _cout / _a.Group, plane = _oh * _ow;
        for (int g = 0; g < _a.Group; g++)
        {
            var columns = _a.Group == 1 && _cache.TryReuse(_opIndex, _key, out var cached)
                ? cached : Im2Col(x.Slice(g * groupIn * _h * _w0, groupIn * _h * _w0));
            var output = new Int8Gemm.Output(bias.IsEmpty ? default : bias.Slice(g * groupOut, groupOut), _shift, _relu,
                                              y.Slice(g * groupOut * plane, groupOut * plane), plane);
            var w = _packed.AsSpan(g * groupOut * _groups, groupOut * _groups);
            Int8Gemm.Multiply(_path, w, groupOut, _groups, columns, _positions, _panel, output);
        }
    }

    private short[] Im2Col(ReadOnlySpan<sbyte> x)
    {
        _im2col.Fill(x, _columns, _path);
        if (_a.Group == 1) _cache.Remember(_opIndex, _key, _columns);
        return _columns;
    }
}
