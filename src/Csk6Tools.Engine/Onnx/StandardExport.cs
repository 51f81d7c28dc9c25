using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Quant;

namespace Csk6Tools.Engine.Onnx;

/// <summary>
/// Standard ONNX (opset 13), float or QDQ. In QDQ every layer's output passes QuantizeLinear/DequantizeLinear at its
/// exponent, weights are int8 and biases int32 behind a DequantizeLinear, and the inputs of an add or concat whose
/// exponent differs from the output's are requantized first, as the chip rescales each input on its own.
/// </summary>
internal sealed class StandardExport(Model.Csk6Model model, bool qdq) : ExportBase(model)
{
    private readonly OnnxWriter _w = new(model.Graph.Name, 13, thinker: false);

    public byte[] Run()
    {
        string input = T(Graph.Input.Name);
        _w.Graph.Input.Add(OnnxWriter.Value(input, Graph.InputShape.Dims));
        TensorOf[Graph.Input.Name] = qdq
            ? QuantDequant(input, $"{input}_dequantized", Exponent(Graph.Input.Name))
            : input;
        foreach (var node in Graph.Nodes.Skip(1)) Emit(node);
        foreach (var o in Graph.Outputs) _w.Graph.Output.Add(OnnxWriter.Value(TensorOf[o], Graph[o].OutputShape!.Dims));
        return _w.ToBytes();
    }

    private void Emit(Node n)
    {
        string raw = qdq ? $"{T(n.Name)}_float" : T(n.Name);
        string name = Op(n.Name);
        switch (n)
        {
            case Conv2dNode c:
                _w.Node(OnnxOp.Conv, name, [In(c, 0), Weight(c.Name, c.Weight()), .. Bias(c.Name, c.Bias)], [raw])
                    .Ints("dilations", c.Dilation).Int("group", c.Groups).Ints("kernel_shape", c.Kernel)
                    .Ints("pads", c.Pads).Ints("strides", c.Stride);
                break;
            case BatchNorm2dNode bn:
                _w.Node(OnnxOp.BatchNormalization, name,
                    [In(bn, 0), .. new[] { "weight", "bias", "running_mean", "running_var" }
                        .Select(p => _w.Floats(T($"{bn.Name}.{p}"), [bn.NumFeatures], W(bn.Name, p)))], [raw])
                    .Float("epsilon", (float)bn.Eps).Float("momentum", (float)(1 - bn.Momentum));
                break;
            case ReluNode:
                _w.Node(OnnxOp.Relu, name, [In(n, 0)], [raw]);
                break;
            case Relu6Node:
                float six = qdq
                    ? Int8Arithmetic.Dequantize(Int8Arithmetic.Relu6Bound(Exponent(n.Name)), Exponent(n.Name))
                    : 6f;
                _w.Node(OnnxOp.Clip, name,
                    [In(n, 0), _w.Scalar($"{T(n.Name)}.min", 0), _w.Scalar($"{T(n.Name)}.max", six)], [raw]);
                break;
            case AddNode:
                _w.Node(OnnxOp.Add, name, [Rescaled(n, 0), Rescaled(n, 1)], [raw]);
                break;
            case ConcatNode cat:
                _w.Node(OnnxOp.Concat, name, Enumerable.Range(0, cat.Inputs.Count).Select(i => Rescaled(cat, i)), [raw])
                    .Int("axis", cat.Axis + 1);
                break;
            case MaxPool2dNode mp:
                _w.Node(OnnxOp.MaxPool, name, [In(mp, 0)], [raw])
                    .Int("ceil_mode", mp.CeilMode ? 1 : 0).Ints("kernel_shape", mp.Kernel)
                    .Ints("pads", mp.Pads).Ints("strides", mp.Stride);
                break;
            case AvgPool2dNode ap:
                _w.Node(OnnxOp.AveragePool, name, [In(ap, 0)], [raw])
                    .Int("ceil_mode", ap.CeilMode ? 1 : 0).Int("count_include_pad", 1)
                    .Ints("kernel_shape", ap.Kernel).Ints("pads", ap.Pads).Ints("strides", ap.Stride);
                break;
            case GlobalAvgPoolNode:
                _w.Node(OnnxOp.GlobalAveragePool, name, [In(n, 0)], [raw]);
                break;
            case FlattenNode:
                _w.Node(OnnxOp.Flatten, name, [In(n, 0)], [raw]).Int("axis", 1);
                break;
            case ReshapeNode r:
                long[] shape = [-1, .. r.OutputShape!.Dims.Select(d => (long)d)];
                _w.Node(OnnxOp.Reshape, name,
                    [In(r, 0), _w.Initializer(T($"{r.Name}.shape"), OnnxType.Int64, [shape.Length], shape)], [raw]);
                break;
            case LinearNode l:
                _w.Node(OnnxOp.Gemm, name,
                    [In(l, 0), Weight(l.Name, [l.OutFeatures, l.InFeatures]), .. Bias(l.Name, l.Bias)], [raw])
                    .Float("alpha", 1).Float("beta", 1).Int("transB", 1);
                break;
            default:
                throw new OnnxExportException(ErrorIds.OnnxExportUnsupportedLayer,
                    $"Layer '{n.Name}' ({n.Op}) has no ONNX form.");
        }
        TensorOf[n.Name] = qdq ? QuantDequant(raw, T(n.Name), Exponent(n.Name)) : raw;
    }

    private string Weight(string layer, int[] shape)
    {
        string key = T($"{layer}.weight");
        if (!qdq) return _w.Floats(key, shape, W(layer, "weight"));
        int qw = Model.Quantization![layer].Weight!.Value;
        var q = W(layer, "weight").Select(v => Int8Arithmetic.Quantize(v, qw)).ToArray();
        return Dequantize(_w.Initializer(key, OnnxType.Int8, shape.Select(d => (long)d), q), qw, int32: false);
    }

    private string[] Bias(string layer, bool has)
    {
        if (!has) return [];
        string key = T($"{layer}.bias");
        var b = W(layer, "bias");
        if (!qdq) return [_w.Floats(key, [b.Length], b)];
        var lq = Model.Quantization![layer];
        int exponent = lq.Inputs[0] + lq.Weight!.Value;
        var q = b.Select(v => Int8Arithmetic.QuantizeBias(v, exponent)).ToArray();
        return [Dequantize(_w.Initializer(key, OnnxType.Int32, [b.Length], q), exponent, int32: true)];
    }

    /// <summary>An add/concat input brought to the output's exponent
    /// first (the chip's per-input rounding), when they differ.</summary>
    private string Rescaled(Node n, int i)
    {
        if (!qdq || Exponent(n.Inputs[i]) == Exponent(n.Name)) return In(n, i);
        return QuantDequant(In(n, i), $"{T(n.Name)}_input{i}", Exponent(n.Name));
    }

    private string QuantDequant(string x, string output, int exponent)
    {
        string q = $"{output}_quantized";
        _w.Node(OnnxOp.QuantizeLinear, $"{output}_Quantize", [x, ScaleOf(exponent), Zero(int32: false)], [q]);
        _w.Node(OnnxOp.DequantizeLinear, $"{output}_Dequantize", [q, ScaleOf(exponent), Zero(int32: false)], [output]);
        return output;
    }

    private string Dequantize(string integers, int exponent, bool int32)
    {
        string output = $"{integers}_dequantized";
        _w.Node(OnnxOp.DequantizeLinear, $"{integers}_Dequantize",
            [integers, ScaleOf(exponent), Zero(int32)], [output]);
        return output;
    }

    private string ScaleOf(int exponent) => _w.Scalar($"scale_2^{-exponent}", 1 / Int8Arithmetic.Scale(exponent));

    private string Zero(bool int32) => int32
        ? _w.Initializer("zero_point_int32", OnnxType.Int32, [], new[] { 0 })
        : _w.Initializer("zero_point_int8", OnnxType.Int8, [], new sbyte[] { 0 });
}

internal static class ConvShapes
{
    /// <summary>PyTorch's weight shape: O × I/groups × kH × kW.</summary>
    public static int[] Weight(this Conv2dNode c) => [c.OutChannels, c.InChannels / c.Groups, c.Kernel[0], c.Kernel[1]];
}
