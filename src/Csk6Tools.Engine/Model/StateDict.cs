using Csk6Tools.Engine.Graph;

namespace Csk6Tools.Engine.Model;

/// <summary>One tensor of a graph's state_dict: its name, shape,
/// and whether it is a buffer (BN running statistics).</summary>
public sealed record StateDictEntry(string Name, int[] Shape, bool Buffer);

/// <summary>
/// A state_dict that does not fit the graph (<see cref="ErrorIds.StateDictMismatch"/>; <see cref="Problems"/> names
/// every missing, extra and mis-shaped tensor) or is no state_dict (<see cref="ErrorIds.StateDictUnreadable"/>).
/// </summary>
public sealed class StateDictException(string errorId, string message, string path,
    IReadOnlyList<string> problems, Exception? inner = null)
    : Csk6Exception(errorId, message, inner)
{
    public string Path { get; } = path;
    public IReadOnlyList<string> Problems { get; } = problems;
    public override object? Target => Path;
}

/// <summary>
/// The names and shapes of a graph's weights as PyTorch's state_dict holds them (and as Save-Csk6Model and the
/// TorchSharp network use them): <c>&lt;layer&gt;.weight</c>, <c>.bias</c> for Conv2d and Linear; weight, bias,
/// running_mean, running_var for BatchNorm2d. PyTorch adds <c>num_batches_tracked</c> to each BatchNorm2d, and
/// DistributedDataParallel prefixes every name with <c>module.</c>; <see cref="Match"/> accepts both.
/// </summary>
public static class StateDict
{
    public const string DdpPrefix = "module.";
    public const string BatchesTracked = "num_batches_tracked";

    public static IEnumerable<StateDictEntry> Entries(ModelGraph graph)
    {
        foreach (var node in graph.Nodes)
        {
            switch (node)
            {
                case Conv2dNode c:
                    yield return new($"{c.Name}.weight",
                        [c.OutChannels, c.InChannels / c.Groups, c.Kernel[0], c.Kernel[1]], false);
                    if (c.Bias) yield return new($"{c.Name}.bias", [c.OutChannels], false);
                    break;
                case LinearNode l:
                    yield return new($"{l.Name}.weight", [l.OutFeatures, l.InFeatures], false);
                    if (l.Bias) yield return new($"{l.Name}.bias", [l.OutFeatures], false);
                    break;
                case BatchNorm2dNode bn:
                    yield return new($"{bn.Name}.weight", [bn.NumFeatures], false);
                    yield return new($"{bn.Name}.bias", [bn.NumFeatures], false);
                    yield return new($"{bn.Name}.running_mean", [bn.NumFeatures], true);
                    yield return new($"{bn.Name}.running_var", [bn.NumFeatures], true);
                    break;
            }
        }
    }

    /// <summary>
    /// The graph's tensors picked from a state_dict read from <paramref name="source"/>: DDP's <c>module.</c> prefix is
    /// dropped when every name has it, BatchNorm's <c>num_batches_tracked</c> is ignored; anything missing, extra or
    /// mis-shaped fails in one <see cref="StateDictException"/> that lists it all.
    /// </summary>
    public static Dictionary<string, WeightTensor> Match(ModelGraph graph,
        IReadOnlyDictionary<string, WeightTensor> tensors, string source)
    {
        bool ddp = tensors.Count > 0 && tensors.Keys.All(k => k.StartsWith(DdpPrefix, StringComparison.Ordinal));
        var named = tensors.ToDictionary(t => ddp ? t.Key[DdpPrefix.Length..] : t.Key, t => t.Value);
        var entries = Entries(graph).ToList();
        var batchNorms = graph.Nodes.OfType<BatchNorm2dNode>().Select(bn => $"{bn.Name}.{BatchesTracked}").ToHashSet();
        var missing = entries.Where(e => !named.ContainsKey(e.Name)).Select(e => $"{e.Name} {Shape(e.Shape)}").ToList();
        var wrong = entries.Where(e => named.TryGetValue(e.Name, out var t) && !t.Shape.SequenceEqual(e.Shape))
            .Select(e => $"{e.Name} is {Shape(named[e.Name].Shape)}, the graph needs {Shape(e.Shape)}").ToList();
        var known = entries.Select(e => e.Name).ToHashSet();
        var extra = named.Keys.Where(k => !known.Contains(k) && !batchNorms.Contains(k)).Order(StringComparer.Ordinal)
            .Select(k => $"{k} {Shape(named[k].Shape)}").ToList();
        if (missing.Count + wrong.Count + extra.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing {missing.Count}: {string.Join(", ", missing)}");
            if (extra.Count > 0) parts.Add($"not in the graph {extra.Count}: {string.Join(", ", extra)}");
            if (wrong.Count > 0) parts.Add($"mis-shaped {wrong.Count}: {string.Join("; ", wrong)}");
            throw new StateDictException(ErrorIds.StateDictMismatch,
                $"The state_dict in '{source}' does not fit graph '{graph.Name}' ({entries.Count} tensors expected, " +
                $"{named.Count} found): " +
                $"{string.Join("; ", parts)}. Export the graph again with Export-Csk6PyTorch and train that " +
                $"model.py, or pass the graph the weights were trained for.",
                source, [.. missing, .. extra, .. wrong]);
        }
        return entries.ToDictionary(e => e.Name, e => named[e.Name]);
    }

    private static string Shape(int[] shape) => $"[{string.Join("×", shape)}]";
}
