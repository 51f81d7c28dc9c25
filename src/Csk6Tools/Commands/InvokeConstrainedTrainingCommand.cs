using System.Management.Automation;
using Csk6Tools.Engine.Model;

namespace Csk6Tools.Commands;

/// <summary>Invoke-ConstrainedTraining: linger's clamp stage, weights and layer outputs held to ±8.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "ConstrainedTraining")]
[OutputType(typeof(Csk6Model))]
public sealed class InvokeConstrainedTrainingCommand : TrainingCommand
{
    protected override ModelStage Stage => ModelStage.Constrained;
}
