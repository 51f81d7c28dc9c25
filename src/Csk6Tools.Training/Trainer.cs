using System.Diagnostics;
using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Transforms;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Csk6Tools.Training;

/// <summary>
/// The three training stages on one loop: float, constrained (linger's ±8 clamps) and quantization-aware (BN
/// folded, fake-quant int8). Checkpoints after every epoch; on cancellation it finishes the current batch, saves
/// the checkpoint and throws <see cref="OperationCanceledException"/>.
/// </summary>
public static class Trainer
{
    public static Csk6Model Train(Csk6Model model, ModelStage stage, TrainingOptions o,
        IProgress<TrainingProgress>? progress, CancellationToken cancel)
    {
        var device = TorchRuntime.Prepare(o.Device, o.Threads);
        Check(model, o.Dataset);
        if (stage < model.Stage)
            throw new TrainingException($"Model '{model.Name}' is already {model.Stage}; {stage} training would undo " +
                $"that. Start from the float model.");
        if (o.Epochs < 1 || o.BatchSize < 1) throw new TrainingException("Epochs and BatchSize must be at least 1.");

        var start = stage == ModelStage.Quantized ? BatchNormFolding.Fold(model) : model;
        start = start with { Normalization = model.Normalization ?? new Normalization(o.Dataset.Mean, o.Dataset.Std),
            Classes = o.Dataset.Classes };
        var position = new RunPosition(stage, o.Epochs,
            o.LearningRate ?? TrainingOptions.DefaultRate(stage, model), 0, 0, 0, 0, 0, 0);
        Dictionary<string, Tensor>? momentum = null;
        if (o.Resume && o.CheckpointPath is { } resumeFrom && File.Exists(resumeFrom))
        {
            (start, momentum, position) = Checkpoint.Load(resumeFrom);
            position = position with { Epochs = o.Epochs };
            if (position.Stage != stage || start.Name != model.Name)
                throw new TrainingException($"Checkpoint '{resumeFrom}' belongs to {position.Stage} training of " +
                    $"'{start.Name}', not {stage} training of '{model.Name}'.");
        }

        var mode = stage switch { ModelStage.Float => NetworkMode.Float,
            ModelStage.Constrained => NetworkMode.Constrained, _ => NetworkMode.Quantized };
        using var heap = NativeHeap.KeepPages();
        using var net = new GraphNetwork(start, mode, device, o.Seed);
        var sgd = new Sgd(net.Parameters, o.Momentum, o.WeightDecay);
        foreach (var (name, buffer) in momentum ?? []) sgd.Buffers[name] = buffer.to(device).DetachFromDisposeScope();

        var normalization = start.Normalization!;
        var train = new BatchSource(o.Dataset.Train, normalization, o.BatchSize, o.MaxBatches);
        var test = new BatchSource(o.Dataset.Test, normalization, o.BatchSize, o.MaxBatches);
        var schedule = new LearningRateSchedule(position.BaseRate, position.Epochs, train.Batches,
            stage == ModelStage.Float && position.Epochs > 1 ? 1 : 0);
        var history = start.History.ToList();
        var epochClock = Stopwatch.StartNew();
        var runClock = Stopwatch.StartNew();
        int trainedThisRun = 0, total = position.Epochs * train.Batches;

        Csk6Model Snapshot() => start with
        {
            Weights = net.ExportWeights(), Stage = stage, History = history.ToList(),
            Quantization = mode == NetworkMode.Quantized ? net.ExportQuantization() : null,
        };

        for (int epoch = position.Epoch; epoch < position.Epochs; epoch++)
        {
            var order = train.Order(o.Seed, epoch, shuffle: true);
            net.train();
            for (int batch = position.Batch; batch < train.Batches; batch++)
            {
                double rate = schedule.Rate(epoch, batch);
                var (loss, correct, count) = Step(net, sgd, mode,
                    train.Batch(order, batch, o.Seed, epoch, o.Augmentation), Shape(o.Dataset), device, rate);
                position = position with { Batch = batch + 1, LossSum = position.LossSum + loss * count,
                    Correct = position.Correct + correct, Seen = position.Seen + count };
                trainedThisRun++;
                EpochRecord? record = null;
                if (batch + 1 == train.Batches)
                {
                    double? testAccuracy = o.Dataset.Test.Count > 0
                        ? Evaluator.Run(net, test, o.Dataset, device, cancel).Top1
                        : null;
                    net.train();
                    record = new EpochRecord(stage, epoch + 1, position.LossSum / position.Seen,
                        (double)position.Correct / position.Seen, testAccuracy, rate,
                        position.Seconds + epochClock.Elapsed.TotalSeconds);
                    history.Add(record);
                    position = position with { Epoch = epoch + 1, Batch = 0, LossSum = 0,
                        Correct = 0, Seen = 0, Seconds = 0 };
                    epochClock.Restart();
                    if (o.CheckpointPath is { } path) Checkpoint.Save(path, Snapshot(), sgd.Buffers, position);
                }
                int left = total - (position.Epoch * train.Batches + position.Batch);
                progress?.Report(new TrainingProgress(stage, epoch + 1, position.Epochs, batch + 1, train.Batches,
                    record?.Loss ?? loss, record?.Accuracy ?? (double)correct / count, rate,
                    runClock.Elapsed, TimeSpan.FromSeconds(runClock.Elapsed.TotalSeconds / trainedThisRun * left))
                    { Completed = record });
                if (cancel.IsCancellationRequested)
                {
                    if (record is null && o.CheckpointPath is { } path)
                        Checkpoint.Save(path, Snapshot(), sgd.Buffers,
                            position with { Seconds = position.Seconds + epochClock.Elapsed.TotalSeconds });
                    throw new OperationCanceledException(cancel);
                }
            }
        }
        return Snapshot();
    }

    /// <summary>One SGD step; the ±8 weight clamp of the constrained and
    /// quantized stages is applied as a projection after it.</summary>
    private static (double Loss, long Correct, int Count) Step(GraphNetwork net, Sgd sgd, NetworkMode mode,
        (float[] Images, long[] Labels, int Count) batch, long[] shape, Device device, double rate)
    {
        using var scope = NewDisposeScope();
        var x = tensor(batch.Images, [batch.Count, .. shape]).to(device);
        var y = tensor(batch.Labels).to(device);
        var logits = net.forward(x);
        var loss = F.cross_entropy(logits, y);
        sgd.ZeroGrad();
        loss.backward();
        sgd.Step(rate);
        if (mode != NetworkMode.Float)
            using (no_grad())
                foreach (var w in net.ClampedWeights) w.clamp_(-GraphNetwork.ClampValue, GraphNetwork.ClampValue);
        return (loss.item<float>(), logits.argmax(1).eq(y).sum().item<long>(), batch.Count);
    }

    private static long[] Shape(Dataset d) => [d.Channels, d.Height, d.Width];

    /// <summary>Batches after which the running ranges (an EMA from 0 with
    /// momentum 0.1) are settled enough to deploy (linger's FAQ).</summary>
    public const int SettledRunningBatches = 100;

    /// <summary>
    /// Why a run may not give what its user expects, or null: QAT started on a model that has no running ranges yet
    /// and fed fewer than <see cref="SettledRunningBatches"/> batches leaves them short of the data's range, so the
    /// deployed exponents are too fine and activations saturate.
    /// </summary>
    public static string? Advice(Csk6Model model, ModelStage stage, TrainingOptions o)
    {
        if (stage != ModelStage.Quantized || model.Stage == ModelStage.Quantized) return null;
        long batches = (long)o.Epochs * BatchSource.Count(o.Dataset.Train.Count, o.BatchSize, o.MaxBatches);
        return batches >= SettledRunningBatches ? null
            : $"Quantization-aware training of '{model.Name}' runs {batches} batch(es); its running ranges need " +
              $"about {SettledRunningBatches} to settle " +
              $"(they start at 0 and move 10 % per batch), so the exponents it deploys may be too fine and saturate. " +
              $"Train more epochs or smaller batches.";
    }

    /// <summary>The data set must fit the graph: the same sample shape and as many classes as outputs.</summary>
    internal static void Check(Csk6Model model, Dataset data)
    {
        var input = model.Graph.InputShape;
        if (input.Rank != 3 || input.Chw != (data.Channels, data.Height, data.Width))
            throw new TrainingException($"Model '{model.Name}' takes {input} inputs but data set '{data.Name}' holds " +
                $"{data.Channels}×{data.Height}×{data.Width} images; " +
                $"build the model for it (New-Csk6ResNet -InputChannels {data.Channels} " +
                $"-InputSize {data.Height}).");
        var output = model.Graph.OutputShape;
        if (output.Rank != 1 || output[0] != data.Classes.Length)
            throw new TrainingException($"Model '{model.Name}' has {output} outputs but data set '{data.Name}' has " +
                $"{data.Classes.Length} classes; build it with -Classes {data.Classes.Length}.");
    }
}
