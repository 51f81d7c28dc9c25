using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Transforms;

namespace Csk6Tools.Engine.Search;

/// <summary>One point of the search space: a depth (null for a given model), a width and a conversion.</summary>
public sealed record CandidateSpec(int? Depth, double Width, ShortcutStyle? Shortcut, bool StemConverted)
{
    /// <summary>dense, depthwise, depthwise + dense 3×3 shortcut, … (+ stem).</summary>
    public string Variant => Shortcut switch
    {
        null => "dense",
        ShortcutStyle.DepthwiseSeparable => "depthwise",
        ShortcutStyle.Dense3x3 => "depthwise, dense 3x3 shortcut",
        _ => "depthwise, 1x1 shortcut kept",
    } + (StemConverted ? ", stem too" : "");

    /// <summary>The suffix of the candidate's model name: -dw, -dw-dense3x3, -dw-keep, then -stem.</summary>
    internal string Suffix => Shortcut switch
    {
        null => "",
        ShortcutStyle.DepthwiseSeparable => "-dw",
        ShortcutStyle.Dense3x3 => "-dw-dense3x3",
        _ => "-dw-keep",
    } + (StemConverted ? "-stem" : "");
}

/// <summary>Accuracy of a short-trained candidate on the data set's test split, in the three arithmetics.</summary>
public sealed record CandidateAccuracy(double Float, double FakeQuant, double Engine, int Samples);

/// <summary>
/// A network the search budgeted: its model (ready for the training cmdlets), the budget Get-ModelBudget gives it,
/// its rank on the Pareto front of parameters (more is better: capacity) and MACs (fewer is better: time), and,
/// after short training, its accuracies and the trained model.
/// </summary>
public sealed record NetworkCandidate
{
    public required CandidateSpec Spec { get; init; }
    public required ModelGraph Model { get; init; }
    public required ModelBudget Budget { get; init; }

    /// <summary>The search's own limits the candidate exceeds (-MaxMacs, -MaxParameters).</summary>
    public IReadOnlyList<string> LimitsExceeded { get; init; } = [];

    /// <summary>1: on the front (no other candidate of its group has at least as many parameters for at most as many
    /// MACs, and is better in one); 2: on the front once rank 1 is removed; …</summary>
    public int Rank { get; init; }

    public CandidateAccuracy? Accuracy { get; init; }

    /// <summary>The quantized model the short training made (null until trained).</summary>
    public Csk6Model? Trained { get; init; }

    public string Name => Model.Name;
    public int? Depth => Spec.Depth;
    public double Width => Spec.Width;
    public string Variant => Spec.Variant;
    public long Parameters => Budget.Parameters;
    public long Macs => Budget.Macs;
    public long PsramBytes => Budget.PsramBytes;
    public long ShareMemBytes => Budget.ShareMemBytes;
    public bool Fits => Budget.Fits && LimitsExceeded.Count == 0;
    public bool OnFront => Rank == 1;
    public IReadOnlyList<BudgetViolation> Violations => Budget.Violations;

    /// <summary>What keeps it off the chip: the rules it breaks and the limits it exceeds, or empty.</summary>
    public string Breaks =>
        string.Join(", ",
            Violations.Select(v => v.Rule.ToString()).Distinct().Concat(LimitsExceeded.Select(l => l.Split(' ')[0])));

    public override string ToString() => $"{Name}: {Parameters:N0} parameters, {Macs / 1e6:F1} M MACs, " +
                                         (Fits ? $"fits (rank {Rank})" : $"does not fit ({Breaks})");
}

/// <summary>Where a search is: candidates budgeted so far.</summary>
public sealed record SearchProgress(int Done, int Total, string Last);
