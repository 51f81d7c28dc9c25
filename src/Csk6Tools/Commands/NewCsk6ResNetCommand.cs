using Csk6Tools.Engine;
using System.Management.Automation;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Zoo;

namespace Csk6Tools.Commands;

/// <summary>New-Csk6ResNet: a CIFAR ResNet of pytorch-cifar100 as a model graph.</summary>
[Cmdlet(VerbsCommon.New, "Csk6ResNet")]
[OutputType(typeof(ModelGraph))]
public sealed class NewCsk6ResNetCommand : PSCmdlet
{
    /// <summary>18, 34, 50, 101 or 152.</summary>
    [Parameter(Position = 0, HelpMessage = "ResNet depth: 18, 34, 50, 101 or 152.")]
    [ArgumentCompleter(typeof(DepthCompleter))]
    public int Depth { get; set; } = 18;

    [Parameter]
    public int Classes { get; set; } = 100;

    [Parameter]
    public int InputChannels { get; set; } = 3;

    [Parameter]
    public int InputSize { get; set; } = 32;

    /// <summary>Channel multiplier (0.5 halves every layer's channels).</summary>
    [Parameter]
    public double Width { get; set; } = 1.0;

    protected override void EndProcessing()
    {
        if (!ResNet.Depths.Contains(Depth))
            Fail(ErrorIds.InvalidDepth, Depth,
                $"ResNet depth {Depth} does not exist in the pytorch-cifar100 family; use one of " +
                $"{string.Join(", ", ResNet.Depths)}" +
                $" (nearest: {ResNet.Depths.MinBy(d => Math.Abs(d - Depth))}).");
        if (!(Width > 0) || double.IsInfinity(Width))
            Fail(ErrorIds.InvalidWidth, Width,
                $"Width {Width} is not a positive channel multiplier (1 is the original network, 0.5 " +
                $"halves every layer).");
        foreach (var (name, value, min) in new[] { ("Classes", Classes, 1), ("InputChannels", InputChannels, 1),
            ("InputSize", InputSize, 8) })
            if (value < min) Fail(ErrorIds.InvalidArgument, value, $"{name} must be at least {min}, got {value}.");

        WriteObject(ResNet.Create(new ResNetOptions
        {
            Depth = Depth, Classes = Classes, InputChannels = InputChannels, InputSize = InputSize, Width = Width,
        }));
    }

    private void Fail(string id, object target, string message)
        => ThrowTerminatingError(
            new ErrorRecord(new ArgumentException(message), id, ErrorCategory.InvalidArgument, target));

    private sealed class DepthCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName,
            string parameterName, string wordToComplete,
            System.Management.Automation.Language.CommandAst commandAst,
            System.Collections.IDictionary fakeBoundParameters)
            => ResNet.Depths.Select(d => d.ToString())
                .Where(d => d.StartsWith(wordToComplete, StringComparison.Ordinal))
                .Select(d => new CompletionResult(d, d, CompletionResultType.ParameterValue, $"ResNet-{d}"));
    }
}
