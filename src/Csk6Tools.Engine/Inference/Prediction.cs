namespace Csk6Tools.Engine.Inference;

/// <summary>One class of a prediction: index, label, softmax probability of the dequantized logits, raw int8 logit.</summary>
public sealed record ClassScore(int Index, string Label, double Probability, int Logit);

/// <summary>What a classifier package output means: argmax (first maximum wins, as test_thinker), top-k, raw logits.</summary>
public sealed record Prediction(string? Input, int Index, string Label, double Probability, int Logit, IReadOnlyList<ClassScore> Top, sbyte[] Logits, int Exponent)
{
    /// <summary>The true class when the input came from a labelled data set.</summary>
    public int? Expected { get; init; }
    public bool? Correct => Expected is int e ? e == Index : null;

    /// <summary>Builds a prediction from int8 logits at exponent <paramref name="exponent"/>; labels default to the class index.</summary>
    public static Prediction From(string? input, ReadOnlySpan<byte> output, int exponent, IReadOnlyList<string>? labels, int top)
    {
        var logits = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(output).ToArray();
        if (logits.Length == 0) throw new ArgumentException("The output is empty.", nameof(output));
        double scale = Math.ScaleB(1.0, -exponent);
        double max = logits.Max() * scale;
        var weights = logits.Select(q => Math.Exp(q * scale - max)).ToArray();
        double total = weights.Sum();
        string Label(int i) => labels is not null && i < labels.Count ? labels[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var ranked = Enumerable.Range(0, logits.Length)
            .OrderByDescending(i => logits[i]).ThenBy(i => i)
            .Take(Math.Max(1, top))
            .Select(i => new ClassScore(i, Label(i), weights[i] / total, logits[i]))
            .ToArray();
        var best = ranked[0];
        return new Prediction(input, best.Index, best.Label, best.Probability, best.Logit, ranked, logits, exponent);
    }
}
