using System.Globalization;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Quant;
using Onnx;

namespace Csk6Tools.Engine.Onnx;

/// <summary>Standard ONNX operators (opsets 11–18 as PyTorch exports
/// them), float or, for the scale-preserving ones, linger's int8.</summary>
internal sealed partial class OnnxGraphImport
{
    /// <summary>The standard operators by type; the table is also the list of what the importer knows.</summary>
    private Dictionary<string, Action<NodeProto>> StandardHandlers() => new()
    {
        [OnnxOp.Constant] = n => Define(n, new ConstantValue(ConstantAttribute(n))),
        [OnnxOp.Identity] = n => Define(n, _values[n.Input[0]]),
        [OnnxOp.Dropout] = n => Define(n, _values[n.Input[0]]),
        [OnnxOp.Shape] = Shape,
        [OnnxOp.Pad] = Pad,
        [OnnxOp.Gather] = Fold,
        [OnnxOp.Unsqueeze] = Fold,
        [OnnxOp.Squeeze] = Fold,
        [OnnxOp.Cast] = Fold,
        [OnnxOp.Concat] = n => { if (AllConstant(n)) Fold(n); else Concat(n); },
        [OnnxOp.Add] = n => { if (AllConstant(n)) Fold(n); else Add(n); },
        [OnnxOp.Conv] = Conv,
        [OnnxOp.BatchNormalization] = BatchNorm,
        [OnnxOp.Relu] = n => PassThrough(n, new ReluNode { Name = LayerName(n) }, Act(n, 0)),
        [OnnxOp.Clip] = Clip,
        [OnnxOp.MaxPool] = MaxPool,
        [OnnxOp.AveragePool] = AveragePool,
        [OnnxOp.GlobalAveragePool] = n =>
            AddLayer(n, new GlobalAvgPoolNode { Name = LayerName(n) }, null, FloatInput(n, 0).Node),
        [OnnxOp.Flatten] = Flatten,
        [OnnxOp.Reshape] = Reshape,
        [OnnxOp.Gemm] = Gemm,
        [OnnxOp.MatMul] = MatMul,
    };

    private bool AllConstant(NodeProto n) => n.Input.Where(i => i.Length > 0).All(i => _values[i] is ConstantValue);

    private void Flatten(NodeProto n)
    {
        if (Int(n, "axis", 1) != 1)
            throw new RejectException($"Flatten with axis {Int(n, "axis", 1)}; only axis 1 (keep " +
                $"the batch) is supported");
        PassThrough(n, new FlattenNode { Name = LayerName(n) }, Act(n, 0));
    }

    /// <summary>A scale-preserving layer: on linger's int8 data the exponent passes through.</summary>
    private void PassThrough(NodeProto n, Node node, ActivationValue x)
    {
        var v = AddLayer(n, node, x.Exponent, x.Node);
        if (x.Exponent is int q) _quant[v.Node] = new LayerQuantization { Inputs = [q], Output = q };
    }

    private ActivationValue FloatInput(NodeProto n, int i)
    {
        var x = Act(n, i);
        if (x.Exponent is not null)
            throw new RejectException("a float operator on linger's int8 data (linger writes the thinker::…Int form)");
        return x;
    }

    private void Conv(NodeProto n)
    {
        var x = FloatInput(n, 0);
        var w = Const(n, 1);
        string name = LayerName(n, n.Input[1]);
        var conv = ConvNode(n, name, x, w, Has(n, 2));
        AddLayer(n, conv, null, x.Node);
        AddWeight(name, "weight", n.Input[1], w.IntDims, Floats(w.Data, 0));
        if (conv.Bias) AddWeight(name, "bias", n.Input[2], [conv.OutChannels], Floats(Const(n, 2).Data, 0));
    }

    private Conv2dNode ConvNode(NodeProto n, string name, ActivationValue x, OnnxTensor w, bool bias)
    {
        RequireAutoPadUnset(n);
        if (w.Dims.Length != 4)
            throw Invalid($"Node '{Describe(n)}': a 2-D convolution's weight is M×C×kH×kW, got " +
                $"[{string.Join(", ", w.Dims)}].");
        int[] d = w.IntDims;
        var conv = new Conv2dNode
        {
            Name = name, InChannels = _b.ShapeOf(x.Node)[0], OutChannels = d[0],
            Kernel = Ints(n, "kernel_shape", [d[2], d[3]]),
            Stride = Ints(n, "strides", [1, 1]), Pads = Ints(n, "pads", [0, 0, 0, 0]),
            Dilation = Ints(n, "dilations", [1, 1]),
            Groups = (int)Int(n, "group", 1), Bias = bias,
        };
        if (conv.Groups < 1 || d[1] * conv.Groups != conv.InChannels || conv.Kernel.Length != 2 ||
            conv.Kernel[0] != d[2] || conv.Kernel[1] != d[3])
            throw Invalid($"Node '{Describe(n)}': weight [{string.Join(", ", d)}] does not fit {conv.InChannels} " +
                $"input channels, group {conv.Groups}, kernel [{string.Join(", ", conv.Kernel)}].");
        if (bias && Const(n, 2).Elements != conv.OutChannels)
            throw Invalid($"Node '{Describe(n)}': the bias has {Const(n, 2).Elements} values for " +
                $"{conv.OutChannels} output channels.");
        return conv;
    }

    private void BatchNorm(NodeProto n)
    {
        var x = FloatInput(n, 0);
        if (n.Output.Skip(1).Any(o => o.Length > 0))
            throw new RejectException("BatchNormalization in training mode (export the model in eval mode)");
        string name = LayerName(n, n.Input[1]);
        int c = (int)Const(n, 1).Elements;
        AddLayer(n,
            new BatchNorm2dNode { Name = name, NumFeatures = c, Eps = Decimal(Float(n, "epsilon", 1e-5f)),
                Momentum = Decimal(1 - Float(n, "momentum", 0.9f)) }, null, x.Node);
        string[] parts = ["weight", "bias", "running_mean", "running_var"];
        for (int i = 0; i < 4; i++)
        {
            var t = Const(n, i + 1);
            if (t.Elements != c)
                throw Invalid($"Node '{Describe(n)}': input {i + 1} has {t.Elements} values for {c} channels.");
            AddWeight(name, parts[i], n.Input[i + 1], [c], Floats(t.Data, 0));
        }
    }

    private void Clip(NodeProto n)
    {
        var x = Act(n, 0);
        double? min = Has(n, 1) ? Const(n, 1).Data[0] : Attr(n, "min")?.F;
        double? max = Has(n, 2) ? Const(n, 2).Data[0] : Attr(n, "max")?.F;
        // On int8 data ReLU6 clips at round(6 · 2^Q), written as an int8 constant: 127 once that passes int8's range.
        double six = x.Exponent is int q ? Int8Arithmetic.Sat8(Int8Arithmetic.Relu6Bound(q)) : 6;
        Node node = (min, max) switch
        {
            (0, null) => new ReluNode { Name = LayerName(n) },
            (0, double m) when double.IsPositiveInfinity(m) || m >= float.MaxValue =>
                new ReluNode { Name = LayerName(n) },
            (0, double m) when m == six => new Relu6Node { Name = LayerName(n) },
            _ => throw new RejectException($"Clip({min?.ToString(CultureInfo.InvariantCulture) ?? "-inf"}, " +
                $"{max?.ToString(CultureInfo.InvariantCulture) ?? "inf"}) is neither ReLU nor ReLU6"),
        };
        PassThrough(n, node, x);
    }

    private void Add(NodeProto n)
    {
        if (_absorbed.Contains(n))
        {
            Define(n, _values[n.Input[IsConst(n, 0) ? 1 : 0]]);
            return;
        }
        if (IsConst(n, 0) || IsConst(n, 1))
            throw new RejectException("Add of a constant to a layer's output (only a MatMul's bias is folded)");
        var a = FloatInput(n, 0);
        var b = FloatInput(n, 1);
        AddLayer(n, new AddNode { Name = LayerName(n) }, null, a.Node, b.Node);
    }

    private void MaxPool(NodeProto n)
    {
        var x = Act(n, 0);
        RequireAutoPadUnset(n);
        if (n.Output.Skip(1).Any(o => o.Length > 0)) throw new RejectException("MaxPool with an Indices output");
        if (Ints(n, "dilations", [1, 1]).Any(d => d != 1)) throw new RejectException("dilated MaxPool");
        PassThrough(n, new MaxPool2dNode
        {
            Name = LayerName(n), Kernel = RequiredInts(n, "kernel_shape"), Stride = Ints(n, "strides", [1, 1]),
            Pads = Ints(n, "pads", [0, 0, 0, 0]), CeilMode = Int(n, "ceil_mode", 0) != 0,
        }, x);
    }

    private void AveragePool(NodeProto n)
    {
        var x = FloatInput(n, 0);
        RequireAutoPadUnset(n);
        var pads = Ints(n, "pads", [0, 0, 0, 0]);
        if (pads.Any(p => p != 0) && Int(n, "count_include_pad", 0) == 0)
            throw new RejectException("AveragePool that excludes padding from the mean (Csk6Tools averages as " +
                "PyTorch's default count_include_pad=True)");
        AddLayer(n, new AvgPool2dNode
        {
            Name = LayerName(n), Kernel = RequiredInts(n, "kernel_shape"), Stride = Ints(n, "strides", [1, 1]),
            Pads = pads, CeilMode = Int(n, "ceil_mode", 0) != 0,
        }, null, x.Node);
    }

    /// <summary>A Reshape with a constant target shape (batch first: −1 or 1) becomes a per-sample reshape.</summary>
    private void Reshape(NodeProto n)
    {
        var x = Act(n, 0);
        var target = Const(n, 1).Longs;
        var dims = _b.ShapeOf(x.Node).Dims;
        var full =
            target.Select((d, i) => d == 0 && Int(n, "allowzero", 0) == 0
                ? (i == 0 ? 1 : i <= dims.Count ? dims[i - 1] : 0)
                : d).ToArray();
        if (full.Length < 2 || full[0] is not (1 or -1) || full.Skip(1).Any(d => d == -1) && full[0] == -1)
            throw new RejectException($"Reshape to ({string.Join(", ", target)}) changes the batch dimension");
        string name = LayerName(n);
        PassThrough(n, new ReshapeNode { Name = name, Shape = full.Skip(1).Select(d => checked((int)d)).ToArray() }, x);
        _tensorNames[$"{name}.shape"] = n.Input[1];
    }

    private void Gemm(NodeProto n)
    {
        var x = FloatInput(n, 0);
        var b = Const(n, 1);
        if (Int(n, "transA", 0) != 0) throw new RejectException("Gemm with transA");
        if (b.Dims.Length != 2)
            throw Invalid($"Node '{Describe(n)}': B must be 2-D, got [{string.Join(", ", b.Dims)}].");
        bool transB = Int(n, "transB", 0) != 0;
        int outF = (int)(transB ? b.Dims[0] : b.Dims[1]), inF = (int)(transB ? b.Dims[1] : b.Dims[0]);
        float alpha = Float(n, "alpha", 1), beta = Float(n, "beta", 1);
        var w = new float[outF * inF];
        for (int o = 0; o < outF; o++)
            for (int i = 0; i < inF; i++)
                w[o * inF + i] = alpha * (float)(transB ? b.Data[o * inF + i] : b.Data[i * outF + o]);
        Linear(n, x, w, inF, outF, Has(n, 2) ? n.Input[2] : null, beta);
    }

    /// <summary>MatMul by a constant [in, out]; an Add of a constant [out]
    /// right after it becomes the bias (older Linear exports).</summary>
    private void MatMul(NodeProto n)
    {
        var x = FloatInput(n, 0);
        var b = Const(n, 1);
        if (b.Dims.Length != 2) throw new RejectException($"MatMul by a {b.Dims.Length}-D constant");
        int inF = (int)b.Dims[0], outF = (int)b.Dims[1];
        var w = new float[outF * inF];
        for (int o = 0; o < outF; o++)
            for (int i = 0; i < inF; i++)
                w[o * inF + i] = (float)b.Data[i * outF + o];
        string? bias = null;
        if (_consumers.GetValueOrDefault(n.Output[0]) is [{ OpType: OnnxOp.Add, Domain: "" } add])
        {
            int c = add.Input[0] == n.Output[0] ? 1 : 0;
            if (IsConst(add, c) && Const(add, c).Elements == outF)
            {
                bias = add.Input[c];
                _absorbed.Add(add);
            }
        }
        Linear(n, x, w, inF, outF, bias, 1);
    }

    private void Linear(NodeProto n, ActivationValue x, float[] weight, int inF, int outF, string? bias, float beta)
    {
        string name = LayerName(n, n.Input[1]);
        AddLayer(n,
            new LinearNode { Name = name, InFeatures = inF, OutFeatures = outF, Bias = bias is not null }, null,
            x.Node);
        AddWeight(name, "weight", n.Input[1], [outF, inF], weight);
        if (bias is null) return;
        var c = ((ConstantValue)_values[bias]).Tensor.Value;
        if (c.Elements != outF && c.Elements != 1)
            throw Invalid($"Node '{Describe(n)}': the bias has {c.Elements} values for {outF} outputs.");
        AddWeight(name, "bias", bias, [outF],
            Enumerable.Range(0, outF).Select(o => beta * (float)c.Data[c.Elements == 1 ? 0 : o]).ToArray());
    }

    private void Concat(NodeProto n)
    {
        var inputs = Enumerable.Range(0, n.Input.Count).Select(i => FloatInput(n, i)).ToList();
        long axis = Int(n, "axis", 1);
        int rank = _b.ShapeOf(inputs[0].Node).Rank + 1;
        if (axis < 0) axis += rank;
        if (axis < 1) throw new RejectException("Concat along the batch dimension");
        AddLayer(n, new ConcatNode { Name = LayerName(n), Axis = (int)axis - 1 }, null,
            inputs.Select(i => i.Node).ToArray());
    }

    /// <summary>PyTorch writes AvgPool2d as Pad + AveragePool even
    /// without padding: a zero Pad passes its input on.</summary>
    private void Pad(NodeProto n)
    {
        var pads = Has(n, 1) ? Const(n, 1).Longs : Attr(n, "pads")?.Ints.ToArray() ?? [];
        if (pads.Any(p => p != 0))
            throw new RejectException($"Pad ({string.Join(", ", pads)}) before a layer that cannot absorb it");
        Define(n, Act(n, 0));
    }

    private void Shape(NodeProto n)
    {
        var x = Act(n, 0);
        long[] dims = [1, .. _b.ShapeOf(x.Node).Dims.Select(d => (long)d)];
        long start = Int(n, "start", 0), end = Int(n, "end", dims.Length);
        start = Math.Clamp(start < 0 ? start + dims.Length : start, 0, dims.Length);
        end = Math.Clamp(end < 0 ? end + dims.Length : end, 0, dims.Length);
        Define(n, new ConstantValue(OnnxTensor.Vector(dims[(int)start..(int)Math.Max(start, end)])));
    }

    /// <summary>Shape arithmetic on constants (PyTorch's x.view(x.size(0),
    /// -1) chain): Gather, Unsqueeze, Squeeze, Cast, Concat, Add.</summary>
    private void Fold(NodeProto n)
    {
        if (!AllConstant(n))
            throw new RejectException($"{n.OpType} of a layer's output (only constant shape arithmetic is folded)");
        Define(n, new ConstantValue(Folded(n)));
    }

    private OnnxTensor Folded(NodeProto n)
    {
        var a = Const(n, 0);
        switch (n.OpType)
        {
            case OnnxOp.Gather:
                var idx = Const(n, 1);
                if (a.Dims.Length != 1 || Int(n, "axis", 0) != 0)
                    throw new RejectException("Gather on a constant that is not a 1-D shape");
                return new OnnxTensor(idx.Dims,
                    idx.Longs.Select(i => a.Data[i < 0 ? i + a.Data.Length : i]).ToArray(), a.DataType);
            case OnnxOp.Unsqueeze:
                var axes = Has(n, 1) ? Const(n, 1).Longs : Attr(n, "axes")?.Ints.ToArray() ?? [];
                var dims = a.Dims.ToList();
                int rank = dims.Count + axes.Length;
                foreach (var ax in axes.Select(v => v < 0 ? v + rank : v).Order()) dims.Insert((int)ax, 1);
                return a with { Dims = [.. dims] };
            case OnnxOp.Squeeze:
                return a with { Dims = a.Dims.Where(d => d != 1).ToArray() };
            case OnnxOp.Cast:
                int to = (int)Int(n, "to", a.DataType);
                return new OnnxTensor(a.Dims,
                    to is OnnxType.Float or OnnxType.Double ? a.Data : a.Data.Select(Math.Truncate).ToArray(), to);
            case OnnxOp.Concat:
                var parts = Enumerable.Range(0, n.Input.Count).Select(i => Const(n, i)).ToList();
                if (parts.Any(p => p.Dims.Length != 1))
                    throw new RejectException("Concat of constants that are not 1-D shapes");
                var data = parts.SelectMany(p => p.Data).ToArray();
                return new OnnxTensor([data.Length], data, a.DataType);
            default: // Add
                var b = Const(n, 1);
                if (a.Elements != b.Elements && b.Elements != 1)
                    throw new RejectException("Add of constants with different shapes");
                return a with { Data = a.Data.Select((v, i) => v + b.Data[b.Elements == 1 ? 0 : i]).ToArray() };
        }
    }

    private static OnnxTensor ConstantAttribute(NodeProto n)
    {
        if (Attr(n, "value") is { T: { } t }) return OnnxTensor.Decode(t);
        if (Attr(n, "value_float") is { } f) return new OnnxTensor([], [f.F], OnnxType.Float);
        if (Attr(n, "value_floats") is { } fs)
            return new OnnxTensor([fs.Floats.Count], fs.Floats.Select(v => (double)v).ToArray(), OnnxType.Float);
        if (Attr(n, "value_int") is { } i) return new OnnxTensor([], [i.I], OnnxType.Int64);
        if (Attr(n, "value_ints") is { } ii) return OnnxTensor.Vector([.. ii.Ints]);
        throw new RejectException("a Constant without a numeric value");
    }

    /// <summary>Weights as float32, each multiplied by 2^−exponent (exact for integer data with |q| ≤ 2^24).</summary>
    private static float[] Floats(double[] data, int exponent)
    {
        var f = new float[data.Length];
        for (int i = 0; i < f.Length; i++) f[i] = (float)Math.ScaleB(data[i], -exponent);
        return f;
    }

    /// <summary>A float attribute as the decimal a user wrote (1e-5f → 1e-5, not 9.99999974737875e-06).</summary>
    private static double Decimal(float f) =>
        double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
