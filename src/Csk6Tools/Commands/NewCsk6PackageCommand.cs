using Csk6Tools.Engine;
using System.Management.Automation;
using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Deploy;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Commands;

/// <summary>New-Csk6Package: a quantized model to the thinker
/// model.bin that LISTENAI's runtime loads on the CSK6.</summary>
[Cmdlet(VerbsCommon.New, "Csk6Package", SupportsShouldProcess = true)]
[OutputType(typeof(ThinkerPackage))]
public sealed class NewCsk6PackageCommand : CapacityCommand
{
    /// <summary>The model.bin to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>The SHARE_MEM planner; the smallest plan by default.
    /// Tpacker chooses as tpacker v2.1.1 does (its bytes).</summary>
    [Parameter]
    [ValidateSet("GreedyBySize", "GreedyByBreadth", "GreedyByOrder", "OffsetBestFit", MemoryPlanner.Tpacker)]
    public string? Planner { get; set; }

    /// <summary>V2 (thinker 2.1.1, the default) or V3 (thinker 3.x for venus).</summary>
    [Parameter]
    public PackageLayout Layout { get; set; } = PackageLayout.V2;

    /// <summary>Keeps float32 input and output with Quant and Dequant ops instead of int8 I/O (V2 only).</summary>
    [Parameter]
    public SwitchParameter KeepQuantDequant { get; set; }

    /// <summary>Overwrites an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessModel(ModelGraph model) =>
        WriteError(
            new ErrorRecord(
                new ArgumentException($"Model '{model.Name}' is a graph without weights: train it and run " +
                    $"Invoke-QuantTraining before packing it."),
            ErrorIds.ModelNotQuantized, ErrorCategory.InvalidData, model));

    protected override void ProcessModel(Csk6Model model)
    {
        string target = FilePaths.ResolveOutput(this, Path);
        if (FilePaths.RefusesOverwrite(this, target, Force)) return;
        PackResult packed;
        try
        {
            packed = PackageBuilder.Build(model, new PackOptions
            {
                Limits = Limits,
                Planner = Planner,
                KeepQuantDequant = KeepQuantDequant,
                Layout = Layout,
            });
        }
        catch (PackException e)
        {
            ThrowTerminatingError(EngineErrors.Record(e, model));
            return;
        }
        var plan = packed.Report.ShareMemPlan;
        WriteVerbose($"SHARE_MEM plan: {plan.Planner} {plan.Bytes:N0} B (lower bound {plan.LowerBound:N0} B; " +
            $"{string.Join(", ", plan.Candidates.Select(c => $"{c.Key} {c.Value:N0}"))}).");
        foreach (var split in packed.Report.Splits) WriteVerbose($"Split {split}.");
        string sidecar = PackageDescription.PathFor(target);
        if (!ShouldProcess(target,
            $"Write {packed.Bytes.Length:N0}-byte thinker package and its description " +
            $"{System.IO.Path.GetFileName(sidecar)}")) return;
        packed.WriteTo(target);
        WriteObject(ThinkerPackage.Read(target) with { Report = packed.Report });
    }
}
