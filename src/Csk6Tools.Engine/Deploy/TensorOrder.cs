using Csk6Tools.Engine.Graph;

namespace Csk6Tools.Engine.Deploy;

/// <summary>
/// Pass 5: tensor ids in the packer's order: the input, the layers' constants, the Reshape shape constants (ONNX
/// Constant nodes come after the initializers), activations in op order, the tensors of split pieces, then the
/// workspace and the DMA buffers. The order decides the greedy planners' ties. The graph's outputs become
/// <see cref="TensorKind.Output"/> and the ops' handles become ids.
/// </summary>
internal static class TensorOrder
{
    public static DeployGraph Run(LoweringDraft d, ModelGraph graph)
    {
        bool IsShape(DeployTensor t) => t.Kind == TensorKind.Constant && graph[t.Layer] is FlattenNode or ReshapeNode;
        var ordered = d.Main.Where(t => t.Kind == TensorKind.Input)
            .Concat(d.Main.Where(t => t.Kind == TensorKind.Constant && !IsShape(t)))
            .Concat(d.Main.Where(IsShape))
            .Concat(d.Main.Where(t => t.Kind is not (TensorKind.Input or TensorKind.Constant)))
            .Concat(d.Appended)
            .Concat(d.Buffers);

        var outputs = graph.Outputs.Select(o => d.TensorOf[o]).ToHashSet(ReferenceEqualityComparer.Instance);
        var id = new Dictionary<DeployTensor, int>(ReferenceEqualityComparer.Instance);
        var final = new List<DeployTensor>();
        foreach (var t in ordered)
        {
            id[t] = final.Count;
            final.Add(t with
            {
                Id = final.Count,
                Kind = outputs.Contains(t) ? TensorKind.Output : t.Kind,
                Producer = d.Producer.GetValueOrDefault(t, -1),
            });
        }
        int Resolve(int handle) => id[d[handle]];
        for (int i = 0; i < final.Count; i++)
            if (final[i].AliasOf is int a) final[i] = final[i] with { AliasOf = Resolve(a) };
        foreach (var op in d.Ops)
            foreach (var list in new[] { op.Inputs, op.Outputs, op.Constants })
                for (int i = 0; i < list.Count; i++) list[i] = Resolve(list[i]);
        return new DeployGraph(final, d.Ops, d.Splits, d.FusedInto);
    }
}
