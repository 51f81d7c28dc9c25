using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Quant;
using Onnx;

using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Onnx;

/// <summary>
/// linger v1's quantized operators (domain <c>thinker</c>, docs/linger-onnx.md#operators): int8 weights become floats
/// w = q / 2^Q_w and int32 biases b = b_q / 2^(Q_x+Q_w), so that quantizing them again gives back the file's integers.
/// Running ranges are set to 127 / 2^Q, the range whose eval
/// exponent is Q, so the model evaluates and fine-tunes as is.
/// </summary>
internal sealed partial class OnnxGraphImport
{
    /// <summary>linger's thinker-domain operators by type.</summary>
    private Dictionary<string, Action<NodeProto>> ThinkerHandlers() => new()
    {
        [ThinkerOp.Quant] = Quant,
        [ThinkerOp.Dequant] = Dequant,
        [ThinkerOp.Conv2dInt] = Conv2dInt,
        [ThinkerOp.LinearInt] = LinearInt,
        [ThinkerOp.iqAdd] = IqAdd,
        [ThinkerOp.iqCat] = IqCat,
        [ThinkerOp.AvgPool2dInt] = AvgPool2dInt,
    };

    /// <summary>An int8 input whose scale attribute must equal its producer's output scale.</summary>
    private ActivationValue IntInput(NodeProto n, int i, string scale)
    {
        var x = Act(n, i);
        int q = Exponent(n, scale);
        if (x.Exponent is not int qx)
            throw new RejectException($"reads float data '{n.Input[i]}' (a thinker::Quant must come first)");
        if (qx != q)
            throw Invalid($"Node '{Describe(n)}': {scale} is 2^{q} but its input '{n.Input[i]}' has scale 2^{qx}; " +
                $"the scale chain is broken.");
        return x;
    }

    private static void RequireBits(NodeProto n, params string[] names)
    {
        foreach (var name in names)
            if (Int(n, name, 8) != 8) throw new RejectException($"{name} = {Int(n, name, 8)}; CSK6 packages are int8");
        if (Text(n, "platform_quant", "luna_quant") != "luna_quant")
            throw new RejectException($"platform_quant '{Text(n, "platform_quant", "")}'; tpacker v2 " +
                $"packs luna_quant only");
    }

    private void Quant(NodeProto n)
    {
        var x = Act(n, 0);
        if (x.Node != _input || x.Exponent is not null || _inputExponent is not null)
            throw new RejectException("thinker::Quant other than on the graph input");
        RequireBits(n, "data_bits");
        _inputExponent = Exponent(n, "scale_x");
        Define(n, new ActivationValue(_input, _inputExponent));
    }

    /// <summary>The package keeps int8 outputs (tpacker's
    /// Remove_QuantDequant): the Dequant only checks its scale.</summary>
    private void Dequant(NodeProto n)
    {
        var x = IntInput(n, 0, Attr(n, "scale_o") is null ? "scale_x" : "scale_o");
        Define(n, x);
    }

    private void Conv2dInt(NodeProto n)
    {
        RequireBits(n, "data_bits", "parameter_bits", "o_bits");
        var x = IntInput(n, 0, "scale_x");
        var w = IntWeight(n);
        int qx = x.Exponent!.Value, qw = Exponent(n, "scale_w"), qo = Exponent(n, "scale_o");
        string name = LayerName(n, n.Input[1]);
        var conv = ConvNode(n, name, x, w, Has(n, 2));
        AddLayer(n, conv, qo, x.Node);
        AddWeight(name, "weight", n.Input[1], w.IntDims, Floats(w.Data, qw));
        if (conv.Bias) AddWeight(name, "bias", n.Input[2], [conv.OutChannels], IntBias(n, qx, qw, qo));
        _quant[name] = new LayerQuantization { Inputs = [qx], Weight = qw, Output = qo,
            Running = Int8Arithmetic.Range(qo) };
    }

    private void LinearInt(NodeProto n)
    {
        RequireBits(n, "data_bits", "parameter_bits", "o_bits");
        var x = IntInput(n, 0, "scale_x");
        var w = IntWeight(n);
        if (w.Dims.Length != 2)
            throw Invalid($"Node '{Describe(n)}': a LinearInt weight is L×N, got [{string.Join(", ", w.Dims)}].");
        int qx = x.Exponent!.Value, qw = Exponent(n, "scale_w"), qo = Exponent(n, "scale_o");
        int outF = (int)w.Dims[0], inF = (int)w.Dims[1];
        bool bias = Has(n, 2);
        if (bias && Const(n, 2).Elements != outF)
            throw Invalid($"Node '{Describe(n)}': the bias has {Const(n, 2).Elements} values for {outF} outputs.");
        string name = LayerName(n, n.Input[1]);
        AddLayer(n, new LinearNode { Name = name, InFeatures = inF, OutFeatures = outF, Bias = bias }, qo, x.Node);
        AddWeight(name, "weight", n.Input[1], [outF, inF], Floats(w.Data, qw));
        if (bias) AddWeight(name, "bias", n.Input[2], [outF], IntBias(n, qx, qw, qo));
        _quant[name] = new LayerQuantization { Inputs = [qx], Weight = qw, Output = qo,
            Running = Int8Arithmetic.Range(qo) };
    }

    private OnnxTensor IntWeight(NodeProto n)
    {
        var w = Const(n, 1);
        return w.DataType == OnnxType.Int8
            ? w
            : throw Invalid($"Node '{Describe(n)}': the weight '{n.Input[1]}' has element type {w.DataType}; " +
                $"linger writes int8 (3).");
    }

    /// <summary>
    /// int32 biases are at 2^(Q_x+Q_w); int16 ones at 2^min(Q_x+Q_w, 7+Q_o) (tpacker widens them,
    /// docs/quant-arithmetic.md#bias).
    /// </summary>
    private float[] IntBias(NodeProto n, int qx, int qw, int qo)
    {
        var b = Const(n, 2);
        int exponent = b.DataType switch
        {
            OnnxType.Int32 => qx + qw,
            OnnxType.Int16 => Math.Min(qx + qw, 7 + qo),
            _ => throw Invalid($"Node '{Describe(n)}': the bias '{n.Input[2]}' has element type {b.DataType}; linger " +
                $"writes int32 (6) or int16 (5)."),
        };
        if (b.Data.Any(v => Math.Abs(v) > 1 << 24))
            throw Invalid($"Node '{Describe(n)}': a bias beyond ±2^24 cannot be held exactly (linger " +
                $"keeps |b_q| < 2^23).");
        return Floats(b.Data, exponent);
    }

    private void IqAdd(NodeProto n)
    {
        var x = IntInput(n, 0, "scale_x");
        var y = IntInput(n, 1, "scale_y");
        int qo = Exponent(n, "scale_o");
        if (qo > Math.Min(x.Exponent!.Value, y.Exponent!.Value))
            throw new RejectException($"scale_o 2^{qo} is finer than an input's; the engine needs scale_o ≤ " +
                $"min(scale_x, scale_y)");
        var v = AddLayer(n, new AddNode { Name = LayerName(n) }, qo, x.Node, y.Node);
        _quant[v.Node] = new LayerQuantization { Inputs = [x.Exponent.Value, y.Exponent.Value], Output = qo,
            Running = Int8Arithmetic.Range(qo) };
    }

    private void IqCat(NodeProto n)
    {
        var inputs = Enumerable.Range(0, n.Input.Count).Select(i => IntInput(n, i, $"scale_x_{i}")).ToList();
        int qo = Exponent(n, "scale_o");
        long dim = Int(n, "dim", 1);
        int rank = _b.ShapeOf(inputs[0].Node).Rank + 1;
        if (dim < 0) dim += rank;
        if (dim < 1) throw new RejectException("iqCat along the batch dimension");
        var v = AddLayer(n, new ConcatNode { Name = LayerName(n), Axis = (int)dim - 1 }, qo,
            inputs.Select(i => i.Node).ToArray());
        _quant[v.Node] = new LayerQuantization { Inputs = inputs.Select(i => i.Exponent!.Value).ToArray(), Output = qo,
            Running = Int8Arithmetic.Range(qo) };
    }

    private void AvgPool2dInt(NodeProto n)
    {
        RequireBits(n, "data_bits", "o_bits");
        var x = IntInput(n, 0, "scale_x");
        if (Attr(n, "scale_o") is not null && Exponent(n, "scale_o") != x.Exponent)
            throw new RejectException("AvgPool2dInt with an output scale other than its input's");
        PassThrough(n, new AvgPool2dNode
        {
            Name = LayerName(n), Kernel = RequiredInts(n, "kernel_shape"),
            Stride = Ints(n, "strides", RequiredInts(n, "kernel_shape")),
            Pads = Ints(n, "pads", [0, 0, 0, 0]), CeilMode = Int(n, "ceil_mode", 0) != 0,
        }, x);
    }
}
