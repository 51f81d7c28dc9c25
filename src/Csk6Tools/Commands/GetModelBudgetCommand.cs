using System.Management.Automation;
using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Commands;

/// <summary>Get-ModelBudget: memory per region, per-layer rows and the CSK6 rules the model breaks.</summary>
[Cmdlet(VerbsCommon.Get, "ModelBudget")]
[OutputType(typeof(ModelBudget))]
public sealed class GetModelBudgetCommand : CapacityCommand
{
    /// <summary>Inputs of each residual add assumed to need rescaling before QAT fixes the scales (0, 1 or 2; 1 by
    /// default); a quantized model's exponents decide instead.</summary>
    [Parameter]
    [ValidateRange(0, 2)]
    public int RescaledAddInputs { get; set; } = 1;

    protected override void ProcessModel(ModelGraph model) => Write(BudgetCalculator.Measure(model, Options));

    /// <summary>A quantized model is lowered with its exponents, as New-Csk6Package lowers it.</summary>
    protected override void ProcessModel(Csk6Model model) => Write(BudgetCalculator.Measure(model, Options));

    private BudgetOptions Options => new() { Limits = Limits, RescaledAddInputs = RescaledAddInputs };

    private void Write(ModelBudget budget)
    {
        var plan = budget.ShareMemPlan;
        WriteVerbose($"SHARE_MEM plan: {plan.Planner} {plan.Bytes:N0} B (lower bound {plan.LowerBound:N0} B; " +
                     string.Join(", ", plan.Candidates.Select(c => $"{c.Key} {c.Value:N0}")) + ").");
        WriteObject(budget);
    }
}
