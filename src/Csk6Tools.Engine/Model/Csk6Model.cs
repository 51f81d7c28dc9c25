using Csk6Tools.Engine.Graph;

namespace Csk6Tools.Engine.Model;

/// <summary>Float: trained in float32. Constrained: weights and layer outputs clamped to ±8. Quantized: BN folded,
/// fake-quant trained, exponents fixed.</summary>
public enum ModelStage { Float, Constrained, Quantized }

/// <summary>Per-channel input normalization, for pixels scaled to [0, 1]: x' = (x − Mean) / Std.</summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    public override string ToString() => $"mean ({string.Join(", ", Mean)}), std ({string.Join(", ", Std)})";
}

/// <summary>One training epoch: the mean loss and accuracy over the
/// batches it saw (augmented), and the test accuracy after it.</summary>
public sealed record EpochRecord(ModelStage Stage, int Epoch, double Loss, double Accuracy, double? TestAccuracy,
    double LearningRate, double Seconds)
{
    public override string ToString() => $"{Stage} epoch {Epoch}: loss {Loss:F4}, accuracy {Accuracy:P2}";
}

/// <summary>
/// A model as it flows down the pipeline once it has weights: the graph, its float weights (PyTorch state_dict
/// names: <c>conv1.0.weight</c>, <c>conv1.1.running_mean</c> …), the training stage, the quantization state after
/// QAT, and what it was trained on. Pure data: the packer and the int8 engine read it without libtorch.
/// </summary>
public sealed record Csk6Model
{
    public required ModelGraph Graph { get; init; }
    public IReadOnlyDictionary<string, WeightTensor> Weights { get; init; } = new Dictionary<string, WeightTensor>();
    public ModelStage Stage { get; init; } = ModelStage.Float;

    /// <summary>Exponents of every quantized tensor; set by quantization-aware training (Stage Quantized).</summary>
    public QuantizationState? Quantization { get; init; }

    /// <summary>Tensor names to pack under (an imported ONNX file's); null: the graph's own names.</summary>
    public TensorNames? Names { get; init; }

    public Normalization? Normalization { get; init; }
    public IReadOnlyList<string> Classes { get; init; } = [];
    public IReadOnlyList<EpochRecord> History { get; init; } = [];

    /// <summary>The file the model was imported from (Import-Csk6Model),
    /// null for one built or trained in this session.</summary>
    public string? Source { get; init; }

    public string Name => Graph.Name;
    public long Parameters => Graph.Parameters;

    /// <summary>The last epoch's test accuracy (or training accuracy when no test ran), if it was trained.</summary>
    public double? Accuracy => History.Count == 0 ? null : History[^1].TestAccuracy ?? History[^1].Accuracy;

    public static Csk6Model FromGraph(ModelGraph graph) => new() { Graph = graph };

    public WeightTensor Weight(string name)
        => Weights.TryGetValue(name, out var w)
            ? w
            : throw new KeyNotFoundException($"Model '{Name}' has no tensor '{name}'.");

    public override string ToString() => $"{Name} ({Stage}, {Parameters:N0} parameters, {History.Count} epochs)";
}
