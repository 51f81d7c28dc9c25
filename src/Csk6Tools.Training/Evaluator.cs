using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Csk6Tools.Training;

/// <summary>Top-1 and top-5 accuracy of one arithmetic ("float" or "fake-quant") on a data split.</summary>
public sealed record AccuracyResult(string Model, ModelStage Stage, string Arithmetic, double Top1,
    double Top5, int Samples)
{
    public override string ToString() => $"{Model} {Arithmetic}: top-1 {Top1:P2}, top-5 {Top5:P2}";
}

public static class Evaluator
{
    /// <summary>The model in float arithmetic (with the constrained stage's
    /// clamps if it has them) and, after QAT, fake-quantized.</summary>
    public static IEnumerable<AccuracyResult> Measure(Csk6Model model, Dataset data, int batchSize, int? maxBatches,
        string device, int threads, CancellationToken cancel)
    {
        var dev = TorchRuntime.Prepare(device, threads);
        Trainer.Check(model, data);
        if (model.Weights.Count == 0)
            throw new TrainingException($"Model '{model.Name}' has no weights yet: train it first " +
                $"(Invoke-ModelTraining).");
        var source = new BatchSource(data.Test,
            model.Normalization ?? new Normalization(data.Mean, data.Std), batchSize, maxBatches);
        var modes = model.Stage switch
        {
            ModelStage.Float => new[] { NetworkMode.Float },
            ModelStage.Constrained => [NetworkMode.Constrained],
            _ => [NetworkMode.Float, NetworkMode.Quantized],
        };
        foreach (var mode in modes)
        {
            using var net = new GraphNetwork(model, mode, dev, 0);
            var (top1, top5, n) = Run(net, source, data, dev, cancel);
            yield return new AccuracyResult(model.Name, model.Stage,
                mode == NetworkMode.Quantized ? "fake-quant" : "float", top1, top5, n);
        }
    }

    internal static (double Top1, double Top5, int Samples) Run(GraphNetwork net, BatchSource source, Dataset data,
        Device device, CancellationToken cancel)
    {
        net.eval();
        var order = source.Order(0, 0, shuffle: false);
        long top1 = 0, top5 = 0;
        int seen = 0;
        using var heap = NativeHeap.KeepPages();
        using var _ = no_grad();
        for (int b = 0; b < source.Batches; b++)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var (images, labels, n) = source.Batch(order, b, 0, 0, Augmentations.None);
            var logits = net.forward(tensor(images, [n, data.Channels, data.Height, data.Width]).to(device));
            var y = tensor(labels).to(device).unsqueeze(1);
            var best = logits.topk((int)Math.Min(5, logits.shape[1])).indexes;
            // argmax takes the first of tied maxima, as the int8 engine does (topk's order among ties is unspecified).
            top1 += logits.argmax(1).unsqueeze(1).eq(y).sum().item<long>();
            top5 += best.eq(y).any(1).sum().item<long>();
            seen += n;
        }
        return seen == 0 ? (0, 0, 0) : ((double)top1 / seen, (double)top5 / seen, seen);
    }

    /// <summary>Logits of a few test images: for checks that two models compute the same thing.</summary>
    public static float[] Logits(Csk6Model model, Dataset data, int count, bool quantized)
    {
        var dev = TorchRuntime.Prepare("cpu", 0);
        var mode = quantized ? NetworkMode.Quantized
            : model.Stage == ModelStage.Constrained ? NetworkMode.Constrained : NetworkMode.Float;
        using var net = new GraphNetwork(model, mode, dev, 0);
        net.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var (images, n) = TestImages(model, data, count);
        return net.forward(tensor(images, [n, data.Channels, data.Height, data.Width])).data<float>().ToArray();
    }

    /// <summary>
    /// How far another correct float32 implementation's logits of the same images may lie from <see cref="Logits"/>'
    /// float ones (<see cref="RoundingBound.Between"/>, per logit): the tolerance for comparing them.
    /// </summary>
    public static RoundingBound LogitBound(Csk6Model model, Dataset data, int count)
    {
        TorchRuntime.Prepare("cpu", 0);
        var (images, n) = TestImages(model, data, count);
        return RoundingBound.Of(model, images, n);
    }

    private static (float[] Images, int Count) TestImages(Csk6Model model, Dataset data, int count)
    {
        var source = new BatchSource(data.Test,
            model.Normalization ?? new Normalization(data.Mean, data.Std), count, 1);
        var (images, _, n) = source.Batch(source.Order(0, 0, false), 0, 0, 0, Augmentations.None);
        return (images, n);
    }
}
