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
        var input = Tensor(_d.Main, _graph.Input.Name, TensorKind.Input, _graph.InputShape.Elements * (keepQuantDequant ? 4 : 1), _graph.Input.Name);
        _d.TensorOf[_graph.Input.Name] = input;
        if (keepQuantDequant)
            _d.TensorOf[_graph.Input.Name] = Output(NewOp(ThinkerOp.Quant, ThinkerOp.Quant, _graph.Input.Name, [input]),
                _graph.Input.Name + "_quant", _graph.Input.Name, _graph.InputShape.Elements);
        foreach (var node in _graph.Nodes.Skip(1))
        {
            if (node is Conv2dNode c)
            {
                Conv(_fusion[c.Name]);
                continue;
            }
            if (_absorbed.Contains(node.Name)) continue;
            switch (node)
            {
                case BatchNorm2dNode bn:
                    Simple(ThinkerOp.BatchNorm2dInt, bn, op =>
                    {
                        op.Constants.Add(_d.Handle(Constant(bn.Name, ".weight", bn.NumFeatures)));
                        op.Constants.Add(_d.Handle(Constant(bn.Name, ".bias", 4L * bn.NumFeatures)));
                    });
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
                _d.TensorOf[o] = Output(NewOp(ThinkerOp.Dequant, ThinkerOp.Dequant, o, [_d.TensorOf[o]]),
                    "Dequant_output_" + _d.TensorOf[o].Name, o, 4 * _graph[o].OutputShape!.Elements);
    }

    private static DeployTensor Tensor(List<DeployTensor> list, string name, TensorKind kind, long bytes, string layer, int? aliasOf = null, int? piece = null)
    {
        var t = new DeployTensor(-1, name, kind, Csk6.Align16(bytes), layer) { AliasOf = aliasOf, Piece = piece };
        list.Add(t);
        return t;
    }

    private DeployTensor Constant(string layer, string suffix, long bytes) => Tensor(_d.Main, layer + suffix, TensorKind.Constant, bytes, layer);

    private DeployOp NewOp(string kind, string name, string layer, IEnumerable<DeployTensor> inputs, int channelStart = 0, bool relu = false)
    {
        var op = new DeployOp(_d.Ops.Count, kind, name, layer) { ChannelStart = channelStart, FusedRelu = relu };
        op.Inputs.AddRange(inputs.Select(_d.Handle));
        _d.Ops.Add(op);
        return op;
    }

    private DeployTensor Output(DeployOp op, string name, string layer, long bytes, List<DeployTensor>? list = null, int? aliasOf = null, int? piece = null)
    {
        var t = Tensor(list ?? _d.Main, name, TensorKind.Activation, bytes, layer, aliasOf, piece);
        op.Outputs.Add(_d.Handle(t));
        _d.Producer[t] = op.Index;
        return t;
    }

    private void Simple(string kind, Node n, Action<DeployOp>? configure = null)
    {
        var op = NewOp(kind, n.Name, n.Name, n.Inputs.Select(_d.TensorOf.GetValueOrDefault).OfType<DeployTensor>());
        configure?.Invoke(op);
        _d.TensorOf[n.Name] = Output(op, n.Name, n.Name, n.OutputShape!.Elements);
    }

    private void Reshape(Node n)
    {
        var source = _d.TensorOf[n.Inputs[0]];
        var op = NewOp(ThinkerOp.Reshape, n.Name, n.Name, [source]);
        op.Constants.Add(_d.Handle(Constant(n.Name, ".shape", 8L * (n.OutputShape!.Rank + 1))));
        _d.TensorOf[n.Name] = Output(op, n.Name, n.Name, n.OutputShape.Elements, aliasOf: _d.Handle(source));
    }

    private void Linear(LinearNode l)
    {
        var op = NewOp(ThinkerOp.LinearInt, l.Name, l.Name, [_d.TensorOf[l.Inputs[0]]]);
        AddConstants(op, l.Name, "", l.WeightCount, l.Bias ? 4L * l.OutFeatures : 0);
        _d.TensorOf[l.Name] = Output(op, l.Name, l.Name, l.OutFeatures);
    }

    private void Conv(FusedConv f)
    {
        var c = f.Conv;
        foreach (var n in f.Layers.Skip(1)) _d.FusedInto[n.Name] = c.Name;
        var input = _d.TensorOf[c.Inputs[0]];
        var (cin, h, w) = c.InputShapes[0].Chw;
        var (cout, oh, ow) = c.OutputShape!.Chw;
        int kh = c.Kernel[0], kw = c.Kernel[1];
        bool relu = f.Relu is not null;
        long biasBytes(int channels) => f.HasBias ? 4L * channels : 0;

        if (ChannelSplit.Pieces(c) is not { } pieces)
        {
            var op = NewOp(ThinkerOp.Conv2dInt, c.Name, c.Name, [input], relu: relu);
            long weight = c.IsDepthwise ? Csk6.DepthwiseWeightBytes(cin, kh, kw) : Csk6.DenseWeightBytes(cin, cout, kh, kw);
            AddConstants(op, c.Name, "", weight, biasBytes(cout));
            var result = Output(op, f.Tail.Name, c.Name, c.OutputShape.Elements);
            foreach (var n in f.Layers) _d.TensorOf[n.Name] = result;
            return;
        }

        // Output-channel split or group split: the pieces, then an iqCat in the original's place.
        DeployOp? splitOp = null;
        if (c.Groups > 1)
        {
            splitOp = NewOp(ThinkerOp.Split, c.Name + ".split", c.Name, [input]);
            for (int g = 0; g < c.Groups; g++)
                Output(splitOp, $"{c.Name}_split_{g}", c.Name, (long)cin / c.Groups * h * w, _d.Appended);
        }
        var pieceOutputs = new List<DeployTensor>();
        for (int g = 0, start = 0; g < pieces.Count; start += pieces[g], g++)
        {
            var pieceInput = splitOp is null ? input : _d[splitOp.Outputs[g]];
            int pieceCin = splitOp is null ? cin : cin / c.Groups;
            var op = NewOp(ThinkerOp.Conv2dInt, $"{c.Name}_{g}", c.Name, [pieceInput], start, relu);
            AddConstants(op, c.Name, $"_{g}", Csk6.DenseWeightBytes(pieceCin, pieces[g], kh, kw), biasBytes(pieces[g]), _d.Appended, g);
            pieceOutputs.Add(Output(op, $"{f.Tail.Name}_{g}", c.Name, (long)pieces[g] * oh * ow, _d.Appended, piece: g));
        }
        var cat = NewOp(ThinkerOp.iqCat, c.Name + ".cat", c.Name, pieceOutputs);
        var joined = Output(cat, f.Tail.Name, c.Name, c.OutputShape.Elements);
        foreach (var n in f.Layers) _d.TensorOf[n.Name] = joined;
        _d.Splits[c.Name] = new LayerSplit(c.Name, ChannelSplit.Describe(c, pieces), pieces);
    }

    private void AddConstants(DeployOp op, string layer, string suffix, long weightBytes, long biasBytes, List<DeployTensor>? list = null, int? piece = null)
    {
        op.Constants.Add(_d.Handle(Tensor(list ?? _d.Main, $"{layer}.weight{suffix}", TensorKind.Constant, weightBytes, layer, piece: piece)));
        if (biasBytes > 0)
            op.Constants.Add(_d.Handle(Tensor(list ?? _d.Main, $"{layer}.bias{suffix}", TensorKind.Constant, biasBytes, layer, piece: piece)));
    }
}
