using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Transforms;
using Csk6Tools.Engine.Zoo;

namespace Csk6Tools.Engine.Search;

/// <summary>
/// The tutorial's search, automated: every depth × width × conversion of the ResNet family (or every width ×
/// conversion of a given graph), each budgeted by <see cref="BudgetCalculator"/> exactly as Get-ModelBudget does,
/// ranked on the Pareto front of parameters (more) and MACs (fewer). Pure graph analysis: no weights, no libtorch.
/// </summary>
public static class NetworkSearch
{
    /// <summary>
    /// The candidates that fit (all of them with <see cref="NetworkSearchOptions.KeepAll"/>, those that fit first),
    /// ordered by Pareto rank, then parameters (most first), then MACs (fewest first), then the order of enumeration.
    /// </summary>
    public static IReadOnlyList<NetworkCandidate> Run(NetworkSearchOptions o,
        IProgress<SearchProgress>? progress = null, CancellationToken cancel = default)
    {
        var specs = Specs(o);
        var budgetOptions = new BudgetOptions { Limits = o.Limits, RescaledAddInputs = o.RescaledAddInputs };
        var found = new NetworkCandidate?[specs.Count];
        int done = 0;
        var parallel = new ParallelOptions
        {
            CancellationToken = cancel,
            MaxDegreeOfParallelism = o.Threads > 0 ? o.Threads : Environment.ProcessorCount,
        };
        Parallel.For(0, specs.Count, parallel, i =>
        {
            var model = Build(o, specs[i]);
            if (model is not null) found[i] = Measure(o, specs[i], model, budgetOptions);
            progress?.Report(new SearchProgress(Interlocked.Increment(ref done), specs.Count, model?.Name ?? ""));
        });

        // Conversions that change nothing (a graph without a convolution to convert) repeat an earlier candidate.
        var unique = found.OfType<NetworkCandidate>()
            .DistinctBy(c => (c.Width, c.Depth, c.Parameters, c.Macs, c.Model.Nodes.Count)).ToList();
        var fitting = Ranked(unique.Where(c => c.Fits).ToList());
        return o.KeepAll ? [.. fitting, .. Ranked(unique.Where(c => !c.Fits).ToList())] : fitting;
    }

    /// <summary>The search space in enumeration order; throws
    /// <see cref="SearchException"/> for an empty or invalid range.</summary>
    public static IReadOnlyList<CandidateSpec> Specs(NetworkSearchOptions o)
    {
        Validate(o);
        var conversions = new List<(ShortcutStyle?, bool)> { (null, false) };
        conversions.AddRange(o.Shortcuts.Distinct().Select(s => ((ShortcutStyle?)s, false)));
        if (o.IncludeStem) conversions.AddRange(o.Shortcuts.Distinct().Select(s => ((ShortcutStyle?)s, true)));
        var depths = o.Model is null ? o.Depths.Distinct().Select(d => (int?)d) : [null];
        return [.. from d in depths
                   from w in o.Widths.Distinct()
                   from c in conversions
                   select new CandidateSpec(d, w, c.Item1, c.Item2)];
    }

    private static void Validate(NetworkSearchOptions o)
    {
        if (o.Model is null && o.Depths.Count == 0)
            Fail(ErrorIds.SearchEmptyRange, "No depth to search: give at least one of " +
                string.Join(", ", ResNet.Depths) + ".");
        if (o.Widths.Count == 0)
            Fail(ErrorIds.SearchEmptyRange,
                "No width to search: give at least one channel multiplier (1 is the network as it is, " +
                "0.5 halves every layer).");
        if (o.Shortcuts.Count == 0)
            Fail(ErrorIds.SearchEmptyRange, "No shortcut style to search: give DepthwiseSeparable, Dense3x3 or Keep.");
        if (o.Model is null)
            foreach (int d in o.Depths.Where(d => !ResNet.Depths.Contains(d)))
                Fail(ErrorIds.SearchInvalidDepth,
                    $"ResNet depth {d} does not exist in the pytorch-cifar100 family; use " +
                    $"{string.Join(", ", ResNet.Depths)}.");
        foreach (double w in o.Widths.Where(w => !(w > 0) || double.IsInfinity(w)))
            Fail(ErrorIds.SearchInvalidWidth,
                $"Width {w} is not a positive channel multiplier (1 is the network as it is, 0.5 halves every layer).");
        if (o.Limits.PsramBytes <= 0 || o.Limits.ShareMemBytes <= 0)
            Fail(ErrorIds.SearchInvalidCapacity,
                $"Capacities must be positive: PSRAM {o.Limits.PsramBytes:N0} B, SHARE_MEM " +
                $"{o.Limits.ShareMemBytes:N0} B.");
        if (o.MaxMacs < 0 || o.MaxParameters < 0)
            Fail(ErrorIds.SearchInvalidLimit,
                $"MaxMacs ({o.MaxMacs:N0}) and MaxParameters ({o.MaxParameters:N0}) must be positive (0: no limit).");
        if (o.RescaledAddInputs is < 0 or > 2)
            Fail(ErrorIds.SearchInvalidLimit, $"RescaledAddInputs must be 0, 1 or 2, got {o.RescaledAddInputs}.");
        if (o.Model is null)
        {
            var s = o.InputShape;
            if (s.Rank != 3 || s[1] != s[2] || s[0] < 1 || s[1] < 8)
                Fail(ErrorIds.SearchInvalidInput,
                    $"The ResNets take a square C×H×W input of at least 8×8 (three stride-2 stages), got {s}.");
            if (o.Classes < 1) Fail(ErrorIds.SearchInvalidInput, $"Classes must be at least 1, got {o.Classes}.");
        }
        else Check(o.Model, o.Widths);
    }

    /// <summary>A model the search cannot vary fails before anything is budgeted, with the layer at fault.</summary>
    private static void Check(ModelGraph model, IReadOnlyList<double> widths)
    {
        try
        {
            foreach (double w in widths.Where(w => w != 1.0).Take(1)) WidthScaling.Scale(model, w);
            DepthwiseConverter.Convert(model);
        }
        catch (GraphException e)
        {
            Fail(ErrorIds.SearchModelNotConvertible, $"Model '{model.Name}' cannot be searched: {e.Message}");
        }
    }

    /// <summary>The candidate's graph, named for what it is; null when the conversion changes nothing.</summary>
    private static ModelGraph? Build(NetworkSearchOptions o, CandidateSpec spec)
    {
        var graph = o.Model is { } m
            ? WidthScaling.Scale(m, spec.Width)
            : ResNet.Create(new ResNetOptions
            {
                Depth = spec.Depth!.Value, Width = spec.Width, Classes = o.Classes, InputChannels = o.InputShape[0],
                InputSize = o.InputShape[1],
            });
        if (spec.Shortcut is not { } shortcut) return graph;
        var conversion = DepthwiseConverter.Convert(graph,
            new DepthwiseOptions { Shortcut = shortcut, IncludeStem = spec.StemConverted });
        if (conversion.ConvertedLayers.Count == 0) return null;
        string name = graph.Name.EndsWith("-dw", StringComparison.Ordinal) ? graph.Name[..^3] : graph.Name;
        return conversion.Model.Renamed(name + spec.Suffix);
    }

    private static NetworkCandidate Measure(NetworkSearchOptions o, CandidateSpec spec,
        ModelGraph model, BudgetOptions options)
    {
        var budget = BudgetCalculator.Measure(model, options);
        var exceeded = new List<string>();
        if (o.MaxMacs > 0 && budget.Macs > o.MaxMacs) exceeded.Add($"MaxMacs {budget.Macs:N0} > {o.MaxMacs:N0}");
        if (o.MaxParameters > 0 && budget.Parameters > o.MaxParameters)
            exceeded.Add($"MaxParameters {budget.Parameters:N0} > {o.MaxParameters:N0}");
        return new NetworkCandidate { Spec = spec, Model = model, Budget = budget, LimitsExceeded = exceeded };
    }

    /// <summary>
    /// Pareto ranks (maximise parameters, minimise MACs): a candidate's rank is one more than the highest rank of those
    /// that dominate it. Sorted by parameters (desc) and MACs (asc),
    /// every dominator comes before the candidate it dominates.
    /// </summary>
    internal static List<NetworkCandidate> Ranked(List<NetworkCandidate> group)
    {
        var order = group.Select((c, i) => (c, i))
            .OrderByDescending(x => x.c.Parameters)
            .ThenBy(x => x.c.Macs)
            .ThenBy(x => x.i)
            .Select(x => x.c)
            .ToList();
        var ranks = new int[order.Count];
        for (int i = 0; i < order.Count; i++)
        {
            ranks[i] = 1;
            for (int j = 0; j < i; j++)
                if (Dominates(order[j], order[i])) ranks[i] = Math.Max(ranks[i], ranks[j] + 1);
        }
        return [.. order.Select((c, i) => c with { Rank = ranks[i] })
            .Select((c, i) => (c, i))
            .OrderBy(x => x.c.Rank)
            .ThenBy(x => x.i)
            .Select(x => x.c)];
    }

    private static bool Dominates(NetworkCandidate a, NetworkCandidate b)
        => a.Parameters >= b.Parameters && a.Macs <= b.Macs && (a.Parameters > b.Parameters || a.Macs < b.Macs);

    private static void Fail(string id, string message) => throw new SearchException(id, message);
}
