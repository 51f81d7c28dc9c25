using System.Management.Automation;
using Csk6Tools.Engine;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Search;

namespace Csk6Tools.Commands;

/// <summary>A cmdlet that takes a model (<see cref="ModelGraph"/>, or
/// a <see cref="Csk6Model"/> with weights) from the pipeline.</summary>
public abstract class ModelInputCommand : PSCmdlet
{
    /// <summary>The model: from New-Csk6ResNet, Convert-ToDepthwise or any cmdlet that returns one.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true,
        HelpMessage = "A model from New-Csk6ResNet or Convert-ToDepthwise.")]
    [Alias("InputObject")]
    [ValidateNotNull]
    public object Model { get; set; } = null!;

    protected sealed override void ProcessRecord()
    {
        var value = Model is PSObject pso ? pso.BaseObject : Model;
        // A row of Find-Csk6Network carries its model: the trained one once -Train ran.
        if (value is NetworkCandidate candidate) value = (object?)candidate.Trained ?? candidate.Model;
        var graph = value as ModelGraph ?? (value as Csk6Model)?.Graph;
        if (graph is null)
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"{MyInvocation.MyCommand.Name} expects a model ({typeof(ModelGraph).FullName} " +
                    $"or {typeof(Csk6Model).FullName}), as New-Csk6ResNet, Convert-ToDepthwise or the training " +
                    $"cmdlets return; got {value?.GetType().FullName ?? "null"} '{Describe(value)}'."),
                ErrorIds.ModelExpected, ErrorCategory.InvalidType, Model));
            return;
        }
        try
        {
            if (value is Csk6Model model) ProcessModel(model);
            else ProcessModel(graph);
        }
        catch (GraphException e)
        {
            WriteError(EngineErrors.Record(e, graph));
        }
    }

    protected abstract void ProcessModel(ModelGraph model);

    /// <summary>A model with weights; cmdlets that read only the graph get its graph.</summary>
    protected virtual void ProcessModel(Csk6Model model) => ProcessModel(model.Graph);

    private static string Describe(object? value)
    {
        string text = value?.ToString() ?? "";
        return text.Length > 60 ? text[..57] + "..." : text;
    }
}
