using System.Management.Automation;
using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Commands;

/// <summary>Get-ModelBudget: memory per region, per-layer rows and the CSK6 rules the model breaks.</summary>
[Cmdlet(VerbsCommon.Get, "ModelBudget")]
[OutputType(typeof(ModelBudget))]
public sealed class GetModelBudgetCommand : ModelCommand
{
    /// <summary>PSRAM for constants; 8 MiB (tpacker's limit) by default. PowerShell reads 4MB as 4 MiB.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long PsramCapacity { get; set; } = Csk6.PsramCapacity;

    /// <summary>SRAM shared with the NPU for activations, workspace and DMA buffers; 640 KiB by default.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long ShareMemCapacity { get; set; } = Csk6.ShareMemCapacity;

    /// <summary>Inputs of each residual add assumed to need rescaling before QAT fixes the scales (0, 1 or 2; 1 by default).</summary>
    [Parameter]
    [ValidateRange(0, 2)]
    public int RescaledAddInputs { get; set; } = 1;

    protected override void ProcessModel(ModelGraph model)
    {
        var budget = BudgetCalculator.Measure(model, new BudgetOptions
        {
            Limits = new Csk6Limits { PsramBytes = PsramCapacity, ShareMemBytes = ShareMemCapacity },
            RescaledAddInputs = RescaledAddInputs,
        });
        var plan = budget.ShareMemPlan;
        WriteVerbose($"SHARE_MEM plan: {plan.Planner} {plan.Bytes:N0} B (lower bound {plan.LowerBound:N0} B; " +
                     string.Join(", ", plan.Candidates.Select(c => $"{c.Key} {c.Value:N0}")) + ").");
        WriteObject(budget);
    }
}
