using Csk6Tools.Engine;
using System.Management.Automation;
using Csk6Tools.Charts;

namespace Csk6Tools.Commands;

/// <summary>Export-Csk6Chart: a budget, a package or a trained model drawn as a PNG or SVG picture.</summary>
[Cmdlet(VerbsData.Export, "Csk6Chart", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportCsk6ChartCommand : PSCmdlet
{
    private string _target = null!;
    private int _written;

    /// <summary>A budget (Get-ModelBudget), a package (New-Csk6Package, Get-Csk6Package) or a trained model.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object InputObject { get; set; } = null!;

    /// <summary>The picture to write: .png or .svg.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Budget (a budget's default), ShareMemPlan (a budget's or a
    /// package's), History (a model's); without it, the object's first.</summary>
    [Parameter]
    public ChartKind Kind { get; set; }

    [Parameter]
    [ValidateRange(100, 10_000)]
    public int Width { get; set; } = Chart.DefaultWidth;

    [Parameter]
    [ValidateRange(100, 10_000)]
    public int Height { get; set; } = Chart.DefaultHeight;

    /// <summary>Overwrites an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing()
    {
        _target = FilePaths.ResolveOutput(this, Path);
        try
        {
            Chart.FormatOf(_target);
        }
        catch (ChartException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, ErrorCategory.InvalidArgument, Path));
        }
    }

    protected override void ProcessRecord()
    {
        object input = InputObject is PSObject pso ? pso.BaseObject : InputObject;
        if (++_written > 1)
        {
            WriteError(
                new ErrorRecord(
                    new InvalidOperationException($"-Path takes one object; '{_target}' holds the first. Pipe one " +
                        $"object per Export-Csk6Chart call."),
                ErrorIds.InvalidArgument, ErrorCategory.InvalidOperation, input));
            return;
        }
        Chart chart;
        try
        {
            chart = Chart.For(input, MyInvocation.BoundParameters.ContainsKey(nameof(Kind)) ? Kind : null);
        }
        catch (ChartException e)
        {
            var category = e.ErrorId == ErrorIds.ChartNoData
                ? ErrorCategory.InvalidData
                : ErrorCategory.InvalidArgument;
            WriteError(new ErrorRecord(e, e.ErrorId, category, input));
            return;
        }
        using (chart)
        {
            if (FilePaths.RefusesOverwrite(this, _target, Force)) return;
            if (!ShouldProcess(_target, $"Write a {Width}×{Height} {chart.Kind} chart")) return;
            WriteVerbose($"{chart.Kind} chart of {input} as {Chart.FormatOf(_target)}, {Width}×{Height}.");
            chart.Write(_target, Width, Height);
        }
        WriteObject(new FileInfo(_target));
    }
}
