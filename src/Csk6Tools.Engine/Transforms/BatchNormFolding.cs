using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;

namespace Csk6Tools.Engine.Transforms;

/// <summary>
/// Folds every BatchNorm2d that is its convolution's only consumer into that convolution
/// (docs/quant-arithmetic.md#batchnorm-folding, linger's fuse_conv_bn, in float64): α = γ / √(var + eps), W' = W·α,
/// b' = b·α + β − mean·α. The BN node leaves the graph, the convolution gains a bias, and the BN's consumers read the
/// convolution.
/// </summary>
public static class BatchNormFolding
{
    public static Csk6Model Fold(Csk6Model model)
    {
        var graph = model.Graph;
        var folds = graph.Nodes.OfType<Conv2dNode>()
            .Select(c => (Conv: c, Bn: graph.FoldedBatchNorm(c)))
            .Where(p => p.Bn is not null)
            .ToDictionary(p => p.Bn!.Name, p => (p.Conv, Bn: p.Bn!));
        if (folds.Count == 0) return model;

        var renamed = folds.ToDictionary(f => f.Key, f => f.Value.Conv.Name);
        var weights = new Dictionary<string, WeightTensor>(model.Weights);
        var b = new GraphBuilder(graph.Name, graph.InputShape, graph.Input.Name);
        var folded = folds.Values.Select(f => f.Conv.Name).ToHashSet();
        foreach (var node in graph.Nodes.Skip(1))
        {
            if (folds.ContainsKey(node.Name)) continue;
            var inputs = node.Inputs.Select(i => renamed.GetValueOrDefault(i, i)).ToList();
            b.Add(node is Conv2dNode c && folded.Contains(c.Name)
                ? c with { Bias = true, Inputs = inputs }
                : node with { Inputs = inputs });
        }
        foreach (var (conv, bn) in folds.Values)
        {
            if (model.Weights.Count > 0) FoldWeights(weights, conv, bn);
            foreach (var suffix in new[] { "weight", "bias", "running_mean", "running_var" })
                weights.Remove($"{bn.Name}.{suffix}");
        }
        return model with { Graph = b.Build(graph.Outputs.Select(o => renamed.GetValueOrDefault(o, o)).ToArray()),
            Weights = weights };
    }

    private static void FoldWeights(Dictionary<string, WeightTensor> weights, Conv2dNode conv, BatchNorm2dNode bn)
    {
        var w = weights[$"{conv.Name}.weight"];
        float[] gamma = weights[$"{bn.Name}.weight"].Data, beta = weights[$"{bn.Name}.bias"].Data;
        float[] mean = weights[$"{bn.Name}.running_mean"].Data, variance = weights[$"{bn.Name}.running_var"].Data;
        float[]? bias = weights.TryGetValue($"{conv.Name}.bias", out var bt) ? bt.Data : null;
        int perChannel = w.Data.Length / conv.OutChannels;
        var newW = new float[w.Data.Length];
        var newB = new float[conv.OutChannels];
        for (int c = 0; c < conv.OutChannels; c++)
        {
            double alpha = gamma[c] / Math.Sqrt(variance[c] + bn.Eps);
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++) newW[i] = (float)(w.Data[i] * alpha);
            newB[c] = (float)((bias?[c] ?? 0.0) * alpha + beta[c] - mean[c] * alpha);
        }
        weights[$"{conv.Name}.weight"] = new WeightTensor(w.Shape, newW);
        weights[$"{conv.Name}.bias"] = new WeightTensor([conv.OutChannels], newB);
    }
}
