using Csk6Tools.Engine.Graph;

namespace Csk6Tools.Engine.Target;

public enum TensorKind { Input, Activation, Output, Constant, Workspace, DmaBuffer }

/// <summary>A tensor of the package: its size is ALIGN16 of its packed bytes, as tpacker sizes every tensor.</summary>
public sealed record DeployTensor(int Id, string Name, TensorKind Kind, long Bytes, string Layer)
{
    /// <summary>The op that writes it (−1 for inputs, constants and buffers).</summary>
    public int Producer { get; init; } = -1;

    /// <summary>The tensor whose buffer an in-place op (Reshape) reuses, or null.</summary>
    public int? AliasOf { get; init; }

    /// <summary>The piece of a split layer this weight, bias or output belongs to (its name ends in <c>_&lt;Piece&gt;</c>), or null.</summary>
    public int? Piece { get; init; }
}

/// <summary>An operator as the packer emits it: fused, folded and split.</summary>
public sealed record DeployOp(int Index, string Kind, string Name, string Layer)
{
    public List<int> Inputs { get; } = [];
    public List<int> Outputs { get; } = [];
    public List<int> Constants { get; } = [];

    /// <summary>Workspace bytes the op asks for; null when it reports none (0 still counts for the workspace's lifetime).</summary>
    public long? Workspace { get; set; }

    /// <summary>Bytes the op's constants take in a DMA ping-pong buffer (0: no DMA).</summary>
    public long DmaBytes { get; set; }

    /// <summary>A convolution piece's first output channel within its layer (0 unless the layer was split).</summary>
    public int ChannelStart { get; init; }

    /// <summary>A convolution that applies the ReLU following it.</summary>
    public bool FusedRelu { get; init; }
}

/// <summary>How the packer cuts one layer.</summary>
public sealed record LayerSplit(string Layer, string Description, IReadOnlyList<int> Pieces);

/// <summary>
/// The graph as LISTENAI's packer lays it out for venus: BatchNorm folded into its convolution, a ReLU that is a
/// convolution's only consumer fused into it, Flatten as an in-place Reshape with an int64 shape constant,
/// convolutions over 32 KB of weights split over output channels and joined by iqCat, global average pooling
/// as AvgPool2dInt. Tensor order follows the packer: input, the layers' constants, the Reshape shape constants
/// (ONNX Constant nodes come after the initializers), activations in op order, then the weights, biases and
/// outputs of split pieces, then the workspace and the two DMA buffers (the order decides its greedy planners' ties).
/// </summary>
public sealed class DeployGraph
{
    private DeployGraph(IReadOnlyList<DeployTensor> tensors, IReadOnlyList<DeployOp> ops, IReadOnlyDictionary<string, LayerSplit> splits,
        IReadOnlyDictionary<string, string> fusedInto)
    {
        Tensors = tensors;
        Ops = ops;
        Splits = splits;
        FusedInto = fusedInto;
        _constantsByLayer = new(() => Tensors.Where(t => t.Kind == TensorKind.Constant).ToLookup(t => t.Layer));
    }

    public IReadOnlyList<DeployTensor> Tensors { get; }
    public IReadOnlyList<DeployOp> Ops { get; }
    public IReadOnlyDictionary<string, LayerSplit> Splits { get; }

    /// <summary>Layers with no op of their own (a folded BatchNorm, a fused ReLU) and the convolution that absorbed them.</summary>
    public IReadOnlyDictionary<string, string> FusedInto { get; }

    /// <summary>Σ ALIGN16(packed bytes) of the constants: the param blob in PSRAM.</summary>
    public long ConstantBytes => Tensors.Where(t => t.Kind == TensorKind.Constant).Sum(t => t.Bytes);

    public IEnumerable<DeployTensor> ConstantsOf(string layer) => _constantsByLayer.Value[layer];

    private readonly Lazy<ILookup<string, DeployTensor>> _constantsByLayer;

    /// <summary>Dense weights over 32 KB are cut into chunks of an even number of output channels.</summary>
    internal static bool NeedsSplit(Conv2dNode c, out int chunk)
    {
        long perChannel = Csk6.Align(c.InChannels / c.Groups, 8) * c.Kernel[0] * c.Kernel[1];
        chunk = (int)(Csk6.WeightOperandLimit / perChannel) & ~1;
        return Csk6.DenseWeightBytes(c.InChannels / c.Groups, c.OutChannels / c.Groups, c.Kernel[0], c.Kernel[1]) > Csk6.WeightOperandLimit && chunk > 0;
    }

    /// <summary>The engine's row split: the smallest s dividing out_h whose band of input rows fits 64 KB.</summary>
    internal static int HSplitCount(Conv2dNode c)
    {
        var (cin, _, w) = c.InputShapes[0].Chw;
        int oh = c.OutputShape![1], sh = c.Stride[0], kh = c.Kernel[0];
        for (int s = 1; s <= oh; s++)
        {
            if (oh % s != 0) continue;
            int band = oh * sh / s + kh - sh;
            if (Csk6.InputOperandBytes(cin, band, w, c.Stride[1]) <= Csk6.InputOperandLimit) return s;
        }
        return oh;
    }

    /// <param name="graph">The model.</param>
    /// <param name="rescaledAddInputs">
    /// How many inputs of each residual add need rescaling to the output scale (each costs an input-sized
    /// workspace). Unknown before QAT; 1 is the usual case (the output takes the smaller input scale).
    /// </param>
    public static DeployGraph Lower(ModelGraph graph, int rescaledAddInputs = 1) => new Lowering(graph, _ => rescaledAddInputs, false).Run();

    /// <summary>Lowers with the exact count of rescaled inputs of each residual add (known once the exponents are).</summary>
    /// <param name="graph">The model.</param>
    /// <param name="rescaledAddInputs">The inputs of an add whose exponent differs from its output's.</param>
    /// <param name="keepQuantDequant">Float32 input and output with Quant and Dequant ops, as tpacker's <c>-s Remove_QuantDequant</c>.</param>
    public static DeployGraph Lower(ModelGraph graph, Func<AddNode, int> rescaledAddInputs, bool keepQuantDequant = false) =>
        new Lowering(graph, rescaledAddInputs, keepQuantDequant).Run();

    private sealed class Lowering(ModelGraph graph, Func<AddNode, int> rescaledAddInputs, bool keepQuantDequant)
    {
        private readonly List<DeployTensor> _main = [];
        private readonly List<DeployTensor> _appended = [];
        private readonly List<DeployOp> _ops = [];
        private readonly Dictionary<string, DeployTensor> _tensorOf = [];
        private readonly HashSet<string> _absorbed = [];
        private readonly Dictionary<string, string> _fusedInto = [];
        private readonly Dictionary<string, LayerSplit> _splits = [];
        private readonly Dictionary<DeployTensor, int> _producer = new(ReferenceEqualityComparer.Instance);

        public DeployGraph Run()
        {
            var input = Tensor(_main, graph.Input.Name, TensorKind.Input, graph.InputShape.Elements * (keepQuantDequant ? 4 : 1), graph.Input.Name);
            _tensorOf[graph.Input.Name] = input;
            if (keepQuantDequant)
                _tensorOf[graph.Input.Name] = Output(NewOp("Quant", "Quant", graph.Input.Name, [input]), graph.Input.Name + "_quant", graph.Input.Name, graph.InputShape.Elements);
            foreach (var node in graph.Nodes.Skip(1))
            {
                if (_absorbed.Contains(node.Name)) continue;
                switch (node)
                {
                    case Conv2dNode c: Conv(c); break;
                    case BatchNorm2dNode bn:
                        Simple("BatchNorm2dInt", bn, op =>
                        {
                            op.Constants.Add(Index(Constant(bn.Name, ".weight", bn.NumFeatures)));
                            op.Constants.Add(Index(Constant(bn.Name, ".bias", 4L * bn.NumFeatures)));
                        });
                        break;
                    case ReluNode r: Simple("Relu", r); break;
                    case Relu6Node r: Simple("Clip", r); break;
                    case AddNode a: Simple("iqAdd", a, op => op.Workspace = rescaledAddInputs(a) * In(a, 0).Bytes); break;
                    case ConcatNode cat: Simple("iqCat", cat, op => op.Workspace = 0); break;
                    case MaxPool2dNode mp: Simple("MaxPool", mp, op => op.Workspace = MaxPoolWorkspace(mp)); break;
                    case AvgPool2dNode ap: Simple("AvgPool2dInt", ap, op => op.Workspace = AvgPoolWorkspace(ap.InputShapes[0], ap.OutputShape!, ap.Kernel, ap.Stride)); break;
                    case GlobalAvgPoolNode gap:
                        var (_, h, w) = gap.InputShapes[0].Chw;
                        Simple("AvgPool2dInt", gap, op => op.Workspace = AvgPoolWorkspace(gap.InputShapes[0], gap.OutputShape!, [h, w], [h, w]));
                        break;
                    case FlattenNode or ReshapeNode: Reshape(node); break;
                    case LinearNode l: Linear(l); break;
                    default: Simple(node.Op, node); break;
                }
            }
            if (keepQuantDequant)
                foreach (var o in graph.Outputs)
                    _tensorOf[o] = Output(NewOp("Dequant", "Dequant", o, [_tensorOf[o]]), "Dequant_output_" + _tensorOf[o].Name, o, 4 * graph[o].OutputShape!.Elements);
            return Finish();
        }

        private DeployTensor In(Node n, int i) => _tensorOf[n.Inputs[i]];

        private DeployTensor Tensor(List<DeployTensor> list, string name, TensorKind kind, long bytes, string layer, int? aliasOf = null, int? piece = null)
        {
            var t = new DeployTensor(-1, name, kind, Csk6.Align16(bytes), layer) { AliasOf = aliasOf, Piece = piece };
            list.Add(t);
            return t;
        }

        private DeployTensor Constant(string layer, string suffix, long bytes) => Tensor(_main, layer + suffix, TensorKind.Constant, bytes, layer);

        private DeployOp NewOp(string kind, string name, string layer, IEnumerable<DeployTensor> inputs, int channelStart = 0, bool relu = false)
        {
            var op = new DeployOp(_ops.Count, kind, name, layer) { ChannelStart = channelStart, FusedRelu = relu };
            op.Inputs.AddRange(inputs.Select(Index));
            _ops.Add(op);
            return op;
        }

        // Tensors get their ids at the end; until then ops refer to them through this table.
        private readonly List<DeployTensor> _handles = [];
        private int Index(DeployTensor t) { _handles.Add(t); return _handles.Count - 1; }

        private DeployTensor Output(DeployOp op, string name, string layer, long bytes, List<DeployTensor>? list = null, int? aliasOf = null, int? piece = null)
        {
            var t = Tensor(list ?? _main, name, TensorKind.Activation, bytes, layer, aliasOf, piece);
            op.Outputs.Add(Index(t));
            _producer[t] = op.Index;
            return t;
        }

        private void Simple(string kind, Node n, Action<DeployOp>? configure = null)
        {
            var op = NewOp(kind, n.Name, n.Name, n.Inputs.Select(_tensorOf.GetValueOrDefault).OfType<DeployTensor>());
            configure?.Invoke(op);
            _tensorOf[n.Name] = Output(op, n.Name, n.Name, n.OutputShape!.Elements);
        }

        private void Reshape(Node n)
        {
            var source = In(n, 0);
            var op = NewOp("Reshape", n.Name, n.Name, [source]);
            op.Constants.Add(Index(Constant(n.Name, ".shape", 8L * (n.OutputShape!.Rank + 1))));
            _tensorOf[n.Name] = Output(op, n.Name, n.Name, n.OutputShape.Elements, aliasOf: Index(source));
        }

        private void Linear(LinearNode l)
        {
            var op = NewOp("LinearInt", l.Name, l.Name, [In(l, 0)]);
            AddConstants(op, l.Name, "", l.WeightCount, l.Bias ? 4L * l.OutFeatures : 0);
            var output = Output(op, l.Name, l.Name, l.OutFeatures);
            if (l.Bias) op.Workspace = output.Bytes * 4;
            _tensorOf[l.Name] = output;
        }

        private void Conv(Conv2dNode c)
        {
            var bn = graph.FoldedBatchNorm(c);
            Node tail = (Node?)bn ?? c;
            if (graph.FusedRelu(tail.Name) is { } relu) tail = relu;
            // The folded BN and the fused ReLU have no op of their own: their names resolve to the conv's output.
            var fused = new List<string> { c.Name };
            if (bn is not null) fused.Add(bn.Name);
            if (tail is ReluNode) fused.Add(tail.Name);
            _absorbed.UnionWith(fused);
            foreach (var n in fused.Skip(1)) _fusedInto[n] = c.Name;
            bool bias = c.Bias || bn is not null;
            string kind = "Conv2dInt";
            var input = In(c, 0);
            var (cin, h, w) = c.InputShapes[0].Chw;
            var (cout, oh, ow) = c.OutputShape!.Chw;
            int kh = c.Kernel[0], kw = c.Kernel[1];

            if (c.IsDepthwise || c.Groups == 1 && !NeedsSplit(c, out _))
            {
                var op = NewOp(kind, c.Name, c.Name, [input], relu: tail is ReluNode);
                long weight = c.IsDepthwise ? Csk6.DepthwiseWeightBytes(cin, kh, kw) : Csk6.DenseWeightBytes(cin, cout, kh, kw);
                AddConstants(op, c.Name, "", weight, bias ? 4L * cout : 0);
                op.Workspace = ConvWorkspace(c, cout);
                var result = Output(op, tail.Name, c.Name, c.OutputShape.Elements);
                foreach (var n in fused) _tensorOf[n] = result;
                return;
            }

            // Output-channel split (op_split.py) or group split (op_divide.py): pieces, then an iqCat in the original's place.
            var pieces = new List<int>();
            var pieceOutputs = new List<DeployTensor>();
            DeployOp? splitOp = null;
            if (c.Groups > 1)
            {
                splitOp = NewOp("Split", c.Name + ".split", c.Name, [input]);
                for (int g = 0; g < c.Groups; g++)
                    Output(splitOp, $"{c.Name}_split_{g}", c.Name, (long)cin / c.Groups * h * w, _appended);
                for (int g = 0; g < c.Groups; g++) pieces.Add(cout / c.Groups);
            }
            else
            {
                NeedsSplit(c, out int chunk);
                for (int start = 0; start < cout; start += chunk) pieces.Add(Math.Min(chunk, cout - start));
            }

            for (int g = 0, start = 0; g < pieces.Count; start += pieces[g], g++)
            {
                var pieceInput = splitOp is null ? input : _handles[splitOp.Outputs[g]];
                int pieceCin = splitOp is null ? cin : cin / c.Groups;
                var op = NewOp(kind, $"{c.Name}_{g}", c.Name, [pieceInput], start, tail is ReluNode);
                AddConstants(op, c.Name, $"_{g}", Csk6.DenseWeightBytes(pieceCin, pieces[g], kh, kw), bias ? 4L * pieces[g] : 0, _appended, g);
                op.Workspace = ConvWorkspace(c, pieces[g]);
                pieceOutputs.Add(Output(op, $"{tail.Name}_{g}", c.Name, (long)pieces[g] * oh * ow, _appended, piece: g));
            }
            var cat = NewOp("iqCat", c.Name + ".cat", c.Name, pieceOutputs);
            cat.Workspace = 0;
            var joined = Output(cat, tail.Name, c.Name, c.OutputShape.Elements);
            foreach (var n in fused) _tensorOf[n] = joined;
            _splits[c.Name] = new LayerSplit(c.Name,
                (c.Groups > 1 ? $"Split + {pieces.Count} group convs" : $"{pieces.Count} × Conv2dInt ({Describe(pieces)} ch)") + " + iqCat",
                pieces);
        }

        private void AddConstants(DeployOp op, string layer, string suffix, long weightBytes, long biasBytes, List<DeployTensor>? list = null, int? piece = null)
        {
            var w = Tensor(list ?? _main, $"{layer}.weight{suffix}", TensorKind.Constant, weightBytes, layer, piece: piece);
            op.Constants.Add(Index(w));
            op.DmaBytes = w.Bytes;
            if (biasBytes > 0)
            {
                var b = Tensor(list ?? _main, $"{layer}.bias{suffix}", TensorKind.Constant, biasBytes, layer, piece: piece);
                op.Constants.Add(Index(b));
                op.DmaBytes += b.Bytes;
            }
        }

        private static string Describe(List<int> pieces)
        {
            var distinct = pieces.GroupBy(p => p).Select(g => g.Count() > 1 ? $"{g.Count()}×{g.Key}" : $"{g.Key}");
            return string.Join(" + ", distinct);
        }

        /// <param name="c">The conv.</param>
        /// <param name="cout">Its output channels, or a split piece's.</param>
        private static long? ConvWorkspace(Conv2dNode c, int cout)
        {
            var (cin, h, w) = c.InputShapes[0].Chw;
            var (_, oh, ow) = c.OutputShape!.Chw;
            long outBytes = Csk6.Align16((long)cout * oh * ow);
            // tpacker tells a depthwise conv by its packed weight's shape (dim 1 is 1, dim 0 is ALIGN16(group)). A dense
            // conv packs as (ALIGN2(cout), kh, kw, ALIGN8(cin)), so one with kh 1 and 15 or 16 outputs counts as depthwise.
            if (c.IsDepthwise || c.Kernel[0] == 1 && Csk6.Align(cout, 2) == 16)
            {
                long data = Csk6.InputOperandBytes(cin, h, w, c.Stride[1]);
                return data > Csk6.InputOperandLimit ? (long)Math.Ceiling((double)outBytes / HSplitCount(c)) : 0;
            }
            if ((long)h * w >= Csk6.InputOperandLimit)
                return Math.Max((long)Math.Ceiling((double)outBytes / HSplitCount(c)), Csk6.InputOperandLimit);
            return null;
        }

        private static long MaxPoolWorkspace(MaxPool2dNode mp)
        {
            var (c, h, w) = mp.InputShapes[0].Chw;
            long outBytes = Csk6.Align16(mp.OutputShape!.Elements);
            return Csk6.InputOperandBytes(c, h, w, mp.Stride[1]) > Csk6.InputOperandLimit ? Math.Max(61_440, outBytes) : outBytes;
        }

        private static long AvgPoolWorkspace(TensorShape input, TensorShape output, int[] kernel, int[] stride)
        {
            var (c, h, w) = input.Chw;
            var (_, oh, ow) = output.Chw;
            int channels = Csk6.InputOperandBytes(c, h, w, stride[1]) > Csk6.InputOperandLimit ? 8 : c;
            int area = kernel[0] * kernel[1];
            return (long)channels * oh * ow * ((area & (area - 1)) == 0 ? 2 : 8);
        }

        private DeployGraph Finish()
        {
            // Ids in packer order; workspace and DMA buffers come last.
            bool IsShape(DeployTensor t) => t.Kind == TensorKind.Constant && graph[t.Layer] is FlattenNode or ReshapeNode;
            var ordered = _main.Where(t => t.Kind == TensorKind.Input)
                .Concat(_main.Where(t => t.Kind == TensorKind.Constant && !IsShape(t)))
                .Concat(_main.Where(IsShape))
                .Concat(_main.Where(t => t.Kind is not (TensorKind.Input or TensorKind.Constant)))
                .Concat(_appended).ToList();
            long? workspace = _ops.Where(o => o.Workspace.HasValue).Select(o => o.Workspace!.Value).DefaultIfEmpty().Max();
            if (_ops.Any(o => o.Workspace.HasValue)) ordered.Add(new DeployTensor(-1, "workspace", TensorKind.Workspace, Csk6.Align16(workspace ?? 0), ""));
            var dmaOps = _ops.Where(o => o.DmaBytes > 0).ToList();
            for (int b = 0; b < 2 && b < dmaOps.Count; b++)
                ordered.Add(new DeployTensor(-1, $"dma_buffer{b + 1}", TensorKind.DmaBuffer, dmaOps.Where((_, i) => i % 2 == b).Max(o => o.DmaBytes), ""));

            var outputs = graph.Outputs.Select(o => _tensorOf[o]).ToHashSet(ReferenceEqualityComparer.Instance);
            var id = new Dictionary<DeployTensor, int>(ReferenceEqualityComparer.Instance);
            var final = new List<DeployTensor>();
            foreach (var t in ordered)
            {
                id[t] = final.Count;
                final.Add(t with
                {
                    Id = final.Count,
                    Kind = outputs.Contains(t) ? TensorKind.Output : t.Kind,
                    Producer = _producer.GetValueOrDefault(t, -1),
                });
            }
            int Resolve(int handle) => id[_handles[handle]];
            for (int i = 0; i < final.Count; i++)
                if (final[i].AliasOf is int a) final[i] = final[i] with { AliasOf = Resolve(a) };
            foreach (var op in _ops)
            {
                foreach (var list in new[] { op.Inputs, op.Outputs, op.Constants })
                    for (int i = 0; i < list.Count; i++) list[i] = Resolve(list[i]);
            }
            return new DeployGraph(final, _ops, _splits, _fusedInto);
        }
    }
}
