using System.Management.Automation;
using Csk6Tools.Engine.Model;

namespace Csk6Tools.Commands;

/// <summary>Invoke-QuantTraining: quantization-aware training with the CSK6's int8 arithmetic in the loop.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "QuantTraining")]
[OutputType(typeof(Csk6Model))]
public sealed class InvokeQuantTrainingCommand : TrainingCommand
{
    protected override ModelStage Stage => ModelStage.Quantized;
}
