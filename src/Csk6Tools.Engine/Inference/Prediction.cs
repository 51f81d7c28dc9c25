using System.Runtime.InteropServices;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Inference;

/// <summary>One class of a prediction: index, label, softmax probability,
/// raw int8 logit (null for a float output) and its real value.</summary>
public sealed record ClassScore(int Index, string Label, double Probability, int? Logit, double Value)
{
    public override string ToString() => $"{Label} {Probability:P1}";
}

/// <summary>
/// What a classifier package output means: argmax (first maximum wins, as test_thinker), top-k, and the raw output:
/// int8 logits at <see cref="Exponent"/> (value = logit / 2^Q),
/// or float32 values from a package that keeps its Dequant.
/// </summary>
public sealed record Prediction(string? Input, int Index, string Label, double Probability, int? Logit,
    IReadOnlyList<ClassScore> Top,
    sbyte[]? Logits, double[] Values, int? Exponent)
{
    /// <summary>The true class when the input came from a labelled data set.</summary>
    public int? Expected { get; init; }
    public bool? Correct => Expected is int e ? e == Index : null;

    public override string ToString() => $"{Label} ({Index}, {Probability:P1})";

    /// <summary>Reads an output tensor's bytes (int8 or float32); labels default to the class index.</summary>
    public static Prediction From(string? input, ReadOnlySpan<byte> output, PackageTensor tensor,
        IReadOnlyList<string>? labels, int top)
    {
        sbyte[]? logits = null;
        double[] values;
        int? exponent = null;
        if (tensor.DType == ThinkerDType.Float32)
            values = MemoryMarshal.Cast<byte, float>(output).ToArray().Select(v => (double)v).ToArray();
        else if (tensor.DType == ThinkerDType.Int8)
        {
            logits = MemoryMarshal.Cast<byte, sbyte>(output).ToArray();
            exponent = tensor.Exponent ?? 0;
            double scale = Math.ScaleB(1.0, -exponent.Value);
            values = logits.Select(q => q * scale).ToArray();
        }
        else throw new ArgumentException($"A classifier output is int8 or float32, not {tensor.DType}.",
            nameof(tensor));
        if (values.Length == 0) throw new ArgumentException("The output is empty.", nameof(output));

        double max = values.Max();
        var weights = values.Select(v => Math.Exp(v - max)).ToArray();
        double total = weights.Sum();
        string Label(int i) => labels is not null && i < labels.Count
            ? labels[i]
            : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var ranked = Enumerable.Range(0, values.Length)
            .OrderByDescending(i => values[i]).ThenBy(i => i)
            .Take(Math.Max(1, top))
            .Select(i => new ClassScore(i, Label(i), weights[i] / total, logits?[i], values[i]))
            .ToArray();
        var best = ranked[0];
        return new Prediction(input, best.Index, best.Label, best.Probability, best.Logit, ranked,
            logits, values, exponent);
    }
}
