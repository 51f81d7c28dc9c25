using System.Management.Automation;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Transforms;

namespace Csk6Tools.Commands;

/// <summary>Convert-ToDepthwise: standard convolutions become depthwise separable ones.</summary>
[Cmdlet(VerbsData.Convert, "ToDepthwise")]
[OutputType(typeof(ModelGraph))]
public sealed class ConvertToDepthwiseCommand : ModelInputCommand
{
    /// <summary>What replaces a 1×1 stride-2 shortcut: DepthwiseSeparable
    /// (default), Dense3x3 (LISTENAI's demo) or Keep.</summary>
    [Parameter]
    public ShortcutStyle Shortcut { get; set; } = ShortcutStyle.DepthwiseSeparable;

    /// <summary>Also convert the stem (the convolutions that read the input).</summary>
    [Parameter]
    public SwitchParameter IncludeStem { get; set; }

    protected override void ProcessModel(ModelGraph model)
    {
        var result = DepthwiseConverter.Convert(model,
            new DepthwiseOptions { Shortcut = Shortcut, IncludeStem = IncludeStem });
        WriteVerbose($"{result.ConvertedLayers.Count} convolution(s) made depthwise separable: " +
            $"{string.Join(", ", result.ConvertedLayers)}.");
        // The model flows on down the pipeline; the counts ride along as properties for the default view.
        var output = new PSObject(result.Model);
        output.TypeNames.Insert(0, "Csk6Tools.DepthwiseConversion");
        output.Properties.Add(new PSNoteProperty("ParametersBefore", result.ParametersBefore));
        output.Properties.Add(new PSNoteProperty("ParametersAfter", result.ParametersAfter));
        output.Properties.Add(new PSNoteProperty("Reduction", result.Reduction));
        output.Properties.Add(new PSNoteProperty("ConvertedLayers", result.ConvertedLayers));
        WriteObject(output);
    }
}
