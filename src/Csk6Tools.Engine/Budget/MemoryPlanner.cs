using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Budget;

/// <summary>Where one tensor lives in the SHARE_MEM arena and for which ops (inclusive op indices).</summary>
public sealed record PlannedTensor(string Name, TensorKind Kind, long Bytes, int Begin, int End, long Offset);

/// <summary>The SHARE_MEM arena: the winning plan, the other planners' totals and the lower bound no plan can beat.</summary>
public sealed record MemoryPlan(string Planner, long Bytes, long LowerBound, IReadOnlyDictionary<string, long> Candidates,
    IReadOnlyList<PlannedTensor> Tensors, int PeakOp)
{
    /// <summary>How far the plan is above the bound (0 = optimal).</summary>
    public double Overhead => LowerBound == 0 ? 0 : (double)Bytes / LowerBound - 1;
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

    public static MemoryPlan Plan(DeployGraph g)
    {
        var items = Lifetimes(g);
        int ops = Math.Max(1, g.Ops.Count);
        var roots = items.Where(i => i.IsRoot).ToList();
        var live = Enumerable.Range(0, ops).Select(j => roots.Where(t => t.Begin <= j && j <= t.End).ToList()).ToList();
        long[] liveBytes = live.Select(l => l.Sum(t => t.Size)).ToArray();
        int peak = Array.IndexOf(liveBytes, liveBytes.DefaultIfEmpty().Max());

        var candidates = new (string Name, long[] Offsets, long Total)[]
        {
            Blocks("GreedyBySize", items, BestFit(items.OrderByDescending(t => t.Size).ToList())),
            Blocks("GreedyByBreadth", items, BestFit(BreadthOrder(live))),
            Blocks("GreedyByOrder", items, ByOrder(live)),
            OffsetBestFit(items),
        };
        var best = candidates.OrderBy(c => c.Total).First();
        var tensors = items.Select(t => new PlannedTensor(t.Tensor.Name, t.Tensor.Kind, t.Size, t.Begin, t.End, best.Offsets[t.Index])).ToList();
        return new MemoryPlan(best.Name, best.Total, liveBytes.DefaultIfEmpty().Max(),
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
        var users = new List<List<Item>>();
        foreach (var t in order)
        {
            int chosen = -1;
            long waste = long.MaxValue;
            for (int k = 0; k < plan.Sizes.Count; k++)
            {
                long size = plan.Sizes[k];
                if (t.Size <= size && size - t.Size < waste && !users[k].Any(t.Overlaps)) { waste = size - t.Size; chosen = k; }
            }
            if (chosen < 0) { chosen = plan.Sizes.Count; plan.Sizes.Add(t.Size); users.Add([]); }
            users[chosen].Add(t);
            plan.BlockOf[t.Index] = chosen;
        }
        return plan;
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

    /// <summary>Walk the ops; released blocks go idle; newly live tensors take the smallest idle block that fits.</summary>
    private static BlockPlan ByOrder(List<List<Item>> live)
    {
        var plan = new BlockPlan([], []);
        var (sizes, assignment) = (plan.Sizes, plan.BlockOf);
        var idle = new List<(long Size, int Block)>();
        var previous = new List<Item>();
        foreach (var current in live)
        {
            var now = current.ToHashSet();
            foreach (var t in previous.Where(t => !now.Contains(t))) idle.Add((sizes[assignment[t.Index]], assignment[t.Index]));
            idle.Sort();
            var before = previous.ToHashSet();
            foreach (var t in current.Where(t => !before.Contains(t)))
            {
                int slot = idle.FindIndex(b => b.Size >= t.Size);
                if (slot >= 0) { assignment[t.Index] = idle[slot].Block; idle.RemoveAt(slot); }
                else { assignment[t.Index] = sizes.Count; sizes.Add(t.Size); }
            }
            previous = current;
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
    private static (string, long[], long) OffsetBestFit(List<Item> items)
    {
        var placed = new List<(Item Item, long Offset)>();
        var offsets = new long[items.Count];
        foreach (var t in items.Where(i => i.IsRoot).OrderByDescending(i => i.Size).ThenBy(i => i.Begin).ThenBy(i => i.Index))
        {
            long cursor = 0, best = -1, bestGap = long.MaxValue;
            foreach (var (item, offset) in placed.Where(p => p.Item.Overlaps(t)).OrderBy(p => p.Offset))
            {
                long gap = offset - cursor;
                if (gap >= t.Size && gap < bestGap) { best = cursor; bestGap = gap; }
                cursor = Math.Max(cursor, offset + item.Size);
            }
            long at = best >= 0 ? best : cursor;
            placed.Add((t, at));
            offsets[t.Index] = at;
        }
        foreach (var t in items) offsets[t.Index] = offsets[t.Root];
        long total = placed.Select(p => p.Offset + p.Item.Size).DefaultIfEmpty().Max();
        return ("OffsetBestFit", offsets, Csk6.Align16(total));
    }
}
