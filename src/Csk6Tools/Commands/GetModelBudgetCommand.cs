using System.Management.Automation;
using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Commands;

/// <summary>Get-ModelBudget: memory per region, per-layer rows and the CSK6 rules the model breaks.</summary>
[Cmdlet(VerbsCommon.Get, "ModelBudget")]
[OutputType(typeof(ModelBudget))]
public sealed class GetModelBudgetCommand : CapacityCommand
{
    /// <summary>Inputs of each residual add assumed to need rescaling before QAT fixes the scales (0, 1 or 2; 1 by default).</summary>
    [Parameter]
    [ValidateRange(0, 2)]
    public int RescaledAddInputs { get; set; } = 1;

    protected override void ProcessModel(ModelGraph model)
    {
        var budget = BudgetCalculator.Measure(model, new BudgetOptions
        {
            Limits = Limits,
            RescaledAddInputs = RescaledAddInputs,
        });
        var plan = budget.ShareMemPlan;
        WriteVerbose($"SHARE_MEM plan: {plan.Planner} {plan.Bytes:N0} B (lower bound {plan.LowerBound:N0} B; " +
                     string.Join(", ", plan.Candidates.Select(c => $"{c.Key} {c.Value:N0}")) + ").");
        WriteObject(budget);
    }
}
