using Csk6Tools.Engine.Graph;

namespace Csk6Tools.Engine.Zoo;

/// <summary>Options of the CIFAR ResNet family of pytorch-cifar100 (models/resnet.py).</summary>
public sealed record ResNetOptions
{
    public int Depth { get; init; } = 18;
    public int Classes { get; init; } = 100;
    public int InputChannels { get; init; } = 3;
    public int InputSize { get; init; } = 32;

    /// <summary>Channel multiplier: every stage's width is round(width · 64·2^stage), at least 1.</summary>
    public double Width { get; init; } = 1.0;
}

/// <summary>
/// The pytorch-cifar100 ResNets as graphs, named as that code names its modules: a 3×3 stem without max-pool,
/// four stages of BasicBlocks (18, 34) or BottleNecks (50, 101, 152), 1×1 projection shortcuts, global
/// average pool and a linear classifier.
/// </summary>
public static class ResNet
{
    public static IReadOnlyList<int> Depths { get; } = [18, 34, 50, 101, 152];

    private static readonly Dictionary<int, (bool Bottleneck, int[] Blocks)> Layouts = new()
    {
        [18] = (false, [2, 2, 2, 2]),
        [34] = (false, [3, 4, 6, 3]),
        [50] = (true, [3, 4, 6, 3]),
        [101] = (true, [3, 4, 23, 3]),
        [152] = (true, [3, 8, 36, 3]),
    };

    /// <summary>The channels a layer of <paramref name="channels"/> gets
    /// at this width: round(width · channels), at least 1.</summary>
    public static int Channels(int channels, double width) =>
        Math.Max(1, (int)Math.Round(channels * width, MidpointRounding.AwayFromZero));

    public static ModelGraph Create(ResNetOptions o)
    {
        if (!Layouts.TryGetValue(o.Depth, out var layout))
            throw new ArgumentOutOfRangeException(nameof(o), o.Depth,
                $"ResNet depth {o.Depth} is not one of {string.Join(", ", Depths)}.");
        if (!(o.Width > 0) || double.IsInfinity(o.Width))
            throw new ArgumentOutOfRangeException(nameof(o), o.Width,
                $"Width must be a positive multiplier, got {o.Width}.");
        if (o.Classes < 1) throw new ArgumentOutOfRangeException(nameof(o), o.Classes, "Classes must be at least 1.");
        if (o.InputChannels < 1)
            throw new ArgumentOutOfRangeException(nameof(o), o.InputChannels, "InputChannels must be at least 1.");
        if (o.InputSize < 8)
            throw new ArgumentOutOfRangeException(nameof(o), o.InputSize,
                "InputSize must be at least 8 (three stride-2 stages).");

        int Scale(int c) => Channels(c, o.Width);
        int expansion = layout.Bottleneck ? 4 : 1;
        string name = $"resnet{o.Depth}" + (o.Width == 1.0 ? "" : $"-w{o.Width:0.###}");
        var b = new GraphBuilder(name, new TensorShape(o.InputChannels, o.InputSize, o.InputSize));

        int stem = Scale(64);
        string x = b.Add(Conv2dNode.Create("conv1.0", o.InputChannels, stem, 3, padding: 1), b.Input);
        x = b.Add(new BatchNorm2dNode { Name = "conv1.1", NumFeatures = stem }, x);
        x = b.Add(new ReluNode { Name = "conv1.2" }, x);

        int inChannels = stem;
        for (int stage = 0; stage < 4; stage++)
        {
            int width = Scale(64 << stage);
            for (int block = 0; block < layout.Blocks[stage]; block++)
            {
                int stride = block == 0 && stage > 0 ? 2 : 1;
                string prefix = $"conv{stage + 2}_x.{block}";
                x = layout.Bottleneck
                    ? BottleNeck(b, prefix, x, inChannels, width, stride)
                    : BasicBlock(b, prefix, x, inChannels, width, stride);
                inChannels = width * expansion;
            }
        }

        x = b.Add(new GlobalAvgPoolNode { Name = "avg_pool" }, x);
        x = b.Add(new FlattenNode { Name = "flatten" }, x);
        b.Add(new LinearNode { Name = "fc", InFeatures = inChannels, OutFeatures = o.Classes }, x);
        return b.Build();
    }

    private static string BasicBlock(GraphBuilder b, string p, string x, int cin, int cout, int stride)
    {
        string r = b.Add(Conv2dNode.Create($"{p}.residual_function.0", cin, cout, 3, stride, 1), x);
        r = b.Add(new BatchNorm2dNode { Name = $"{p}.residual_function.1", NumFeatures = cout }, r);
        r = b.Add(new ReluNode { Name = $"{p}.residual_function.2" }, r);
        r = b.Add(Conv2dNode.Create($"{p}.residual_function.3", cout, cout, 3, 1, 1), r);
        r = b.Add(new BatchNorm2dNode { Name = $"{p}.residual_function.4", NumFeatures = cout }, r);
        return Join(b, p, r, Shortcut(b, p, x, cin, cout, stride));
    }

    private static string BottleNeck(GraphBuilder b, string p, string x, int cin, int cout, int stride)
    {
        string r = b.Add(Conv2dNode.Create($"{p}.residual_function.0", cin, cout, 1), x);
        r = b.Add(new BatchNorm2dNode { Name = $"{p}.residual_function.1", NumFeatures = cout }, r);
        r = b.Add(new ReluNode { Name = $"{p}.residual_function.2" }, r);
        r = b.Add(Conv2dNode.Create($"{p}.residual_function.3", cout, cout, 3, stride, 1), r);
        r = b.Add(new BatchNorm2dNode { Name = $"{p}.residual_function.4", NumFeatures = cout }, r);
        r = b.Add(new ReluNode { Name = $"{p}.residual_function.5" }, r);
        r = b.Add(Conv2dNode.Create($"{p}.residual_function.6", cout, cout * 4, 1), r);
        r = b.Add(new BatchNorm2dNode { Name = $"{p}.residual_function.7", NumFeatures = cout * 4 }, r);
        return Join(b, p, r, Shortcut(b, p, x, cin, cout * 4, stride));
    }

    private static string Shortcut(GraphBuilder b, string p, string x, int cin, int cout, int stride)
    {
        if (stride == 1 && cin == cout) return x;
        string s = b.Add(Conv2dNode.Create($"{p}.shortcut.0", cin, cout, 1, stride), x);
        return b.Add(new BatchNorm2dNode { Name = $"{p}.shortcut.1", NumFeatures = cout }, s);
    }

    private static string Join(GraphBuilder b, string p, string residual, string shortcut)
    {
        string sum = b.Add(new AddNode { Name = $"{p}.add" }, residual, shortcut);
        return b.Add(new ReluNode { Name = $"{p}.relu" }, sum);
    }
}
