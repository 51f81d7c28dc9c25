using Csk6Tools.Engine.Graph;

namespace Csk6Tools.Engine.Deploy;

/// <summary>
/// Pass 5: tensor ids in the packer's order: the input, the layers' constants, the Reshape shape constants (ONNX
/// Constant nodes come after the initializers), activations in op order, the tensors of split pieces, then the
/// workspace and the DMA buffers. The order decides the greedy planners' ties. The graph's outputs become
/// <see cref="TensorKind.Output"/> and the ops' draft ids become ids.
/// </summary>
internal static class TensorOrder
{
    public static DeployGraph Run(LoweringDraft d, ModelGraph graph)
    {
        bool IsShape(DeployTensor t) => t.Kind == TensorKind.Constant && graph[t.Layer] is FlattenNode or ReshapeNode;
        var ordered = new List<DeployTensor>(d.Count);
        foreach (var t in d.Main) if (t.Kind == TensorKind.Input) ordered.Add(t);
        foreach (var t in d.Main) if (t.Kind == TensorKind.Constant && !IsShape(t)) ordered.Add(t);
        foreach (var t in d.Main) if (IsShape(t)) ordered.Add(t);
        foreach (var t in d.Main) if (t.Kind is not (TensorKind.Input or TensorKind.Constant)) ordered.Add(t);
        ordered.AddRange(d.Appended);
        ordered.AddRange(d.Buffers);

        var id = new int[d.Count];
        for (int i = 0; i < ordered.Count; i++) id[ordered[i].Id] = i;
        var output = new bool[d.Count];
        foreach (var o in graph.Outputs) output[d.TensorOf[o].Id] = true;
        var final = new DeployTensor[ordered.Count];
        for (int i = 0; i < final.Length; i++)
        {
            var t = ordered[i];
            final[i] = t with
            {
                Id = i,
                Kind = output[t.Id] ? TensorKind.Output : t.Kind,
                AliasOf = t.AliasOf is int a ? id[a] : null,
            };
        }
        foreach (var op in d.Ops)
        {
            Resolve(op.Inputs, id);
            Resolve(op.Outputs, id);
            Resolve(op.Constants, id);
        }
        return new DeployGraph(final, d.Ops, d.Splits, d.FusedInto);
    }

    private static void Resolve(List<int> draftIds, int[] id)
    {
        for (int i = 0; i < draftIds.Count; i++) draftIds[i] = id[draftIds[i]];
    }
}
