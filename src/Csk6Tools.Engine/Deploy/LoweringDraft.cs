namespace Csk6Tools.Engine.Deploy;

/// <summary>
/// The deploy graph while the passes build it: tensors in the order they were made, ops whose tensor lists hold
/// handles (indices into <see cref="Handles"/>) until <see cref="TensorOrder"/> gives the tensors their ids.
/// </summary>
internal sealed class LoweringDraft
{
    /// <summary>The input, the layers' constants and activations, in graph order.</summary>
    public List<DeployTensor> Main { get; } = [];

    /// <summary>What the packer adds after the graph's own tensors: the weights, biases and outputs of split pieces.</summary>
    public List<DeployTensor> Appended { get; } = [];

    /// <summary>The workspace and the DMA buffers, last of all.</summary>
    public List<DeployTensor> Buffers { get; } = [];

    public List<DeployOp> Ops { get; } = [];
    public List<DeployTensor> Handles { get; } = [];
    public Dictionary<DeployTensor, int> Producer { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The tensor that holds each layer's result (a fused layer resolves to its convolution's output).</summary>
    public Dictionary<string, DeployTensor> TensorOf { get; } = [];

    public Dictionary<string, string> FusedInto { get; } = [];
    public Dictionary<string, LayerSplit> Splits { get; } = [];

    public int Handle(DeployTensor t)
    {
        Handles.Add(t);
        return Handles.Count - 1;
    }

    public DeployTensor this[int handle] => Handles[handle];
}
