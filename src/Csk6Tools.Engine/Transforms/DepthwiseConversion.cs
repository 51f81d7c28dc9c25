using Csk6Tools.Engine.Graph;

namespace Csk6Tools.Engine.Transforms;

/// <summary>What becomes of a convolution whose kernel is
/// smaller than its stride (the 1×1 stride-2 shortcut).</summary>
public enum ShortcutStyle
{
    /// <summary>A 3×3 (5×5 for stride 4) depthwise convolution with the stride, then a 1×1 pointwise one.</summary>
    DepthwiseSeparable,

    /// <summary>A dense 3×3 (5×5) convolution with the stride: LISTENAI's demo network.</summary>
    Dense3x3,

    /// <summary>Left as it is (the NPU rejects it: kernel &lt; stride).</summary>
    Keep,
}

public sealed record DepthwiseOptions
{
    public ShortcutStyle Shortcut { get; init; } = ShortcutStyle.DepthwiseSeparable;

    /// <summary>Also convert the stem: the convolutions that read the graph input.</summary>
    public bool IncludeStem { get; init; }
}

/// <summary>The converted model and what the conversion did.</summary>
public sealed record DepthwiseConversion(ModelGraph Model, long ParametersBefore, long ParametersAfter,
    IReadOnlyList<string> ConvertedLayers)
{
    /// <summary>The fraction of parameters removed (0.867 = 86.7 % fewer).</summary>
    public double Reduction => ParametersBefore == 0 ? 0 : 1.0 - (double)ParametersAfter / ParametersBefore;
}

/// <summary>
/// Rewrites standard convolutions as depthwise separable ones: a k×k depthwise convolution (groups = channels,
/// the stride, the padding, no bias) followed by a 1×1 pointwise convolution that keeps the bias and feeds
/// whatever the original fed (its BatchNorm folds into the pointwise). 1×1 stride-1 convolutions are already
/// pointwise and stay. Works on any graph: the stem is the set of convolutions that read the graph input.
/// </summary>
public static class DepthwiseConverter
{
    public static DepthwiseConversion Convert(ModelGraph graph, DepthwiseOptions? options = null)
    {
        options ??= new DepthwiseOptions();
        var b = new GraphBuilder(graph.Name.EndsWith("-dw", StringComparison.Ordinal) ? graph.Name : graph.Name + "-dw",
            graph.InputShape, graph.Input.Name);
        var converted = new List<string>();
        var renamed = new Dictionary<string, string>();

        foreach (var original in graph.Nodes.Skip(1))
        {
            var node = original with { Inputs = original.Inputs.Select(i => renamed.GetValueOrDefault(i, i)).ToList() };
            if (node is not Conv2dNode conv || conv.Groups != 1 ||
                (!options.IncludeStem && conv.Inputs[0] == graph.Input.Name))
            {
                b.Add(node);
                continue;
            }

            bool kernelBelowStride = conv.Kernel[0] < conv.Stride[0] || conv.Kernel[1] < conv.Stride[1];
            bool pointwise = conv.Kernel[0] == 1 && conv.Kernel[1] == 1;
            if (kernelBelowStride)
            {
                if (options.Shortcut == ShortcutStyle.Keep) { b.Add(node); continue; }
                var widened = Widen(conv);
                if (options.Shortcut == ShortcutStyle.Dense3x3) b.Add(widened);
                else renamed[conv.Name] = Separate(b, widened);
            }
            else if (pointwise) { b.Add(node); continue; }
            else renamed[conv.Name] = Separate(b, conv);
            converted.Add(conv.Name);
        }

        var model = b.Build(graph.Outputs.Select(o => renamed.GetValueOrDefault(o, o)).ToArray());
        return new DepthwiseConversion(model, graph.Parameters, model.Parameters, converted);
    }

    /// <summary>The same layer with a kernel that covers its stride:
    /// 3×3 for stride 2, 5×5 for stride 4, same output size.</summary>
    private static Conv2dNode Widen(Conv2dNode conv)
    {
        int[] kernel = conv.Stride.Select((s, a) => Math.Max(conv.Kernel[a], s <= 2 ? 3 : 5)).ToArray();
        int[] pad = kernel.Select((k, a) => conv.Pads[a] + (k - conv.Kernel[a]) / 2).ToArray();
        return conv with { Kernel = kernel, Pads = [pad[0], pad[1], pad[0], pad[1]] };
    }

    /// <summary>Adds <c>name.depthwise</c> and <c>name.pointwise</c>
    /// (LISTENAI's module names) and returns the latter.</summary>
    private static string Separate(GraphBuilder b, Conv2dNode conv)
    {
        string dw = b.Add(conv with
        {
            Name = conv.Name + ".depthwise", OutChannels = conv.InChannels, Groups = conv.InChannels, Bias = false,
        });
        return b.Add(new Conv2dNode
        {
            Name = conv.Name + ".pointwise", InChannels = conv.InChannels, OutChannels = conv.OutChannels,
            Kernel = [1, 1], Bias = conv.Bias,
        }, dw);
    }
}
