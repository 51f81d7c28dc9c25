using System.Management.Automation;
using Csk6Tools.Engine.Model;

namespace Csk6Tools.Commands;

/// <summary>Invoke-ModelTraining: float training with pytorch-cifar100's recipe.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "ModelTraining")]
[OutputType(typeof(Csk6Model))]
public sealed class InvokeModelTrainingCommand : TrainingCommand
{
    protected override ModelStage Stage => ModelStage.Float;
}
