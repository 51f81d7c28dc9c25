using Csk6Tools.Engine.Deploy;

namespace Csk6Tools.Engine.Budget;

/// <summary>A model measured against the CSK6: memory per region,
/// capacity, per-layer rows and the rules it breaks.</summary>
public sealed record ModelBudget
{
    public required string Model { get; init; }
    public long Parameters { get; init; }
    public long DeployParameters { get; init; }
    public long Macs { get; init; }

    /// <summary>int8 weights plus int32 biases after BN folding, before any padding.</summary>
    public long Int8Bytes { get; init; }

    /// <summary>PSRAM tpacker would allocate: Σ ALIGN16(packed constants).</summary>
    public long PsramBytes { get; init; }
    public long PsramCapacity { get; init; }

    /// <summary>SHARE_MEM arena: activations, workspace and DMA ping-pong buffers, planned together.</summary>
    public long ShareMemBytes { get; init; }
    public long ShareMemCapacity { get; init; }

    /// <summary>True when the model fits both regions and breaks no rule.</summary>
    public bool Fits => Violations.Count == 0;

    public required IReadOnlyList<LayerBudget> Layers { get; init; }
    public required IReadOnlyList<BudgetViolation> Violations { get; init; }
    public required MemoryPlan ShareMemPlan { get; init; }

    public override string ToString()
        => $"{Model}: PSRAM {PsramBytes:N0}/{PsramCapacity:N0} B, SHARE_MEM " +
            $"{ShareMemBytes:N0}/{ShareMemCapacity:N0} B, " +
           (Fits ? "fits" : $"{Violations.Count} violation(s)");
}
