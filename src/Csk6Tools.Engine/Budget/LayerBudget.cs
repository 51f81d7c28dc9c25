using Csk6Tools.Engine.Graph;

namespace Csk6Tools.Engine.Budget;

/// <summary>One layer of the model as the CSK6 sees it.</summary>
public sealed record LayerBudget
{
    public required string Name { get; init; }
    public required string Op { get; init; }
    public TensorShape? InputShape { get; init; }
    public required TensorShape OutputShape { get; init; }

    /// <summary>Trainable parameters (PyTorch's count).</summary>
    public long Parameters { get; init; }

    /// <summary>Parameters after BN folding.</summary>
    public long DeployParameters { get; init; }

    /// <summary>PSRAM bytes of the layer's packed constants, each padded to 16 bytes as tpacker stores them.</summary>
    public long WeightBytes { get; init; }

    /// <summary>Bytes of the layer's int8 output.</summary>
    public long ActivationBytes { get; init; }

    public long Macs { get; init; }

    /// <summary>SHARE_MEM live while the layer's ops run: activations, workspace, DMA buffers (0 for a layer fused into
    /// another). The largest is the bound no plan can beat (<see cref="Deploy.MemoryPlan.LowerBound"/>).</summary>
    public long ShareMemBytes { get; init; }

    /// <summary>What the packer or the engine does with the layer: split, folded, fused, or nothing.</summary>
    public string Packing { get; init; } = "";

    public override string ToString() => $"{Name} ({Op} → {OutputShape})";
}
