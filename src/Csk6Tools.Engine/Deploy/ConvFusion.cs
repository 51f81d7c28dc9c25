using Csk6Tools.Engine.Graph;

namespace Csk6Tools.Engine.Deploy;

/// <summary>A convolution with what the packer folds into it: a
/// following BatchNorm, then a ReLU that is the only consumer.</summary>
internal sealed record FusedConv(Conv2dNode Conv, BatchNorm2dNode? BatchNorm, ReluNode? Relu)
{
    /// <summary>The last layer of the chain: its name is the op's output tensor.</summary>
    public Node Tail => (Node?)Relu ?? (Node?)BatchNorm ?? Conv;

    /// <summary>The conv, then the layers that get no op of their own.</summary>
    public IEnumerable<Node> Layers => new Node?[] { Conv, BatchNorm, Relu }.OfType<Node>();

    /// <summary>A bias comes from the conv or from the folded BatchNorm.</summary>
    public bool HasBias => Conv.Bias || BatchNorm is not null;
}

/// <summary>Pass 1: which BatchNorm and ReLU layers fold into each convolution.</summary>
internal static class ConvFusion
{
    public static Dictionary<string, FusedConv> Find(ModelGraph graph)
    {
        var fused = new Dictionary<string, FusedConv>();
        foreach (var c in graph.Nodes.OfType<Conv2dNode>())
        {
            var bn = graph.FoldedBatchNorm(c);
            var relu = graph.FusedRelu(((Node?)bn ?? c).Name);
            fused[c.Name] = new FusedConv(c, bn, relu);
        }
        return fused;
    }
}
