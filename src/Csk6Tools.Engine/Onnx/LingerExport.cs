using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Quant;
using Onnx;

using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Onnx;

/// <summary>
/// linger v1's quantized dialect (docs/linger-onnx.md#tpacker-requirements) that tpacker v2 packs: thinker::Quant on
/// the input, Conv2dInt, LinearInt, iqAdd, iqCat and AvgPool2dInt with int8 weights, int32 biases and 2^Q scales
/// (attributes as linger writes them), standard Relu, MaxPool, Clip and Constant + Reshape, and a thinker::Dequant
/// (scale_o) on each output.
/// </summary>
internal sealed class LingerExport(Model.Csk6Model model) : ExportBase(model)
{
    private const string LunaQuant = "luna_quant";
    private const int Batch = 1; // tpacker's shape inference needs the fixed batch linger writes
    private readonly OnnxWriter _w = new(model.Graph.Name, 11, thinker: true);

    public byte[] Run()
    {
        string input = T(Graph.Input.Name);
        _w.Graph.Input.Add(OnnxWriter.Value(input, Graph.InputShape.Dims, Batch));
        TensorOf[Graph.Input.Name] = $"{input}_quantized";
        Thinker(ThinkerOp.Quant, $"{input}_Quant", [input], TensorOf[Graph.Input.Name])
            .Int("data_bits", 8).Text("platform_quant", LunaQuant).Float("scale_x", Scale(Graph.Input.Name));
        foreach (var node in Graph.Nodes.Skip(1)) Emit(node);
        for (int i = 0; i < Graph.Outputs.Count; i++)
        {
            string o = Graph.Outputs[i], output = OutputName(i);
            Thinker(ThinkerOp.Dequant, $"{T(o)}_Dequant", [TensorOf[o]], output).Float("scale_o", Scale(o));
            _w.Graph.Output.Add(OnnxWriter.Value(output, Graph[o].OutputShape!.Dims, Batch));
        }
        return _w.ToBytes();
    }

    private void Emit(Node n)
    {
        string output = T(n.Name), name = Op(n.Name);
        switch (n)
        {
            case Conv2dNode c:
                Thinker(ThinkerOp.Conv2dInt, name,
                        [In(c, 0), Int8Weight(c.Name, c.Weight()), .. Int32Bias(c.Name, c.Bias)], output)
                    .Text("castor_mode", "luna").Int("data_bits", 8).Ints("dilations", c.Dilation)
                    .Int("group", c.Groups).Ints("kernel_shape", c.Kernel).Int("o_bits", 8).Ints("pads", c.Pads)
                    .Int("parameter_bits", 8).Text("platform_quant", LunaQuant)
                    .Float("scale_o", Scale(c.Name)).Float("scale_w", WeightScale(c.Name))
                    .Float("scale_x", Scale(c.Inputs[0])).Ints("strides", c.Stride);
                break;
            case LinearNode l:
                Thinker(ThinkerOp.LinearInt, name,
                        [In(l, 0), Int8Weight(l.Name, [l.OutFeatures, l.InFeatures]), .. Int32Bias(l.Name, l.Bias)],
                        output)
                    .Int("data_bits", 8).Int("o_bits", 8).Int("parameter_bits", 8).Text("platform_quant", LunaQuant)
                    .Float("scale_o", Scale(l.Name)).Float("scale_w", WeightScale(l.Name))
                    .Float("scale_x", Scale(l.Inputs[0]));
                break;
            case AddNode:
                Thinker(ThinkerOp.iqAdd, name, [In(n, 0), In(n, 1)], output)
                    .Text("mode", "Non_t710_mode").Text("platform_quant", LunaQuant)
                    .Float("scale_o", Scale(n.Name)).Float("scale_x", Scale(n.Inputs[0]))
                    .Float("scale_y", Scale(n.Inputs[1]));
                break;
            case ConcatNode cat:
                var node = Thinker(ThinkerOp.iqCat, name, cat.Inputs.Select(i => TensorOf[i]), output)
                    .Int("dim", cat.Axis + 1).Text("platform_quant", LunaQuant).Float("scale_o", Scale(cat.Name));
                for (int i = 0; i < cat.Inputs.Count; i++) node.Float($"scale_x_{i}", Scale(cat.Inputs[i]));
                break;
            case AvgPool2dNode ap:
                AvgPool(ap, name, output, ap.Kernel, ap.Stride, ap.Pads, ap.CeilMode);
                break;
            case GlobalAvgPoolNode gap:
                var (_, h, w) = gap.InputShapes[0].Chw;
                AvgPool(gap, name, output, [h, w], [h, w], [0, 0, 0, 0], false);
                break;
            case MaxPool2dNode mp:
                _w.Node(OnnxOp.MaxPool, name, [In(mp, 0)], [output])
                    .Int("ceil_mode", mp.CeilMode ? 1 : 0).Ints("kernel_shape", mp.Kernel)
                    .Ints("pads", mp.Pads).Ints("strides", mp.Stride);
                break;
            case ReluNode:
                _w.Node(OnnxOp.Relu, name, [In(n, 0)], [output]);
                break;
            case Relu6Node:
                sbyte bound = Int8Arithmetic.Sat8(Int8Arithmetic.Relu6Bound(Exponent(n.Name)));
                _w.Node(OnnxOp.Clip, name,
                    [In(n, 0), _w.Initializer($"{output}.min", OnnxType.Int8, [], new sbyte[] { 0 }),
                        _w.Initializer($"{output}.max", OnnxType.Int8, [], new[] { bound })], [output]);
                break;
            case FlattenNode or ReshapeNode:
                long[] shape = [-1, .. n.OutputShape!.Dims.Select(d => (long)d)];
                string target = T($"{n.Name}.shape");
                var value = new TensorProto
                {
                    Name = target, DataType = OnnxType.Int64,
                    RawData = Google.Protobuf.ByteString.CopyFrom(
                        System.Runtime.InteropServices.MemoryMarshal.AsBytes(shape.AsSpan()))
                };
                value.Dims.Add(shape.Length);
                _w.Node(OnnxOp.Constant, $"{name}_Constant", [], [target]).Tensor("value", value);
                _w.Node(OnnxOp.Reshape, name, [In(n, 0), target], [output]);
                break;
            default:
                throw new OnnxExportException(ErrorIds.OnnxExportUnsupportedLayer,
                    $"Layer '{n.Name}' ({n.Op}) has no form in linger's dialect.");
        }
        TensorOf[n.Name] = output;
    }

    private void AvgPool(Node n, string name, string output, int[] kernel, int[] stride, int[] pads, bool ceil) =>
        Thinker(ThinkerOp.AvgPool2dInt, name, [In(n, 0)], output)
            .Int("ceil_mode", ceil ? 1 : 0).Int("data_bits", 8).Ints("kernel_shape", kernel)
            .Int("o_bits", 8).Ints("pads", pads).Text("platform_quant", LunaQuant).Float("scale_o", Scale(n.Name))
            .Float("scale_x", Scale(n.Inputs[0])).Ints("strides", stride);

    private NodeProto Thinker(string op, string name, IEnumerable<string> inputs, string output) =>
        _w.Node(op, name, inputs, [output], OnnxImporter.ThinkerDomain);

    private float Scale(string node) => Int8Arithmetic.Scale(Exponent(node));
    private float WeightScale(string layer) => Int8Arithmetic.Scale(Model.Quantization![layer].Weight!.Value);

    private string Int8Weight(string layer, int[] shape)
    {
        int qw = Model.Quantization![layer].Weight!.Value;
        return _w.Initializer(T($"{layer}.weight"), OnnxType.Int8, shape.Select(d => (long)d),
            W(layer, "weight").Select(v => Int8Arithmetic.Quantize(v, qw)).ToArray());
    }

    private string[] Int32Bias(string layer, bool has)
    {
        if (!has) return [];
        var lq = Model.Quantization![layer];
        var b = W(layer, "bias");
        return [_w.Initializer(T($"{layer}.bias"), OnnxType.Int32, [b.Length],
            b.Select(v => Int8Arithmetic.QuantizeBias(v, lq.Inputs[0] + lq.Weight!.Value)).ToArray())];
    }
}
