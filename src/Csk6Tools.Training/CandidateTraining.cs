using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Imaging;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Search;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Training;

/// <summary>How the search short-trains a candidate.</summary>
public sealed record CandidateTrainingOptions
{
    public required Dataset Dataset { get; init; }

    /// <summary>Float epochs; quantization-aware training then runs one epoch.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Training images used, the first of the split (0: all).</summary>
    public int TrainCount { get; init; }

    public int BatchSize { get; init; } = 64;
    public int Threads { get; init; }
    public int Seed { get; init; }

    /// <summary>The capacities the package is checked against: the search's.</summary>
    public Csk6Limits Limits { get; init; } = Csk6Limits.Default;
}

/// <summary>Where the short training of one candidate is: its
/// phase and, while it trains, the trainer's progress.</summary>
public sealed record CandidateTrainingProgress(string Candidate, string Phase, TrainingProgress? Training);

/// <summary>
/// The search's short training: float, then one epoch of quantization-aware training, then the package and the int8
/// engine, so a candidate is judged on the accuracy the chip will give. Reuses the trainer, the packer and the engine.
/// </summary>
public static class CandidateTraining
{
    /// <summary>Float rate of a short run (pytorch-cifar100's 0.1
    /// overshoots in one or two epochs of small batches).</summary>
    public const double FloatRate = 0.05;

    /// <summary>QAT batch size: small enough for <see cref="Trainer.SettledRunningBatches"/>
    /// batches when the images allow it, at least 8.</summary>
    public static int QuantBatchSize(int trainImages, int batchSize) =>
        Math.Max(1, Math.Min(batchSize, Math.Max(8, trainImages / Trainer.SettledRunningBatches)));

    public static NetworkCandidate Train(NetworkCandidate candidate, CandidateTrainingOptions o,
        IProgress<CandidateTrainingProgress>? progress, CancellationToken cancel)
    {
        var data = o.TrainCount > 0 ? Subset(o.Dataset, o.TrainCount) : o.Dataset;
        var stageProgress = new Relay(candidate.Name, progress);
        var options = new TrainingOptions
        {
            Dataset = data, Epochs = o.Epochs, BatchSize = o.BatchSize, LearningRate = FloatRate,
            Augmentation = Augmentations.None,
            Threads = o.Threads, Seed = o.Seed,
        };
        var floatModel = Trainer.Train(Csk6Model.FromGraph(candidate.Model), ModelStage.Float,
            options, stageProgress, cancel);
        var quantized = Trainer.Train(floatModel, ModelStage.Quantized,
            options with { Epochs = 1, BatchSize = QuantBatchSize(data.Train.Count, o.BatchSize), LearningRate = null },
            stageProgress, cancel);

        progress?.Report(new CandidateTrainingProgress(candidate.Name, "packing and running the int8 engine", null));
        var package = ThinkerPackage.Read(PackageBuilder.Build(quantized, new PackOptions { Limits = o.Limits }).Bytes);
        var normalization = quantized.Normalization!;
        var engine = DatasetRunner.Accuracy(package, data.Test,
            PackageInput.ImageSpec(package, normalization.Mean, normalization.Std), data.Test.Count, o.Threads, cancel);
        // Each stage's last epoch measured the whole test split in eval mode: float, then fake-quant.
        var accuracy = new CandidateAccuracy(floatModel.Accuracy ?? 0, quantized.Accuracy ?? 0,
            engine.Top1, engine.Samples);
        return candidate with { Accuracy = accuracy, Trained = quantized };
    }

    private static Dataset Subset(Dataset d, int trainCount) => new()
    {
        Name = d.Name, Source = d.Source, Classes = d.Classes, Train = d.Train.Take(trainCount), Test = d.Test,
        Mean = d.Mean, Std = d.Std,
        CoarseClasses = d.CoarseClasses,
    };

    private sealed class Relay(string candidate, IProgress<CandidateTrainingProgress>? target)
        : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
            => target?.Report(
                new CandidateTrainingProgress(candidate,
                    value.Stage == ModelStage.Float ? "float training" : "quantization-aware training", value));
    }
}
