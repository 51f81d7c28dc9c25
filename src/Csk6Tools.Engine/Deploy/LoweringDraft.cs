namespace Csk6Tools.Engine.Deploy;

/// <summary>
/// The deploy graph while the passes build it: tensors in the order they were made, each with its draft id (its
/// index in that order) as <see cref="DeployTensor.Id"/>; the ops' tensor lists hold draft ids until
/// <see cref="TensorOrder"/> gives the tensors their final ids.
/// </summary>
internal sealed class LoweringDraft
{
    private readonly List<DeployTensor> _made = [];

    /// <summary>The input, the layers' constants and activations, in graph order.</summary>
    public List<DeployTensor> Main { get; } = [];

    /// <summary>What the packer adds after the graph's own tensors:
    /// the weights, biases and outputs of split pieces.</summary>
    public List<DeployTensor> Appended { get; } = [];

    /// <summary>The workspace and the DMA buffers, last of all.</summary>
    public List<DeployTensor> Buffers { get; } = [];

    public List<DeployOp> Ops { get; } = [];

    /// <summary>The tensor that holds each layer's result (a fused
    /// layer resolves to its convolution's output).</summary>
    public Dictionary<string, DeployTensor> TensorOf { get; } = [];

    public Dictionary<string, string> FusedInto { get; } = [];
    public Dictionary<string, LayerSplit> Splits { get; } = [];

    /// <summary>How many tensors were made (draft ids run from 0 to this, exclusive).</summary>
    public int Count => _made.Count;

    /// <summary>
    /// Makes a tensor sized as tpacker sizes every tensor (ALIGN16 of its packed bytes) at the end of
    /// <paramref name="list"/>.
    /// </summary>
    public DeployTensor Add(List<DeployTensor> list, string name, TensorKind kind, long bytes, string layer,
        int producer = -1, int? aliasOf = null, int? piece = null)
    {
        var t = new DeployTensor(_made.Count, name, kind, Target.Csk6.Align16(bytes), layer)
        {
            Producer = producer, AliasOf = aliasOf, Piece = piece,
        };
        _made.Add(t);
        list.Add(t);
        return t;
    }

    public DeployTensor this[int id] => _made[id];
}
