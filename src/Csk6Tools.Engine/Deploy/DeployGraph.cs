using Csk6Tools.Engine.Graph;

namespace Csk6Tools.Engine.Deploy;

public enum TensorKind { Input, Activation, Output, Constant, Workspace, DmaBuffer }

/// <summary>A tensor of the package: its size is ALIGN16 of its packed bytes, as tpacker sizes every tensor.</summary>
public sealed record DeployTensor(int Id, string Name, TensorKind Kind, long Bytes, string Layer)
{
    /// <summary>The op that writes it (−1 for inputs, constants and buffers).</summary>
    public int Producer { get; init; } = -1;

    /// <summary>The tensor whose buffer an in-place op (Reshape) reuses, or null.</summary>
    public int? AliasOf { get; init; }

    /// <summary>The piece of a split layer this weight, bias or output belongs to (its name ends in
    /// <c>_&lt;Piece&gt;</c>), or null.</summary>
    public int? Piece { get; init; }
}

/// <summary>An operator as the packer emits it: fused, folded and split. <see cref="Kind"/> is a
/// <see cref="Target.ThinkerOp"/> name.</summary>
public sealed record DeployOp(int Index, string Kind, string Name, string Layer)
{
    public List<int> Inputs { get; } = [];
    public List<int> Outputs { get; } = [];
    public List<int> Constants { get; } = [];

    /// <summary>Workspace bytes the op asks for; null when it reports
    /// none (0 still counts for the workspace's lifetime).</summary>
    public long? Workspace { get; set; }

    /// <summary>Bytes the op's constants take in a DMA ping-pong buffer (0: no DMA).</summary>
    public long DmaBytes { get; set; }

    /// <summary>A convolution piece's first output channel within its layer (0 unless the layer was split).</summary>
    public int ChannelStart { get; init; }

    /// <summary>A convolution that applies the ReLU following it.</summary>
    public bool FusedRelu { get; init; }
}

/// <summary>How the packer cuts one layer.</summary>
public sealed record LayerSplit(string Layer, string Description, IReadOnlyList<int> Pieces)
{
    /// <summary>The index of the piece whose first output channel is <paramref name="channel"/>.</summary>
    public int PieceStartingAt(int channel)
    {
        int at = 0;
        for (int g = 0; g < Pieces.Count; at += Pieces[g], g++) if (at == channel) return g;
        throw new InvalidOperationException($"No piece of {Layer} starts at channel {channel}.");
    }
}

/// <summary>
/// The graph as LISTENAI's packer lays it out for venus, built by passes over the model graph, one file each:
/// <see cref="ConvFusion"/> (BatchNorm folded into its convolution, a ReLU that is its only consumer fused),
/// <see cref="OperatorLowering"/> (one thinker op per layer; Flatten as an in-place Reshape; global average pooling
/// as AvgPool2dInt; convolutions cut by <see cref="ChannelSplit"/> and joined by iqCat), <see cref="WorkspacePass"/>
/// (what each op asks of the shared workspace), <see cref="DmaPass"/> (the ping-pong buffers constants stream
/// through) and <see cref="TensorOrder"/> (tensor ids in the packer's order, which decides its planners' ties).
/// <see cref="MemoryPlanner"/> then places the SHARE_MEM tensors.
/// </summary>
public sealed class DeployGraph
{
    internal DeployGraph(IReadOnlyList<DeployTensor> tensors, IReadOnlyList<DeployOp> ops,
        IReadOnlyDictionary<string, LayerSplit> splits,
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

    /// <summary>Layers with no op of their own (a folded BatchNorm, a
    /// fused ReLU) and the convolution that absorbed them.</summary>
    public IReadOnlyDictionary<string, string> FusedInto { get; }

    /// <summary>Σ ALIGN16(packed bytes) of the constants: the param blob in PSRAM.</summary>
    public long ConstantBytes => Tensors.Where(t => t.Kind == TensorKind.Constant).Sum(t => t.Bytes);

    public IEnumerable<DeployTensor> ConstantsOf(string layer) => _constantsByLayer.Value[layer];

    private readonly Lazy<ILookup<string, DeployTensor>> _constantsByLayer;

    /// <param name="graph">The model.</param>
    /// <param name="rescaledAddInputs">
    /// How many inputs of each residual add need rescaling to the output scale (each costs an input-sized
    /// workspace). Unknown before QAT; 1 is the usual case (the output takes the smaller input scale).
    /// </param>
    public static DeployGraph Lower(ModelGraph graph, int rescaledAddInputs = 1) =>
        Lower(graph, _ => rescaledAddInputs);

    /// <summary>
    /// Packed constant bytes per layer (each ALIGN16), as <see cref="Lower(ModelGraph, int)"/> lays them out, from the
    /// operator lowering's sizes alone, no tensor made (the workspace, DMA and ordering passes add none): the budget
    /// prices a conversion with it.
    /// </summary>
    public static IReadOnlyDictionary<string, long> ConstantBytesByLayer(ModelGraph graph)
        => OperatorLowering.ConstantBytesByLayer(graph, ConvFusion.Find(graph));

    /// <summary>Lowers with the exact count of rescaled inputs of
    /// each residual add (known once the exponents are).</summary>
    /// <param name="graph">The model.</param>
    /// <param name="rescaledAddInputs">The inputs of an add whose exponent differs from its output's.</param>
    /// <param name="keepQuantDequant">Float32 input and output with Quant
    /// and Dequant ops, as tpacker's <c>-s Remove_QuantDequant</c>.</param>
    /// <param name="thinker3">The workspaces tpacker 3.x asks for
    /// (<see cref="WorkspacePassV3"/>) instead of 2.1.1's.</param>
    public static DeployGraph Lower(ModelGraph graph, Func<AddNode, int> rescaledAddInputs,
        bool keepQuantDequant = false, bool thinker3 = false)
    {
        var draft = OperatorLowering.Run(graph, ConvFusion.Find(graph), keepQuantDequant);
        if (thinker3) WorkspacePassV3.Run(draft, graph, rescaledAddInputs);
        else WorkspacePass.Run(draft, graph, rescaledAddInputs);
        DmaPass.Run(draft);
        return TensorOrder.Run(draft, graph);
    }
}
