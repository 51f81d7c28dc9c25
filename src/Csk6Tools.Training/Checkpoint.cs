using System.Text.Json;
using Csk6Tools.Engine.Model;
using Tensor = TorchSharp.torch.Tensor;
using static TorchSharp.torch;

namespace Csk6Tools.Training;

/// <summary>Where a run stands: the next batch to train and the sums of the epoch in progress.</summary>
internal sealed record RunPosition(ModelStage Stage, int Epochs, double BaseRate, int Epoch, int Batch, double LossSum,
    long Correct, long Seen, double Seconds);

/// <summary>
/// A checkpoint is a model file (the model as trained so far) plus the SGD momentum buffers as tensors
/// <c>optimizer.&lt;parameter&gt;.momentum_buffer</c> and the run position under <c>csk6tools.checkpoint</c>.
/// </summary>
internal static class Checkpoint
{
    private const string Key = "csk6tools.checkpoint";
    private const string Prefix = "optimizer.";
    private const string Suffix = ".momentum_buffer";

    public static void Save(string path, Csk6Model model,
        IReadOnlyDictionary<string, Tensor> momentum, RunPosition position)
    {
        var buffers = momentum.ToDictionary(m => Prefix + m.Key + Suffix, m => GraphNetwork.ToWeight(m.Value));
        ModelFile.Save(model, path, buffers,
            new Dictionary<string, string> { [Key] = JsonSerializer.Serialize(position) });
    }

    public static (Csk6Model Model, Dictionary<string, Tensor> Momentum, RunPosition Position) Load(string path)
    {
        var model = ModelFile.Load(path, out var tensors, out var metadata);
        if (!metadata.TryGetValue(Key, out var json))
            throw new TrainingException($"'{path}' is a saved model, not a training checkpoint: it " +
                $"has no run position.");
        var position = JsonSerializer.Deserialize<RunPosition>(json)
            ?? throw new TrainingException($"'{path}' has an empty run position.");
        var momentum = tensors
            .Where(t => t.Key.StartsWith(Prefix, StringComparison.Ordinal) &&
                t.Key.EndsWith(Suffix, StringComparison.Ordinal))
            .ToDictionary(t => t.Key[Prefix.Length..^Suffix.Length],
                t => tensor(t.Value.Data, t.Value.Shape.Select(d => (long)d).ToArray()).DetachFromDisposeScope());
        return (model, momentum, position);
    }
}
