namespace Csk6Tools.Engine.Graph;

/// <summary>torch.nn.Conv2d. Pads are [top, left, bottom, right]
/// as in ONNX; PyTorch's padding=p is [p, p, p, p].</summary>
public sealed record Conv2dNode : Node
{
    public required int InChannels { get; init; }
    public required int OutChannels { get; init; }
    public required int[] Kernel { get; init; }
    public int[] Stride { get; init; } = [1, 1];
    public int[] Pads { get; init; } = [0, 0, 0, 0];
    public int[] Dilation { get; init; } = [1, 1];
    public int Groups { get; init; } = 1;
    public bool Bias { get; init; }

    protected override string OpName => GraphOp.Conv2d;

    /// <summary>
    /// One filter per input channel (groups = in = out channels). A one-channel conv is depthwise too, as tpacker
    /// decides it (one input channel per group, one group per output): it packs it as depthwise, with a workspace.
    /// </summary>
    public bool IsDepthwise => IsDepthwiseShape(OutChannels, InChannels, Groups);

    /// <summary>The depthwise rule on bare channel counts (the packer and the int8 engine see no node).</summary>
    public static bool IsDepthwiseShape(int outChannels, int inChannels, int groups) =>
        groups == inChannels && groups == outChannels;

    public long WeightCount => (long)OutChannels * (InChannels / Groups) * Kernel[0] * Kernel[1];
    public override long Parameters => WeightCount + (Bias ? OutChannels : 0);
    public override long Macs => OutputShape is { } o ? WeightCount * o[1] * o[2] : 0;

    /// <summary>A k×k convolution with PyTorch's symmetric padding.</summary>
    public static Conv2dNode Create(string name, int inChannels, int outChannels, int kernel, int stride = 1,
        int padding = 0, int groups = 1, bool bias = false)
        => new()
        {
            Name = name, InChannels = inChannels, OutChannels = outChannels, Kernel = Window2d.Pair(kernel),
            Stride = Window2d.Pair(stride), Pads = Window2d.Pads(padding), Groups = groups, Bias = bias,
        };

    protected override TensorShape Infer(IReadOnlyList<TensorShape> inputs)
    {
        var (c, h, w) = FeatureMap(inputs[0], this);
        Window2d.Check(this, Kernel, Stride, Pads, Dilation, Fail);
        if (c != InChannels) throw Fail($"expects {InChannels} input channels, got {c} ({inputs[0]}).");
        if (Groups < 1 || InChannels % Groups != 0 || OutChannels % Groups != 0)
            throw Fail($"groups {Groups} must divide in channels {InChannels} and out channels {OutChannels}.");
        int oh = Window2d.OutputSize(h, Kernel[0], Stride[0], Pads[0], Pads[2], Dilation[0], false);
        int ow = Window2d.OutputSize(w, Kernel[1], Stride[1], Pads[1], Pads[3], Dilation[1], false);
        if (oh < 1 || ow < 1) throw Fail($"a {Kernel[0]}×{Kernel[1]} kernel does not fit the padded {h}×{w} input.");
        return new TensorShape(OutChannels, oh, ow);
    }
}
