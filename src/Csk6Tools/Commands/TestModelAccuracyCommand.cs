using System.Management.Automation;
using Csk6Tools.Engine.Imaging;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Model;
using Csk6Tools.Training;

namespace Csk6Tools.Commands;

/// <summary>Test-ModelAccuracy: top-1 and top-5 on a data set's test split,
/// one row per arithmetic (float, fake-quant, int8 engine).</summary>
[Cmdlet(VerbsDiagnostic.Test, "ModelAccuracy")]
[OutputType(typeof(AccuracyResult))]
public sealed class TestModelAccuracyCommand : DatasetCommand
{
    [Parameter]
    [ValidateRange(1, 65536)]
    public int BatchSize { get; set; } = 256;

    /// <summary>The model's package (a model.bin path or a package
    /// object): adds a row computed by the int8 engine.</summary>
    [Parameter]
    public object? Package { get; set; }

    protected override void ProcessModel(Csk6Model model)
    {
        var package = Package is null ? null : PackageArgument.Resolve(this, Package);
        if (Work.TryRun<List<AccuracyResult>, string>(this, model, progress =>
            {
                var list = new List<AccuracyResult>();
                foreach (var r in Evaluator.Measure(model, Dataset, BatchSize, BatchLimit,
                    Device, Threads, Cancellation))
                {
                    list.Add(r);
                    progress.Report($"{r.Arithmetic}: top-1 {r.Top1:P2}, top-5 {r.Top5:P2} over {r.Samples} images");
                }
                if (package is not null)
                {
                    var spec = PackageInput.ImageSpec(package,
                        fallback: model.Normalization ?? new Normalization(Dataset.Mean, Dataset.Std));
                    int count = BatchLimit is int b ? b * BatchSize : Dataset.Test.Count;
                    var e = DatasetRunner.Accuracy(package, Dataset.Test, spec, count, Threads, Cancellation);
                    list.Add(new AccuracyResult(model.Name, model.Stage, "int8 engine", e.Top1, e.Top5, e.Samples));
                    progress.Report($"int8 engine: top-1 {e.Top1:P2}, top-5 {e.Top5:P2} over {e.Samples} images, " +
                                    $"{e.ImagesPerSecond:N0} images/s on {e.Threads} thread(s) ({e.Path})");
                }
                return list;
            }, WriteVerbose, out var results))
            WriteObject(results, enumerateCollection: true);
    }
}
