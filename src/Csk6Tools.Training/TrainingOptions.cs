using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Model;

namespace Csk6Tools.Training;

/// <summary>What a training run needs besides the model. Defaults are pytorch-cifar100's.</summary>
public sealed record TrainingOptions
{
    public required Dataset Dataset { get; init; }
    public int Epochs { get; init; } = 1;
    public int BatchSize { get; init; } = 128;

    /// <summary>Null: 0.1 for float; the last float rate for the
    /// constrained stage; the last float rate ÷ 10 for QAT.</summary>
    public double? LearningRate { get; init; }

    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 5e-4;
    public int Seed { get; init; }

    public Augmentations Augmentation { get; init; } = Augmentations.Standard;

    /// <summary>libtorch's intra-op threads; 0 keeps libtorch's default.</summary>
    public int Threads { get; init; }

    public string Device { get; init; } = "cpu";

    /// <summary>Written after every epoch and on cancellation; null: no checkpoint.</summary>
    public string? CheckpointPath { get; init; }

    public bool Resume { get; init; }

    /// <summary>Batches per epoch (and per evaluation) at most: quick runs on part of a data set.</summary>
    public int? MaxBatches { get; init; }

    internal static double DefaultRate(ModelStage stage, Csk6Model model)
    {
        double? lastFloat = model.History.LastOrDefault(h => h.Stage == ModelStage.Float)?.LearningRate;
        return stage switch
        {
            ModelStage.Float => 0.1,
            ModelStage.Constrained => lastFloat ?? 0.01,
            _ => (lastFloat ?? 0.01) / 10,
        };
    }
}

/// <summary>Where a run is: sent after every batch;
/// <see cref="Completed"/> is set on the last batch of an epoch.</summary>
public sealed record TrainingProgress(ModelStage Stage, int Epoch, int Epochs, int Batch, int Batches, double Loss,
    double Accuracy, double LearningRate, TimeSpan Elapsed, TimeSpan? Remaining)
{
    public EpochRecord? Completed { get; init; }
}

/// <summary>
/// A run that cannot start or go on: a data set that does not fit the model, a checkpoint of another run
/// (TrainingFailed), a layer that cannot be trained (TrainingUnsupportedOperator).
/// </summary>
public sealed class TrainingException(string message, string errorId = Csk6Tools.Engine.ErrorIds.TrainingFailed,
    Csk6Tools.Engine.Csk6ErrorCategory? category = null)
    : Csk6Tools.Engine.Csk6Exception(errorId, message, null, category);
