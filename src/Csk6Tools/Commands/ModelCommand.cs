using System.Management.Automation;
using Csk6Tools.Engine.Graph;

namespace Csk6Tools.Commands;

/// <summary>A cmdlet that takes a model (<see cref="ModelGraph"/>) from the pipeline.</summary>
public abstract class ModelCommand : PSCmdlet
{
    /// <summary>The model: from New-Csk6ResNet, Convert-ToDepthwise or any cmdlet that returns one.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "A model from New-Csk6ResNet or Convert-ToDepthwise.")]
    [Alias("InputObject")]
    [ValidateNotNull]
    public object Model { get; set; } = null!;

    protected sealed override void ProcessRecord()
    {
        var value = Model is PSObject pso ? pso.BaseObject : Model;
        if (value is not ModelGraph graph)
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"{MyInvocation.MyCommand.Name} expects a model ({typeof(ModelGraph).FullName}), as New-Csk6ResNet or Convert-ToDepthwise return; got {value?.GetType().FullName ?? "null"} '{Describe(value)}'."),
                ErrorIds.ModelExpected, ErrorCategory.InvalidType, Model));
            return;
        }
        try
        {
            ProcessModel(graph);
        }
        catch (GraphException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidGraph, ErrorCategory.InvalidData, (object?)e.Node ?? graph));
        }
    }

    protected abstract void ProcessModel(ModelGraph model);

    private static string Describe(object? value)
    {
        string text = value?.ToString() ?? "";
        return text.Length > 60 ? text[..57] + "..." : text;
    }
}
