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
/// The SHARE_MEM arena: the winning plan, the totals of the planners that ran (<see cref="Candidates"/>: a forced
/// planner alone; by default all, in order, up to the first that
/// reaches the lower bound) and the lower bound no plan can beat.
/// </summary>
public sealed record MemoryPlan(string Planner, long Bytes, long LowerBound,
    IReadOnlyDictionary<string, long> Candidates,
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
    /// <summary>The planners, by the name a plan reports.</summary>
    public static IReadOnlyList<string> Planners { get; } = ["GreedyBySize", "GreedyByBreadth",
        "GreedyByOrder", "OffsetBestFit"];

    /// <summary>The planner value that chooses as tpacker v2.1.1 does:
    /// the smallest of its three plans, the first on ties.</summary>
    public const string Tpacker = "Tpacker";

    /// <param name="g">The lowered graph.</param>
    /// <param name="planner">
    /// One of <see cref="Planners"/> to force it, or <see cref="Tpacker"/> for tpacker v2.1.1's choice (its package
    /// byte for byte); the smallest plan by default.
    /// </param>
    public static MemoryPlan Plan(DeployGraph g, string? planner = null)
    {
        if (planner is not null && planner != Tpacker && !Planners.Contains(planner))
            throw new ArgumentException(
                $"Unknown planner '{planner}'; the planners are {string.Join(", ", [.. Planners, Tpacker])}.",
                nameof(planner));
        var a = new Arena(g);
        // A forced planner runs alone; Tpacker runs tpacker's three (size, breadth, order) and keeps the smallest.
        // Otherwise they run in order until one reaches the lower bound: no later one can beat it, and ties keep the
        // earlier, so skipping them changes nothing.
        var candidates = new List<(string Name, long[] Offsets, long Total)>();
        for (int p = 0; p < Planners.Count; p++)
        {
            string name = Planners[p];
            if (planner == Tpacker ? p >= 3 : planner is not null && planner != name) continue;
            candidates.Add(name switch
            {
                "GreedyBySize" => Blocks(name, a, BestFit(a, BySize(a))),
                "GreedyByBreadth" => Blocks(name, a, BestFit(a, BreadthOrder(a))),
                "GreedyByOrder" => Blocks(name, a, ByOrder(a)),
                _ => OffsetBestFit(a),
            });
            if (planner is null && candidates[^1].Total <= Csk6.Align16(a.Bound)) break;
        }
        var best = candidates[0];
        foreach (var c in candidates) if (c.Total < best.Total) best = c;
        var tensors = new PlannedTensor[a.Count];
        for (int i = 0; i < a.Count; i++)
        {
            var t = a.Tensors[i];
            tensors[i] = new PlannedTensor(t.Name, t.Kind, t.Bytes, a.Begin[i], a.End[i],
                best.Offsets[i]) { Id = t.Id };
        }
        var totals = new Dictionary<string, long>(candidates.Count);
        foreach (var c in candidates) totals[c.Name] = c.Total;
        return new MemoryPlan(best.Name, best.Total, a.Bound, totals, tensors, a.PeakOp);
    }

    /// <summary>
    /// The planned tensors (every one but the constants, in id order) with their lifetimes as tpacker's memory.py
    /// computes them (inclusive [begin, end] op intervals; an in-place alias shares its root's union), and the
    /// roots live at each op.
    /// </summary>
    private sealed class Arena
    {
        public Arena(DeployGraph g)
        {
            int last = g.Ops.Count - 1;
            Tensors = g.Tensors.Where(t => t.Kind != TensorKind.Constant).ToArray();
            int n = Tensors.Length;
            (Size, Begin, End, Root) = (new long[n], new int[n], new int[n], new int[n]);
            int ids = 0;
            foreach (var t in g.Tensors) ids = Math.Max(ids, t.Id + 1);
            foreach (var op in g.Ops) foreach (int input in op.Inputs) ids = Math.Max(ids, input + 1);
            var lastUse = new int[ids];
            var itemOf = new int[ids];
            Array.Fill(lastUse, -1);
            Array.Fill(itemOf, -1);
            foreach (var op in g.Ops)
                foreach (int input in op.Inputs) lastUse[input] = Math.Max(lastUse[input], op.Index);
            int wsFirst = int.MaxValue, wsLast = int.MinValue;
            foreach (var op in g.Ops)
                if (op.Workspace.HasValue)
                    (wsFirst, wsLast) = (Math.Min(wsFirst, op.Index), Math.Max(wsLast, op.Index));

            bool aliases = false;
            for (int i = 0; i < n; i++)
            {
                var t = Tensors[i];
                itemOf[t.Id] = i;
                Size[i] = t.Bytes;
                Root[i] = i;
                aliases |= t.AliasOf is not null;
                int used = lastUse[t.Id];
                (Begin[i], End[i]) = t.Kind switch
                {
                    TensorKind.Input => (0, Math.Max(0, used)),
                    TensorKind.Output => (t.Producer, last),
                    TensorKind.Workspace => wsFirst <= wsLast ? (wsFirst, wsLast)
                        : throw new InvalidOperationException("The graph has a workspace tensor but no op " +
                            "that asks for workspace."),
                    TensorKind.DmaBuffer => (0, last),
                    _ => (t.Producer, Math.Max(t.Producer, used)),
                };
            }
            if (aliases) JoinAliases(itemOf);

            Ops = Math.Max(1, g.Ops.Count);
            var roots = new List<int>(n);
            for (int i = 0; i < n; i++)
                if (Root[i] == i && First(i) <= Last(i)) roots.Add(i);
            Roots = [.. roots];
            // How the live bytes change at each op; a running sum gives them.
            LiveBytes = new long[Ops];
            var change = new long[Ops + 1];
            foreach (int i in Roots)
            {
                change[First(i)] += Size[i];
                change[Last(i) + 1] -= Size[i];
            }
            long bytes = 0;
            for (int j = 0; j < Ops; j++)
            {
                LiveBytes[j] = bytes += change[j];
                if (LiveBytes[j] > Bound) (Bound, PeakOp) = (LiveBytes[j], j);
            }
        }

        /// <summary>Each alias chain takes the union of its members' lifetimes and its root's buffer.</summary>
        private void JoinAliases(int[] itemOf)
        {
            int? Next(int i) => Tensors[i].AliasOf is int a && a >= 0 && a < itemOf.Length && itemOf[a] >= 0
                ? itemOf[a]
                : null;
            var chain = new List<int>();
            for (int i = 0; i < Tensors.Length; i++)
            {
                if (Tensors[i].AliasOf is null) continue;
                chain.Clear();
                chain.Add(i);
                int root = i;
                while (Next(root) is int r) { root = r; chain.Add(root); }
                int begin = int.MaxValue, end = int.MinValue;
                foreach (int x in chain) (begin, end) = (Math.Min(begin, Begin[x]), Math.Max(end, End[x]));
                foreach (int x in chain) (Begin[x], End[x]) = (begin, end);
                Root[i] = root;
            }
        }

        public DeployTensor[] Tensors { get; }
        public int Count => Tensors.Length;
        public long[] Size { get; }
        public int[] Begin { get; }
        public int[] End { get; }

        /// <summary>The tensor whose buffer an item uses: itself, or the end of its alias chain.</summary>
        public int[] Root { get; }

        /// <summary>Op slots (at least one).</summary>
        public int Ops { get; }

        /// <summary>The items that own their buffer and live at some op, in item order.</summary>
        public int[] Roots { get; }

        /// <summary>The bytes of the roots live at each op.</summary>
        public long[] LiveBytes { get; }

        /// <summary>The most bytes live at one op: no plan can be smaller.</summary>
        public long Bound { get; }

        /// <summary>The first op where <see cref="Bound"/> bytes are live.</summary>
        public int PeakOp { get; }

        /// <summary>The lifetime clipped to the ops.</summary>
        public int First(int i) => Math.Max(0, Begin[i]);
        public int Last(int i) => Math.Min(Ops - 1, End[i]);
    }

    /// <summary>A sort key, compared field by field. Keys that end in
    /// an item's index are unique: any sort gives one order.</summary>
    private readonly record struct Key(long A, long B, long C) : IComparable<Key>
    {
        public int CompareTo(Key o) => A != o.A ? A.CompareTo(o.A) : B != o.B ? B.CompareTo(o.B) : C.CompareTo(o.C);
    }

    private static int[] SortBy(int[] items, Func<int, Key> key)
    {
        if (items.Length == 0) return items;
        // The fields usually span a few dozen bits together: then one long per key sorts several times faster.
        var (lo, hi) = (key(items[0]), key(items[0]));
        foreach (int i in items)
        {
            var k = key(i);
            lo = new Key(Math.Min(lo.A, k.A), Math.Min(lo.B, k.B), Math.Min(lo.C, k.C));
            hi = new Key(Math.Max(hi.A, k.A), Math.Max(hi.B, k.B), Math.Max(hi.C, k.C));
        }
        static int Bits(long span) => span < 0 ? 64 : 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)span);
        int bitsA = Bits(hi.A - lo.A), bitsB = Bits(hi.B - lo.B), bitsC = Bits(hi.C - lo.C);
        if (bitsA + bitsB + bitsC > 63)
        {
            var keys = new Key[items.Length];
            for (int i = 0; i < items.Length; i++) keys[i] = key(items[i]);
            Array.Sort(keys, items);
            return items;
        }
        var packed = new long[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            var k = key(items[i]);
            packed[i] = (k.A - lo.A) << (bitsB + bitsC) | (k.B - lo.B) << bitsC | (k.C - lo.C);
        }
        Array.Sort(packed, items);
        return items;
    }

    private static int[] Range(int count)
    {
        var items = new int[count];
        for (int i = 0; i < count; i++) items[i] = i;
        return items;
    }

    /// <summary>A block plan: block sizes and the block of each item (−1: none).</summary>
    private sealed record BlockPlan(List<long> Sizes, int[] BlockOf);

    /// <summary>Every item, aliases too (tpacker places them in
    /// blocks of their own), largest first, then by id.</summary>
    private static int[] BySize(Arena a) => SortBy(Range(a.Count), i => new Key(-a.Size[i], i, 0));

    /// <summary>Best fit over blocks that never grow: the block with least waste
    /// whose intervals avoid the tensor's; ties keep the lower block.</summary>
    private static BlockPlan BestFit(Arena a, int[] order)
    {
        var blockOf = new int[a.Count];
        Array.Fill(blockOf, -1);
        var plan = new BlockPlan([], blockOf);
        // Lifetimes from Lower are never empty: then a bit per op says when a block is taken. An empty one (begin >
        // end) can still clash with a lifetime around it, which only the interval list answers as it always has.
        int first = 0, last = -1;
        bool empty = false;
        foreach (int t in order)
            (first, last, empty) = (Math.Min(first, a.Begin[t]), Math.Max(last, a.End[t]),
                empty || a.Begin[t] > a.End[t]);
        BlockUse NewBlock() => empty ? new BlockIntervals() : new OpBits(first, last);
        var users = new List<BlockUse>();
        var bySize = new List<(long Size, int Block)>();   // the blocks, smallest first, then by id: least waste first
        foreach (int t in order)
        {
            long size = a.Size[t];
            int begin = a.Begin[t], end = a.End[t], chosen = -1;
            for (int i = LowerBound(bySize, (size, int.MinValue)); i < bySize.Count; i++)
                if (users[bySize[i].Block].IsFree(begin, end)) { chosen = bySize[i].Block; break; }
            if (chosen < 0)
            {
                chosen = plan.Sizes.Count;
                plan.Sizes.Add(size);
                users.Add(NewBlock());
                bySize.Insert(LowerBound(bySize, (size, chosen)), (size, chosen));
            }
            users[chosen].Add(begin, end);
            blockOf[t] = chosen;
        }
        return plan;
    }

    /// <summary>The lifetimes of the tensors in one block.</summary>
    private abstract class BlockUse
    {
        /// <summary>
        /// No lifetime recorded begins at or before <paramref name="end"/>
        /// and ends at or after <paramref name="begin"/>.
        /// </summary>
        public abstract bool IsFree(int begin, int end);

        public abstract void Add(int begin, int end);
    }

    /// <summary>A bit per op from <c>first</c> to <c>last</c>, set
    /// while a tensor of the block lives (no empty lifetimes).</summary>
    private sealed class OpBits(int first, int last) : BlockUse
    {
        private readonly ulong[] _taken = new ulong[(last - first + 64) / 64 + 1];

        public override bool IsFree(int begin, int end)
        {
            int from = begin - first, to = end - first;
            int w = from >> 6, lastWord = to >> 6;
            if (w == lastWord) return (_taken[w] & Mask(from & 63, to & 63)) == 0;
            if ((_taken[w] & Mask(from & 63, 63)) != 0) return false;
            while (++w < lastWord) if (_taken[w] != 0) return false;
            return (_taken[lastWord] & Mask(0, to & 63)) == 0;
        }

        public override void Add(int begin, int end)
        {
            for (int j = begin - first; j <= end - first; j++) _taken[j >> 6] |= 1UL << (j & 63);
        }

        /// <summary>Bits from..to (0–63, inclusive) of a word.</summary>
        private static ulong Mask(int from, int to) =>
            (to == 63 ? ulong.MaxValue : (1UL << (to + 1)) - 1) & ~((1UL << from) - 1);
    }

    /// <summary>The intervals recorded in one block, sorted by begin, for a logarithmic overlap test.</summary>
    private sealed class BlockIntervals : BlockUse
    {
        private readonly List<(int Begin, int End)> _intervals = [];

        public override bool IsFree(int begin, int end)
        {
            // Intervals of a block may overlap each other only through
            // aliases (GreedyBySize), so scan back while ends can reach.
            int i = UpperBound(end);
            for (int k = i - 1; k >= 0; k--)
            {
                if (_intervals[k].End >= begin) return false;
                if (k < i - 1 && _maxEndBefore[k] < begin) break;
            }
            return true;
        }

        public override void Add(int begin, int end)
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

    /// <summary>
    /// Ops by live bytes (desc, then by index); each op's roots not met before, largest first, then by id. A root is
    /// met at the first op of that order within its lifetime: the least rank over its ops, found in a segment tree.
    /// </summary>
    private static int[] BreadthOrder(Arena a)
    {
        int ops = a.Ops;
        var byBytes = SortBy(Range(ops), j => new Key(-a.LiveBytes[j], j, 0));
        var rank = new int[2 * ops];   // leaves at ops + j, each inner node the least of its two children
        for (int r = 0; r < ops; r++) rank[ops + byBytes[r]] = r;
        for (int k = ops - 1; k > 0; k--) rank[k] = Math.Min(rank[2 * k], rank[2 * k + 1]);
        int MetAt(int first, int last)
        {
            int least = int.MaxValue;
            for (int lo = first + ops, hi = last + ops + 1; lo < hi; lo >>= 1, hi >>= 1)
            {
                if ((lo & 1) == 1) least = Math.Min(least, rank[lo++]);
                if ((hi & 1) == 1) least = Math.Min(least, rank[--hi]);
            }
            return least;
        }
        return SortBy([.. a.Roots], i => new Key(MetAt(a.First(i), a.Last(i)), -a.Size[i], i));
    }

    /// <summary>Walk the ops; released blocks go idle; newly live tensors
    /// take the smallest idle block that fits (ties: lower id).</summary>
    private static BlockPlan ByOrder(Arena a)
    {
        var blockOf = new int[a.Count];
        Array.Fill(blockOf, -1);
        var plan = new BlockPlan([], blockOf);
        var idle = new List<(long Size, int Block)>();   // sorted
        // The roots by their first op (in item order) and by their last.
        var starting = SortBy([.. a.Roots], i => new Key(a.First(i), i, 0));
        var ending = SortBy([.. a.Roots], i => new Key(a.Last(i), i, 0));
        for (int j = 0, s = 0, e = 0; j < a.Ops; j++)
        {
            for (; e < ending.Length && a.Last(ending[e]) < j; e++)
            {
                var slot = (plan.Sizes[blockOf[ending[e]]], blockOf[ending[e]]);
                idle.Insert(LowerBound(idle, slot), slot);
            }
            for (; s < starting.Length && a.First(starting[s]) == j; s++)
            {
                int t = starting[s];
                int fit = LowerBound(idle, (a.Size[t], int.MinValue));
                if (fit < idle.Count)
                {
                    blockOf[t] = idle[fit].Block;
                    idle.RemoveAt(fit);
                }
                else
                {
                    blockOf[t] = plan.Sizes.Count;
                    plan.Sizes.Add(a.Size[t]);
                }
            }
        }
        return plan;
    }

    /// <summary>The first index whose slot is not less than <paramref name="slot"/>.</summary>
    private static int LowerBound(List<(long Size, int Block)> sorted, (long Size, int Block) slot)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (sorted[mid].CompareTo(slot) < 0) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>Turns a block plan into offsets: a block starts after
    /// all blocks of lower id; aliases take their root's block.</summary>
    private static (string, long[], long) Blocks(string name, Arena a, BlockPlan plan)
    {
        var starts = new long[plan.Sizes.Count];
        for (int k = 1; k < starts.Length; k++) starts[k] = starts[k - 1] + plan.Sizes[k - 1];
        var offsets = new long[a.Count];
        for (int i = 0; i < offsets.Length; i++)
            offsets[i] = plan.BlockOf[a.Root[i]] is int b and >= 0 ? starts[b] : 0;
        long total = 0;
        foreach (long size in plan.Sizes) total += size;
        return (name, offsets, Csk6.Align16(total));
    }

    /// <summary>Ours: largest first, each into the tightest gap
    /// among the tensors it overlaps in time, else on top.</summary>
    private static (string, long[], long) OffsetBestFit(Arena a)
    {
        var offsets = new long[a.Count];
        var placed = new LifetimeIndex(a.Ops, a.Count);
        var sequence = new int[a.Count];
        var neighbours = new List<int>();
        // Every root, even one that lives at no op (it still gets an offset).
        var roots = new List<int>(a.Count);
        for (int i = 0; i < a.Count; i++) if (a.Root[i] == i) roots.Add(i);
        var order = SortBy([.. roots], i => new Key(-a.Size[i], a.Begin[i], i));
        int begin = 0;
        // The order in which a walk over t's ops meets them (first op,
        // then placement), as the sort by offset has always seen it.
        Comparison<int> byMeeting = (x, y) => Math.Max(a.Begin[x], begin) != Math.Max(a.Begin[y], begin)
            ? Math.Max(a.Begin[x], begin).CompareTo(Math.Max(a.Begin[y], begin)) : sequence[x].CompareTo(sequence[y]);
        Comparison<int> byOffset = (x, y) => offsets[x].CompareTo(offsets[y]);
        var starts = new long[a.Count];
        var sizes = new long[a.Count];
        long total = 0;
        int count = 0;
        foreach (int t in order)
        {
            begin = a.First(t);
            int end = a.Last(t);
            placed.Overlapping(begin, end, neighbours);
            int m = neighbours.Count;
            if (a.Size[t] > 0)
            {
                // Among neighbours at one offset only the first can offer a gap of t's size, and the gap it offers does
                // not depend on which comes first: the order of ties
                // cannot matter, so a plain sort of the offsets will do.
                for (int i = 0; i < m; i++) (starts[i], sizes[i]) = (offsets[neighbours[i]], a.Size[neighbours[i]]);
                Array.Sort(starts, sizes, 0, m);
            }
            else
            {
                // A zero-byte tensor can fill a zero-byte gap between ties: keep the order the walk has always seen.
                neighbours.Sort(byMeeting);
                neighbours.Sort(byOffset);
                for (int i = 0; i < m; i++) (starts[i], sizes[i]) = (offsets[neighbours[i]], a.Size[neighbours[i]]);
            }

            long cursor = 0, best = -1, bestGap = long.MaxValue;
            for (int i = 0; i < m; i++)
            {
                long gap = starts[i] - cursor;
                if (gap >= a.Size[t] && gap < bestGap) { best = cursor; bestGap = gap; }
                cursor = Math.Max(cursor, starts[i] + sizes[i]);
            }
            long at = best >= 0 ? best : cursor;
            offsets[t] = at;
            sequence[t] = count++;
            if (begin <= end) placed.Add(begin, end, t);
            total = Math.Max(total, at + a.Size[t]);
        }
        for (int i = 0; i < a.Count; i++) offsets[i] = offsets[a.Root[i]];
        return ("OffsetBestFit", offsets, Csk6.Align16(total));
    }

    /// <summary>
    /// A segment tree over op indices: each placed tensor sits in the O(log ops) nodes that tile its lifetime, so the
    /// tensors overlapping an interval are found without walking every op of it (a layer split into a thousand pieces
    /// keeps a thousand outputs live over a thousand ops).
    /// </summary>
    private sealed class LifetimeIndex(int ops, int items)
    {
        // Each node's items as a list threaded through two arrays, in the order they were added.
        private readonly int[] _head = Filled(4 * Math.Max(1, ops), -1);
        private readonly int[] _tail = new int[4 * Math.Max(1, ops)];
        private readonly int[] _below = new int[4 * Math.Max(1, ops)];
        private int[] _item = new int[Math.Max(16, 4 * items)];
        private int[] _next = new int[Math.Max(16, 4 * items)];
        private int _entries;
        private readonly int[] _seenIn = new int[items];   // the query that last collected each item
        private int _query;

        private static int[] Filled(int length, int value)
        {
            var a = new int[length];
            Array.Fill(a, value);
            return a;
        }

        public void Add(int begin, int end, int item) => Add(1, 0, ops - 1, begin, end, item);

        private void Add(int node, int lo, int hi, int begin, int end, int item)
        {
            _below[node]++;
            if (begin <= lo && hi <= end)
            {
                if (_entries == _item.Length)
                {
                    Array.Resize(ref _item, 2 * _entries);
                    Array.Resize(ref _next, 2 * _entries);
                }
                (_item[_entries], _next[_entries]) = (item, -1);
                if (_head[node] < 0) _head[node] = _entries; else _next[_tail[node]] = _entries;
                _tail[node] = _entries++;
                return;
            }
            int mid = (lo + hi) / 2;
            if (begin <= mid) Add(2 * node, lo, mid, begin, end, item);
            if (end > mid) Add(2 * node + 1, mid + 1, hi, begin, end, item);
        }

        /// <summary>Every item live at some op of [begin, end], once each.</summary>
        public void Overlapping(int begin, int end, List<int> into)
        {
            into.Clear();
            _query++;
            if (begin <= end) Collect(1, 0, ops - 1, begin, end, into);
        }

        private void Collect(int node, int lo, int hi, int begin, int end, List<int> into)
        {
            if (_below[node] == 0) return;
            for (int e = _head[node]; e >= 0; e = _next[e])
                if (_seenIn[_item[e]] != _query) { _seenIn[_item[e]] = _query; into.Add(_item[e]); }
            if (lo == hi) return;
            int mid = (lo + hi) / 2;
            if (begin <= mid) Collect(2 * node, lo, mid, begin, end, into);
            if (end > mid) Collect(2 * node + 1, mid + 1, hi, begin, end, into);
        }
    }
}
