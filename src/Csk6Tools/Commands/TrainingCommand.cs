using System.Management.Automation;
using Csk6Tools.Engine.Model;
using Csk6Tools.Training;

namespace Csk6Tools.Commands;

/// <summary>The parameters and the run of the three training cmdlets; each names its stage.</summary>
public abstract class TrainingCommand : DatasetCommand
{
    protected abstract ModelStage Stage { get; }

    [Parameter]
    [ValidateRange(1, 100000)]
    public int Epochs { get; set; } = 1;

    [Parameter]
    [ValidateRange(1, 65536)]
    public int BatchSize { get; set; } = 128;

    /// <summary>Base learning rate; when not given, the stage's default
    /// (0.1; the last float rate; the last float rate ÷ 10).</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double LearningRate { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double Momentum { get; set; } = 0.9;

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double WeightDecay { get; set; } = 5e-4;

    [Parameter]
    public int Seed { get; set; }

    /// <summary>The random transforms of training images: Crop, Flip, Rotate (all three by default) or None.</summary>
    [Parameter]
    public Augmentations Augmentation { get; set; } = Augmentations.Standard;

    /// <summary>Checkpoint file, written after every epoch and on Ctrl+C; by default
    /// &lt;temp&gt;/Csk6Tools/&lt;model&gt;-&lt;stage&gt;.checkpoint.safetensors.</summary>
    [Parameter]
    public string? CheckpointPath { get; set; }

    /// <summary>Continue from the checkpoint when there is one.</summary>
    [Parameter]
    public SwitchParameter Resume { get; set; }

    protected override void ProcessModel(Csk6Model model)
    {
        string checkpoint = CheckpointPath is { } p
            ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(p)
            : Path.Combine(Path.GetTempPath(), "Csk6Tools",
                $"{model.Name}-{Stage}.checkpoint.safetensors".ToLowerInvariant());
        Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
        var options = new TrainingOptions
        {
            Dataset = Dataset, Epochs = Epochs, BatchSize = BatchSize, Momentum = Momentum, WeightDecay = WeightDecay,
            Seed = Seed, Augmentation = Augmentation,
            LearningRate = MyInvocation.BoundParameters.ContainsKey(nameof(LearningRate)) ? LearningRate : null,
            Threads = Threads, Device = Device, CheckpointPath = checkpoint, Resume = Resume, MaxBatches = BatchLimit,
        };
        WriteVerbose($"{Stage} training of '{model.Name}' on {Dataset}: {Epochs} epoch(s), batch {BatchSize}, " +
            $"checkpoint {checkpoint}{(Resume && File.Exists(checkpoint) ? " (resuming)" : "")}.");
        if (Trainer.Advice(model, Stage, options) is { } advice) WriteWarning(advice);
        var activity = $"{Stage} training of {model.Name}";
        if (Work.TryRun<Csk6Model, TrainingProgress>(this, model,
            progress => Trainer.Train(model, Stage, options, progress, Cancellation), Report, out var trained))
        {
            WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
            WriteObject(trained);
        }

        void Report(TrainingProgress p)
        {
            long done = (long)(p.Epoch - 1) * p.Batches + p.Batch, total = (long)p.Epochs * p.Batches;
            WriteProgress(
                new ProgressRecord(1, activity,
                    $"Epoch {p.Epoch}/{p.Epochs}, batch {p.Batch}/{p.Batches}: loss {p.Loss:F4}, accuracy " +
                    $"{p.Accuracy:P1}, learning rate {p.LearningRate:G3}")
            {
                PercentComplete = (int)(100 * done / total),
                SecondsRemaining = p.Remaining is { } r ? (int)r.TotalSeconds : -1,
            });
            if (p.Completed is { } e)
                WriteVerbose($"{e.Stage} epoch {e.Epoch}: loss {e.Loss:F4}, train accuracy {e.Accuracy:P2}, test " +
                    $"accuracy {e.TestAccuracy:P2}, learning rate {e.LearningRate:G4}, {e.Seconds:F1} s.");
        }
    }
}
