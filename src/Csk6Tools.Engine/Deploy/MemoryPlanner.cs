using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Deploy;

/// <summary>Where one tensor lives in the SHARE_MEM arena and for which ops (inclusive op indices).</summary>
public sealed record PlannedTensor(string Name, TensorKind Kind, long Bytes, int Begin, int End, long Offset)
{
    /// <summary>The tensor's id in the <see cref="DeployGraph"/>.</summary>
    public int Id { get; init; }

    public override string ToString() => $"{Name} {Bytes:N0} B at {Offset:N0}, ops {Begin}–{End}";
}

/// <summary>
/// The SHARE_MEM arena: the winning plan, the totals of the planners that ran (<see cref="Candidates"/>: a forced planner
/// alone; by default all, in order, up to the first that reaches the lower bound) and the lower bound no plan can beat.
/// </summary>
public sealed record MemoryPlan(string Planner, long Bytes, long LowerBound, IReadOnlyDictionary<string, long> Candidates,
    IReadOnlyList<PlannedTensor> Tensors, int PeakOp)
{
    /// <summary>How far the plan is above the bound (0 = optimal).</summary>
    public double Overhead => LowerBound == 0 ? 0 : (double)Bytes / LowerBound - 1;

    public override string ToString() => $"{Planner} {Bytes:N0} B (lower bound {LowerBound:N0} B)";
}

/// <summary>
/// Plans activations, the workspace and the DMA buffers of a <see cref="DeployGraph"/> in one arena. Runs
/// tpacker's three greedy block planners exactly as it does (GreedyBySize, GreedyByBreadth, GreedyByOrder; the
/// same ties) and an offset-based best-fit planner of our own, and keeps the smallest (ties: tpacker's first).
/// </summary>
public static class MemoryPlanner
{
    private sealed class Item(int index, DeployTensor tensor)
    {
        public int Index { get; } = index;
        public DeployTensor Tensor { get; } = tensor;
        public long Size => Tensor.Bytes;
        public int Begin { get; set; }
        public int End { get; set; }
        public int Root { get; set; } = index;
        public bool IsRoot => Root == Index;
        public bool Overlaps(Item o) => Begin <= o.End && o.Begin <= End;
    }

    /// <summary>The planners, by the name a plan reports.</summary>
    public static IReadOnlyList<string> Planners { get; } = ["GreedyBySize", "GreedyByBreadth", "GreedyByOrder", "OffsetBestFit"];

    /// <summary>The planner value that chooses as tpacker v2.1.1 does: the smallest of its three plans, the first on ties.</summary>
    public const string Tpacker = "Tpacker";

    /// <param name="g">The lowered graph.</param>
    /// <param name="planner">
    /// One of <see cref="Planners"/> to force it, or <see cref="Tpacker"/> for tpacker v2.1.1's choice (its package
    /// byte for byte); the smallest plan by default.
    /// </param>
    public static MemoryPlan Plan(DeployGraph g, string? planner = null)
    {
        var items = Lifetimes(g);
        int ops = Math.Max(1, g.Ops.Count);
        var live = Enumerable.Range(0, ops).Select(_ => new List<Item>()).ToList();
        foreach (var t in items.Where(i => i.IsRoot))
            for (int j = Math.Max(0, t.Begin); j <= Math.Min(ops - 1, t.End); j++) live[j].Add(t);
        long[] liveBytes = live.Select(l => l.Sum(t => t.Size)).ToArray();
        int peak = Array.IndexOf(liveBytes, liveBytes.DefaultIfEmpty().Max());

        long bound = liveBytes.DefaultIfEmpty().Max();
        var planners = new (string Name, Func<(string Name, long[] Offsets, long Total)> Run)[]
        {
            ("GreedyBySize", () => Blocks("GreedyBySize", items, BestFit(items.OrderByDescending(t => t.Size).ToList()))),
            ("GreedyByBreadth", () => Blocks("GreedyByBreadth", items, BestFit(BreadthOrder(live)))),
            ("GreedyByOrder", () => Blocks("GreedyByOrder", items, ByOrder(live))),
            ("OffsetBestFit", () => OffsetBestFit(items, ops)),
        };
        if (planner is not null && planner != Tpacker && !Planners.Contains(planner))
            throw new ArgumentException(
                $"Unknown planner '{planner}'; the planners are {string.Join(", ", [.. Planners, Tpacker])}.", nameof(planner));
        // A forced planner runs alone; Tpacker runs tpacker's three (size, breadth, order) and keeps the smallest.
        // Otherwise they run in order until one reaches the lower bound: no later one can beat it, and ties keep the
        // earlier (OrderBy is stable), so skipping them changes nothing.
        var chosen = planner == Tpacker ? planners.Take(3)
            : planners.Where(p => planner is null || p.Name == planner);
        var candidates = new List<(string Name, long[] Offsets, long Total)>();
        foreach (var p in chosen)
        {
            candidates.Add(p.Run());
            if (planner is null && candidates[^1].Total <= Csk6.Align16(bound)) break;
        }
        var best = candidates.OrderBy(c => c.Total).First();
        var tensors = items.Select(t => new PlannedTensor(t.Tensor.Name, t.Tensor.Kind, t.Size, t.Begin, t.End, best.Offsets[t.Index]) { Id = t.Tensor.Id }).ToList();
        return new MemoryPlan(best.Name, best.Total, bound,
            candidates.ToDictionary(c => c.Name, c => c.Total), tensors, Math.Max(peak, 0));
    }

    /// <summary>tpacker memory.py: inclusive [begin, end] op intervals; an in-place alias shares its root's union.</summary>
    private static List<Item> Lifetimes(DeployGraph g)
    {
        int last = g.Ops.Count - 1;
        var planned = g.Tensors.Where(t => t.Kind != TensorKind.Constant).ToList();
        var items = planned.Select((t, i) => new Item(i, t)).ToList();
        var byId = items.ToDictionary(i => i.Tensor.Id);
        var consumers = new Dictionary<int, List<int>>();
        foreach (var op in g.Ops)
            foreach (var input in op.Inputs)
                (consumers.TryGetValue(input, out var l) ? l : consumers[input] = []).Add(op.Index);
        var ws = g.Ops.Where(o => o.Workspace.HasValue).Select(o => o.Index).ToList();

        foreach (var it in items)
        {
            var t = it.Tensor;
            int lastUse = consumers.TryGetValue(t.Id, out var c) ? c.Max() : -1;
            (it.Begin, it.End) = t.Kind switch
            {
                TensorKind.Input => (0, Math.Max(0, lastUse)),
                TensorKind.Output => (t.Producer, last),
                TensorKind.Workspace => (ws.Min(), ws.Max()),
                TensorKind.DmaBuffer => (0, last),
                _ => (t.Producer, Math.Max(t.Producer, lastUse)),
            };
        }
        foreach (var it in items.Where(i => i.Tensor.AliasOf is not null))
        {
            var root = it;
            var chain = new List<Item> { it };
            while (root.Tensor.AliasOf is int a && byId.TryGetValue(a, out var next)) { root = next; chain.Add(root); }
            int begin = chain.Min(x => x.Begin), end = chain.Max(x => x.End);
            foreach (var x in chain) { x.Begin = begin; x.End = end; }
            it.Root = root.Index;
        }
        return items;
    }

    /// <summary>A block plan: block sizes and the block of each planned item.</summary>
    private sealed record BlockPlan(List<long> Sizes, Dictionary<int, int> BlockOf);

    /// <summary>Best fit over blocks that never grow: the block with least waste whose intervals avoid the tensor's; ties keep the lower block.</summary>
    private static BlockPlan BestFit(List<Item> order)
    {
        var plan = new BlockPlan([], []);
        var users = new List<BlockIntervals>();
        foreach (var t in order)
        {
            int chosen = -1;
            long waste = long.MaxValue;
            for (int k = 0; k < plan.Sizes.Count; k++)
            {
                long size = plan.Sizes[k];
                if (t.Size <= size && size - t.Size < waste && users[k].IsFree(t.Begin, t.End)) { waste = size - t.Size; chosen = k; }
            }
            if (chosen < 0) { chosen = plan.Sizes.Count; plan.Sizes.Add(t.Size); users.Add(new BlockIntervals()); }
            users[chosen].Add(t.Begin, t.End);
            plan.BlockOf[t.Index] = chosen;
        }
        return plan;
    }

    /// <summary>The intervals recorded in one block, sorted by begin, for a logarithmic overlap test.</summary>
    private sealed class BlockIntervals
    {
        private readonly List<(int Begin, int End)> _intervals = [];

        public bool IsFree(int begin, int end)
        {
            // Intervals of a block may overlap each other only through aliases (GreedyBySize), so scan back while ends can reach.
            int i = UpperBound(end);
            for (int k = i - 1; k >= 0; k--)
            {
                if (_intervals[k].End >= begin) return false;
                if (k < i - 1 && _maxEndBefore[k] < begin) break;
            }
            return true;
        }

        public void Add(int begin, int end)
        {
            int i = UpperBound(begin);
            _intervals.Insert(i, (begin, end));
            _maxEndBefore.Insert(i, 0);
            for (int k = i; k < _intervals.Count; k++)
                _maxEndBefore[k] = Math.Max(k > 0 ? _maxEndBefore[k - 1] : int.MinValue, _intervals[k].End);
        }

        // _maxEndBefore[k] = max End over intervals 0..k: lets IsFree stop as soon as nothing earlier can reach.
        private readonly List<int> _maxEndBefore = [];

        private int UpperBound(int begin)
        {
            int lo = 0, hi = _intervals.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) / 2;
                if (_intervals[mid].Begin <= begin) lo = mid + 1; else hi = mid;
            }
            return lo;
        }
    }

    /// <summary>Nodes by live bytes (desc, stable); each node's newly seen tensors largest first.</summary>
    private static List<Item> BreadthOrder(List<List<Item>> live)
    {
        var seen = new HashSet<Item>();
        var order = new List<Item>();
        foreach (var node in live.Select((l, j) => (l, j)).OrderByDescending(x => x.l.Sum(t => t.Size)).ThenBy(x => x.j))
            foreach (var t in node.l.Where(seen.Add).OrderByDescending(t => t.Size).ToList())
                order.Add(t);
        return order;
    }

    /// <summary>Walk the ops; released blocks go idle; newly live tensors take the smallest idle block that fits (ties: lower id).</summary>
    private static BlockPlan ByOrder(List<List<Item>> live)
    {
        var plan = new BlockPlan([], []);
        var idle = new SortedSet<(long Size, int Block)>();
        var previous = new HashSet<Item>();
        foreach (var current in live)
        {
            var now = current.ToHashSet();
            foreach (var t in previous)
                if (!now.Contains(t)) idle.Add((plan.Sizes[plan.BlockOf[t.Index]], plan.BlockOf[t.Index]));
            foreach (var t in current)
            {
                if (previous.Contains(t)) continue;
                using var fits = idle.GetViewBetween((t.Size, int.MinValue), (long.MaxValue, int.MaxValue)).GetEnumerator();
                if (fits.MoveNext())
                {
                    var slot = fits.Current;
                    plan.BlockOf[t.Index] = slot.Block;
                    idle.Remove(slot);
                }
                else
                {
                    plan.BlockOf[t.Index] = plan.Sizes.Count;
                    plan.Sizes.Add(t.Size);
                }
            }
            previous = now;
        }
        return plan;
    }

    /// <summary>Turns a block plan into offsets: a block starts after all blocks of lower id; aliases take their root's block.</summary>
    private static (string, long[], long) Blocks(string name, List<Item> items, BlockPlan plan)
    {
        var (sizes, assignment) = (plan.Sizes, plan.BlockOf);
        var starts = new long[sizes.Count];
        for (int k = 1; k < sizes.Count; k++) starts[k] = starts[k - 1] + sizes[k - 1];
        var offsets = items.Select(t => assignment.TryGetValue(t.Root, out var b) ? starts[b] : 0).ToArray();
        return (name, offsets, Csk6.Align16(sizes.Sum()));
    }

    /// <summary>Ours: largest first, each into the tightest gap among the tensors it overlaps in time, else on top.</summary>
    private static (string, long[], long) OffsetBestFit(List<Item> items, int ops)
    {
        var offsets = new long[items.Count];
        var placed = new LifetimeIndex(ops);
        var sequence = new int[items.Count];
        var neighbours = new List<Item>();
        long total = 0;
        int count = 0;
        foreach (var t in items.Where(i => i.IsRoot).OrderByDescending(i => i.Size).ThenBy(i => i.Begin).ThenBy(i => i.Index))
        {
            int begin = Math.Max(0, t.Begin), end = Math.Min(ops - 1, t.End);
            placed.Overlapping(begin, end, items, neighbours);
            // The order in which a walk over t's ops meets them (first op, then placement), as the sort below has always seen it.
            neighbours.Sort((a, b) => Math.Max(a.Begin, begin) != Math.Max(b.Begin, begin)
                ? Math.Max(a.Begin, begin).CompareTo(Math.Max(b.Begin, begin)) : sequence[a.Index].CompareTo(sequence[b.Index]));
            neighbours.Sort((a, b) => offsets[a.Index].CompareTo(offsets[b.Index]));

            long cursor = 0, best = -1, bestGap = long.MaxValue;
            foreach (var n in neighbours)
            {
                long gap = offsets[n.Index] - cursor;
                if (gap >= t.Size && gap < bestGap) { best = cursor; bestGap = gap; }
                cursor = Math.Max(cursor, offsets[n.Index] + n.Size);
            }
            long at = best >= 0 ? best : cursor;
            offsets[t.Index] = at;
            sequence[t.Index] = count++;
            if (begin <= end) placed.Add(begin, end, t.Index);
            total = Math.Max(total, at + t.Size);
        }
        foreach (var t in items) offsets[t.Index] = offsets[t.Root];
        return ("OffsetBestFit", offsets, Csk6.Align16(total));
    }

    /// <summary>
    /// A segment tree over op indices: each placed tensor sits in the O(log ops) nodes that tile its lifetime, so the
    /// tensors overlapping an interval are found without walking every op of it (a layer split into a thousand pieces
    /// keeps a thousand outputs live over a thousand ops).
    /// </summary>
    private sealed class LifetimeIndex(int ops)
    {
        private readonly List<int>?[] _nodes = new List<int>?[4 * Math.Max(1, ops)];
        private readonly int[] _below = new int[4 * Math.Max(1, ops)];
        private readonly HashSet<int> _seen = [];

        public void Add(int begin, int end, int item) => Add(1, 0, ops - 1, begin, end, item);

        private void Add(int node, int lo, int hi, int begin, int end, int item)
        {
            _below[node]++;
            if (begin <= lo && hi <= end) { (_nodes[node] ??= []).Add(item); return; }
            int mid = (lo + hi) / 2;
            if (begin <= mid) Add(2 * node, lo, mid, begin, end, item);
            if (end > mid) Add(2 * node + 1, mid + 1, hi, begin, end, item);
        }

        /// <summary>Every tensor live at some op of [begin, end], once each.</summary>
        public void Overlapping(int begin, int end, List<Item> items, List<Item> into)
        {
            into.Clear();
            _seen.Clear();
            if (begin <= end) Collect(1, 0, ops - 1, begin, end, items, into);
        }

        private void Collect(int node, int lo, int hi, int begin, int end, List<Item> items, List<Item> into)
        {
            if (_below[node] == 0) return;
            if (_nodes[node] is { } here)
                foreach (int i in here)
                    if (_seen.Add(i)) into.Add(items[i]);
            if (lo == hi) return;
            int mid = (lo + hi) / 2;
            if (begin <= mid) Collect(2 * node, lo, mid, begin, end, items, into);
            if (end > mid) Collect(2 * node + 1, mid + 1, hi, begin, end, items, into);
        }
    }
}
