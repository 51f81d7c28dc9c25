using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Deploy;

/// <summary>
/// Pass 2: one thinker op per layer, with its constants and output tensor sized as the packer sizes them. Folded
/// and fused layers (<see cref="ConvFusion"/>) get no op; split convolutions (<see cref="ChannelSplit"/>) become their
/// pieces and an iqCat, the pieces' tensors appended after the graph's own.
/// </summary>
internal sealed class OperatorLowering
{
    private readonly LoweringDraft _d = new();
    private readonly ModelGraph _graph;
    private readonly Dictionary<string, FusedConv> _fusion;
    private readonly HashSet<string> _absorbed;

    private OperatorLowering(ModelGraph graph, Dictionary<string, FusedConv> fusion)
    {
        _graph = graph;
        _fusion = fusion;
        _absorbed = fusion.Values.SelectMany(f => f.Layers).Select(n => n.Name).ToHashSet();
    }

    public static LoweringDraft Run(ModelGraph graph, Dictionary<string, FusedConv> fusion, bool keepQuantDequant)
    {
        var lowering = new OperatorLowering(graph, fusion);
        lowering.Lower(keepQuantDequant);
        return lowering._d;
    }

    private void Lower(bool keepQuantDequant)
    {
        var input = _d.Add(_d.Main, _graph.Input.Name, TensorKind.Input,
            _graph.InputShape.Elements * (keepQuantDequant ? 4 : 1),
            _graph.Input.Name);
        _d.TensorOf[_graph.Input.Name] = input;
        if (keepQuantDequant)
            _d.TensorOf[_graph.Input.Name] = Output(NewOp(ThinkerOp.Quant, ThinkerOp.Quant, _graph.Input.Name, input),
                _graph.Input.Name + "_quant", _graph.Input.Name, _graph.InputShape.Elements);
        for (int i = 1; i < _graph.Nodes.Count; i++)
        {
            var node = _graph.Nodes[i];
            if (node is Conv2dNode c)
            {
                Conv(_fusion[c.Name]);
                continue;
            }
            if (_absorbed.Contains(node.Name)) continue;
            switch (node)
            {
                case BatchNorm2dNode bn:
                    var op = Simple(ThinkerOp.BatchNorm2dInt, bn);
                    op.Constants.Add(Constant(bn.Name, ".weight", bn.NumFeatures).Id);
                    op.Constants.Add(Constant(bn.Name, ".bias", 4L * bn.NumFeatures).Id);
                    break;
                case ReluNode r: Simple(ThinkerOp.Relu, r); break;
                case Relu6Node r: Simple(ThinkerOp.Clip, r); break;
                case AddNode a: Simple(ThinkerOp.iqAdd, a); break;
                case ConcatNode cat: Simple(ThinkerOp.iqCat, cat); break;
                case MaxPool2dNode mp: Simple(ThinkerOp.MaxPool, mp); break;
                case AvgPool2dNode or GlobalAvgPoolNode: Simple(ThinkerOp.AvgPool2dInt, node); break;
                case FlattenNode or ReshapeNode: Reshape(node); break;
                case LinearNode l: Linear(l); break;
                default: Simple(node.Op, node); break;
            }
        }
        if (keepQuantDequant)
            foreach (var o in _graph.Outputs)
                _d.TensorOf[o] = Output(NewOp(ThinkerOp.Dequant, ThinkerOp.Dequant, o, _d.TensorOf[o]),
                    "Dequant_output_" + _d.TensorOf[o].Name, o, 4 * _graph[o].OutputShape!.Elements);
    }

    private DeployTensor Constant(string layer, string suffix, long bytes)
        => _d.Add(_d.Main, layer + suffix, TensorKind.Constant, bytes, layer);

    private DeployOp NewOp(string kind, string name, string layer, DeployTensor? input, int channelStart = 0,
        bool relu = false)
    {
        var op = new DeployOp(_d.Ops.Count, kind, name, layer) { ChannelStart = channelStart, FusedRelu = relu };
        if (input is not null) op.Inputs.Add(input.Id);
        _d.Ops.Add(op);
        return op;
    }

    private DeployTensor Output(DeployOp op, string name, string layer, long bytes, List<DeployTensor>? list = null,
        int? aliasOf = null, int? piece = null)
    {
        var t = _d.Add(list ?? _d.Main, name, TensorKind.Activation, bytes, layer, op.Index, aliasOf, piece);
        op.Outputs.Add(t.Id);
        return t;
    }

    private DeployOp Simple(string kind, Node n)
    {
        var op = NewOp(kind, n.Name, n.Name, null);
        foreach (var input in n.Inputs)
            if (_d.TensorOf.TryGetValue(input, out var t)) op.Inputs.Add(t.Id);
        _d.TensorOf[n.Name] = Output(op, n.Name, n.Name, n.OutputShape!.Elements);
        return op;
    }

    private void Reshape(Node n)
    {
        var source = _d.TensorOf[n.Inputs[0]];
        var op = NewOp(ThinkerOp.Reshape, n.Name, n.Name, source);
        op.Constants.Add(Constant(n.Name, ".shape", ShapeBytes(n)).Id);
        _d.TensorOf[n.Name] = Output(op, n.Name, n.Name, n.OutputShape!.Elements, aliasOf: source.Id);
    }

    private void Linear(LinearNode l)
    {
        var op = NewOp(ThinkerOp.LinearInt, l.Name, l.Name, _d.TensorOf[l.Inputs[0]]);
        AddConstants(op, l.Name, "", l.WeightCount, l.Bias ? 4L * l.OutFeatures : 0);
        _d.TensorOf[l.Name] = Output(op, l.Name, l.Name, l.OutFeatures);
    }

    private void Conv(FusedConv f)
    {
        var c = f.Conv;
        if (f.BatchNorm is { } bn) _d.FusedInto[bn.Name] = c.Name;
        if (f.Relu is { } fusedRelu) _d.FusedInto[fusedRelu.Name] = c.Name;
        var input = _d.TensorOf[c.Inputs[0]];
        var (cin, h, w) = c.InputShapes[0].Chw;
        var (cout, oh, ow) = c.OutputShape!.Chw;
        int kh = c.Kernel[0], kw = c.Kernel[1];
        bool relu = f.Relu is not null;

        if (ChannelSplit.Pieces(c) is not { } pieces)
        {
            var op = NewOp(ThinkerOp.Conv2dInt, c.Name, c.Name, input, relu: relu);
            AddConstants(op, c.Name, "", WeightBytes(c), BiasBytes(f, cout));
            Resolve(f, Output(op, f.Tail.Name, c.Name, c.OutputShape.Elements));
            return;
        }

        // Output-channel split or group split: the pieces, then an iqCat in the original's place.
        DeployOp? splitOp = null;
        if (c.Groups > 1)
        {
            splitOp = NewOp(ThinkerOp.Split, c.Name + ".split", c.Name, input);
            for (int g = 0; g < c.Groups; g++)
                Output(splitOp, $"{c.Name}_split_{g}", c.Name, (long)cin / c.Groups * h * w, _d.Appended);
        }
        var pieceOutputs = new List<int>(pieces.Count);
        for (int g = 0, start = 0; g < pieces.Count; start += pieces[g], g++)
        {
            var pieceInput = splitOp is null ? input : _d[splitOp.Outputs[g]];
            var op = NewOp(ThinkerOp.Conv2dInt, $"{c.Name}_{g}", c.Name, pieceInput, start, relu);
            AddConstants(op, c.Name, $"_{g}", PieceWeightBytes(c, pieces[g]), BiasBytes(f, pieces[g]), _d.Appended, g);
            pieceOutputs.Add(
                Output(op, $"{f.Tail.Name}_{g}", c.Name, (long)pieces[g] * oh * ow, _d.Appended, piece: g).Id);
        }
        var cat = NewOp(ThinkerOp.iqCat, c.Name + ".cat", c.Name, null);
        cat.Inputs.AddRange(pieceOutputs);
        Resolve(f, Output(cat, f.Tail.Name, c.Name, c.OutputShape.Elements));
        _d.Splits[c.Name] = new LayerSplit(c.Name, ChannelSplit.Describe(c, pieces), pieces);
    }

    /// <summary>The conv and the layers folded into it all resolve to its output.</summary>
    private void Resolve(FusedConv f, DeployTensor output)
    {
        _d.TensorOf[f.Conv.Name] = output;
        if (f.BatchNorm is { } bn) _d.TensorOf[bn.Name] = output;
        if (f.Relu is { } relu) _d.TensorOf[relu.Name] = output;
    }

    private void AddConstants(DeployOp op, string layer, string suffix, long weightBytes, long biasBytes,
        List<DeployTensor>? list = null, int? piece = null)
    {
        list ??= _d.Main;
        op.Constants.Add(
            _d.Add(list, $"{layer}.weight{suffix}", TensorKind.Constant, weightBytes, layer, piece: piece).Id);
        if (biasBytes > 0)
            op.Constants.Add(
                _d.Add(list, $"{layer}.bias{suffix}", TensorKind.Constant, biasBytes, layer, piece: piece).Id);
    }

    // The packed bytes of each constant, before ALIGN16: one definition for the lowering and for ConstantBytes.

    private static long WeightBytes(Conv2dNode c)
    {
        var (cin, kh, kw) = (c.InChannels, c.Kernel[0], c.Kernel[1]);
        return c.IsDepthwise
            ? Csk6.DepthwiseWeightBytes(cin, kh, kw)
            : Csk6.DenseWeightBytes(cin, c.OutChannels, kh, kw);
    }

    /// <summary>A piece of a split: its share of the output channels
    /// (and for a group split, its group's inputs).</summary>
    private static long PieceWeightBytes(Conv2dNode c, int channels)
        => Csk6.DenseWeightBytes(c.Groups > 1 ? c.InChannels / c.Groups : c.InChannels, channels,
            c.Kernel[0], c.Kernel[1]);

    private static long BiasBytes(FusedConv f, int channels) => f.HasBias ? 4L * channels : 0;

    private static long ShapeBytes(Node reshape) => 8L * (reshape.OutputShape!.Rank + 1);

    /// <summary>
    /// Σ ALIGN16(packed bytes) of each layer's constants as <see cref="Run"/> makes them, without making them: layers
    /// with none (a BatchNorm folded into its convolution, a ReLU) are left out.
    /// </summary>
    public static Dictionary<string, long> ConstantBytesByLayer(ModelGraph graph, Dictionary<string, FusedConv> fusion)
    {
        var lowering = new OperatorLowering(graph, fusion);
        var bytes = new Dictionary<string, long>();
        for (int i = 1; i < graph.Nodes.Count; i++)
            if (lowering.ConstantBytes(graph.Nodes[i]) is > 0 and var b) bytes[graph.Nodes[i].Name] = b;
        return bytes;
    }

    private long ConstantBytes(Node node)
    {
        if (node is not Conv2dNode && _absorbed.Contains(node.Name)) return 0;
        switch (node)
        {
            case Conv2dNode c:
                var f = _fusion[c.Name];
                if (ChannelSplit.Pieces(c) is not { } pieces)
                    return Csk6.Align16(WeightBytes(c)) + Csk6.Align16(BiasBytes(f, c.OutChannels));
                long sum = 0;
                foreach (int channels in pieces)
                    sum += Csk6.Align16(PieceWeightBytes(c, channels)) + Csk6.Align16(BiasBytes(f, channels));
                return sum;
            case BatchNorm2dNode bn:
                return Csk6.Align16(bn.NumFeatures) + Csk6.Align16(4L * bn.NumFeatures);
            case FlattenNode or ReshapeNode:
                return Csk6.Align16(ShapeBytes(node));
            case LinearNode l:
                return Csk6.Align16(l.WeightCount) + Csk6.Align16(l.Bias ? 4L * l.OutFeatures : 0);
            default:
                return 0;
        }
    }
}
