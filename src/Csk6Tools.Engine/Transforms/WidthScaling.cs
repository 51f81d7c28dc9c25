using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Zoo;

namespace Csk6Tools.Engine.Transforms;

/// <summary>
/// Scales the channel width of any graph of convolutions: every layer's output channels become
/// round(width · channels) (at least 1, the zoo's rule), except the graph's outputs, which keep their size (the
/// classes); the layers that read them follow. Depthwise convolutions keep one filter per channel.
/// </summary>
public static class WidthScaling
{
    /// <summary>The graph at <paramref name="width"/>; throws
    /// <see cref="GraphException"/> for a layer it cannot scale.</summary>
    public static ModelGraph Scale(ModelGraph graph, double width)
    {
        if (!(width > 0) || double.IsInfinity(width))
            throw new ArgumentOutOfRangeException(nameof(width), width,
                $"Width must be a positive multiplier, got {width}.");
        if (width == 1.0) return graph;
        var b = new GraphBuilder($"{graph.Name}-w{width:0.###}", graph.InputShape, graph.Input.Name);
        var outputs = graph.Outputs.ToHashSet();
        foreach (var node in graph.Nodes.Skip(1))
        {
            int In() => b.ShapeOf(node.Inputs[0])[0];
            int Out(int c) => outputs.Contains(node.Name) ? c : ResNet.Channels(c, width);
            Node scaled = node switch
            {
                Conv2dNode c when c.IsDepthwise => c with { InChannels = In(), OutChannels = In(), Groups = In() },
                Conv2dNode { Groups: 1 } c => c with { InChannels = In(), OutChannels = Out(c.OutChannels) },
                BatchNorm2dNode bn => bn with { NumFeatures = In() },
                LinearNode l =>
                    l with { InFeatures = checked((int)b.ShapeOf(l.Inputs[0]).Elements),
                        OutFeatures = Out(l.OutFeatures) },
                ReshapeNode { Shape: [-1] } or ReluNode or Relu6Node or AddNode or ConcatNode or Pool2dNode
                    or GlobalAvgPoolNode or FlattenNode => node,
                _ => throw new GraphException($"Layer '{node.Name}' " +
                    $"({node.Op}{(node is Conv2dNode g ? $", {g.Groups} groups" : "")}) cannot be " +
                    $"scaled to width {width}: only convolutions (dense or depthwise), " +
                    $"BatchNorm, ReLU, add, concat, " +
                    "pooling, flatten and linear layers can.", node.Name),
            };
            b.Add(scaled);
        }
        return b.Build([.. graph.Outputs]);
    }
}
