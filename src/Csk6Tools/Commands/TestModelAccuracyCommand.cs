using System.Management.Automation;
using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Model;
using Csk6Tools.Training;

namespace Csk6Tools.Commands;

/// <summary>Test-ModelAccuracy: top-1 and top-5 on a data set's test split, one row per arithmetic (float, fake-quant).</summary>
[Cmdlet(VerbsDiagnostic.Test, "ModelAccuracy")]
[OutputType(typeof(AccuracyResult))]
public sealed class TestModelAccuracyCommand : Csk6ModelCommand
{
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public Dataset Dataset { get; set; } = null!;

    [Parameter]
    [ValidateRange(1, 65536)]
    public int BatchSize { get; set; } = 256;

    /// <summary>At most this many batches (0: the whole test split).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaxBatches { get; set; }

    [Parameter]
    [ValidateRange(0, 1024)]
    public int Threads { get; set; }

    [Parameter]
    [ValidateSet("cpu", "cuda")]
    public string Device { get; set; } = "cpu";

    protected override void ProcessModel(Csk6Model model)
    {
        List<AccuracyResult> results = [];
        if (Try(() => results = RunWithProgress<List<AccuracyResult>, string>(progress =>
            {
                var list = new List<AccuracyResult>();
                foreach (var r in Evaluator.Measure(model, Dataset, BatchSize, MaxBatches > 0 ? MaxBatches : null, Device, Threads, Cancellation))
                {
                    list.Add(r);
                    progress.Report($"{r.Arithmetic}: top-1 {r.Top1:P2}, top-5 {r.Top5:P2} over {r.Samples} images");
                }
                return list;
            }, WriteVerbose), model))
            WriteObject(results, enumerateCollection: true);
    }
}
