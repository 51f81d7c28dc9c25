using System.Management.Automation;
using Csk6Tools.Engine.Model;
using Csk6Tools.Training;

namespace Csk6Tools.Commands;

/// <summary>Test-ModelAccuracy: top-1 and top-5 on a data set's test split, one row per arithmetic (float, fake-quant).</summary>
[Cmdlet(VerbsDiagnostic.Test, "ModelAccuracy")]
[OutputType(typeof(AccuracyResult))]
public sealed class TestModelAccuracyCommand : DatasetCommand
{
    [Parameter]
    [ValidateRange(1, 65536)]
    public int BatchSize { get; set; } = 256;

    protected override void ProcessModel(Csk6Model model)
    {
        List<AccuracyResult> results = [];
        if (Try(() => results = RunWithProgress<List<AccuracyResult>, string>(progress =>
            {
                var list = new List<AccuracyResult>();
                foreach (var r in Evaluator.Measure(model, Dataset, BatchSize, BatchLimit, Device, Threads, Cancellation))
                {
                    list.Add(r);
                    progress.Report($"{r.Arithmetic}: top-1 {r.Top1:P2}, top-5 {r.Top5:P2} over {r.Samples} images");
                }
                return list;
            }, WriteVerbose), model))
            WriteObject(results, enumerateCollection: true);
    }
}
