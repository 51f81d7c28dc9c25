using Csk6Tools.Engine.Deploy;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Package;

/// <summary>
/// The SHARE_MEM plan a package holds, read back from its tensor table and operators: each arena tensor at its
/// offset, alive from the first op that touches it to the last (the graph input from op 0, the outputs to the end).
/// Any thinker package has one, LISTENAI's too; it is what tpacker's memory report prints.
/// </summary>
public static class PackageMemoryPlan
{
    public const string PlannerName = "as packed";

    public static MemoryPlan Read(ThinkerPackage package)
    {
        int last = package.Operators.Count - 1;
        var begin = new Dictionary<int, int>();
        var end = new Dictionary<int, int>();
        void Touch(int tensor, int op)
        {
            if (tensor < 0 || tensor >= package.Tensors.Count || !package.Tensors[tensor].InArena) return;
            begin[tensor] = Math.Min(begin.GetValueOrDefault(tensor, op), op);
            end[tensor] = Math.Max(end.GetValueOrDefault(tensor, op), op);
        }
        foreach (var io in package.Inputs) Touch(io.Tensor, 0);
        foreach (var op in package.Operators)
            foreach (int t in op.Inputs.Concat(op.Outputs).Concat(op.Temps)) Touch(t, op.Index);
        foreach (var io in package.Outputs) Touch(io.Tensor, last);
        // An in-place op (Reshape) writes its output over its
        // input: the planner gave both the union of their lifetimes.
        foreach (var op in package.Operators.Where(o => o.Outputs.Length == 1 && o.Inputs.Length > 0))
        {
            int a = op.Inputs[0], b = op.Outputs[0];
            if (!begin.ContainsKey(a) || !begin.ContainsKey(b) ||
                package.Tensors[a].Offset != package.Tensors[b].Offset) continue;
            begin[a] = begin[b] = Math.Min(begin[a], begin[b]);
            end[a] = end[b] = Math.Max(end[a], end[b]);
        }

        var tensors = begin.Keys.Order().Select(id =>
        {
            var t = package.Tensors[id];
            var kind = KindOf(package, id);
            // tpacker keeps the DMA ping-pong buffers for the whole run.
            var (from, to) = kind == TensorKind.DmaBuffer ? (0, last) : (begin[id], end[id]);
            return new PlannedTensor(t.Name, kind, Csk6.Align16(t.Bytes), from, to, t.Offset) { Id = id };
        }).ToList();
        var (peakOp, peakBytes) = Enumerable.Range(0, Math.Max(1, package.Operators.Count))
            .Select(op =>
                (op, Bytes: tensors.Where(t => t.Begin <= op && op <= t.End)
                    .GroupBy(t => t.Offset)
                    .Sum(g => g.Max(t => t.Bytes))))
            .MaxBy(p => p.Bytes);
        long arena = package.MemoryNeed(MemoryKind.ShareMem);
        return new MemoryPlan(PlannerName, arena, peakBytes,
            new Dictionary<string, long> { [PlannerName] = arena }, tensors, peakOp);
    }

    private static TensorKind KindOf(ThinkerPackage package, int id)
    {
        if (package.Inputs.Any(io => io.Tensor == id)) return TensorKind.Input;
        if (package.Outputs.Any(io => io.Tensor == id)) return TensorKind.Output;
        var name = package.Tensors[id].Name;
        if (name == "workspace") return TensorKind.Workspace;
        if (name.StartsWith("dma_buffer", StringComparison.Ordinal)) return TensorKind.DmaBuffer;
        return TensorKind.Activation;
    }
}
