namespace Csk6Tools.Engine.Model;

/// <summary>
/// The exponents quantization-aware training fixed (a tensor with exponent Q holds q / 2^Q,
/// docs/quant-arithmetic.md#representation). Every node of the (BN-folded) graph has an entry.
/// </summary>
public sealed record QuantizationState
{
    /// <summary>Exponent of the graph input: the caller quantizes
    /// with Int8Arithmetic.Quantize(x, InputExponent).</summary>
    public required int InputExponent { get; init; }

    /// <summary>Running range of the graph input (EMA of 127 / 2^Q_batch), kept to resume training.</summary>
    public double InputRunning { get; init; }

    public required IReadOnlyDictionary<string, LayerQuantization> Layers { get; init; }

    public LayerQuantization this[string node]
        => Layers.TryGetValue(node, out var q)
            ? q
            : throw new KeyNotFoundException($"No quantization state for layer '{node}'.");

    /// <summary>The exponent of a node's output; the graph input's for the graph input.</summary>
    public int OutputOf(string node, string graphInput) => node == graphInput ? InputExponent : this[node].Output;

    /// <summary>The inputs of a residual add whose exponent differs from
    /// the add's output: the op rescales each in its workspace.</summary>
    public int RescaledInputs(Graph.AddNode add, string graphInput) =>
        add.Inputs.Count(i => OutputOf(i, graphInput) != this[add.Name].Output);

    public override string ToString() => $"input Q{InputExponent}, {Layers.Count} layers";
}

/// <summary>
/// One node's exponents. Conv2d and Linear: acc = Σ x_q·w_q + b_q, y_q = sat8(rshift(acc, Shift)) with w_q =
/// Int8Arithmetic.Quantize(w, Weight) and b_q = Int8Arithmetic.QuantizeBias(b, Inputs[0] + Weight); Add: Inputs
/// are (Q_x, Q_y), Output ≤ both; scale-preserving ops (ReLU, pools, Flatten …) have Output = Inputs[0].
/// </summary>
public sealed record LayerQuantization
{
    public required int[] Inputs { get; init; }

    /// <summary>Weight exponent of a Conv2d or Linear; null for other operators.</summary>
    public int? Weight { get; init; }

    public required int Output { get; init; }

    /// <summary>A Conv2d or Linear whose only consumer is a ReLU, applied before requantization.</summary>
    public bool FusedRelu { get; init; }

    /// <summary>Running statistic behind Output (0 for ops that
    /// keep their input's scale), kept to resume training.</summary>
    public double Running { get; init; }

    /// <summary>The requantization shift of a Conv2d or Linear: Q_x + Q_w − Q_o.</summary>
    public int Shift => Weight is int w ? Inputs[0] + w - Output : Inputs[0] - Output;

    public override string ToString()
        => $"in Q{string.Join(", Q", Inputs)}{(Weight is int w ? $", weight Q{w}" : "")}, out " +
            $"Q{Output}{(FusedRelu ? ", ReLU" : "")}";
}
