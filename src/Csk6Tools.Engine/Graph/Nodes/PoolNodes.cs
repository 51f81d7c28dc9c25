namespace Csk6Tools.Engine.Graph;

/// <summary>Shared attributes of torch.nn.MaxPool2d and AvgPool2d.</summary>
public abstract record Pool2dNode : Node
{
    public required int[] Kernel { get; init; }
    public required int[] Stride { get; init; }
    public int[] Pads { get; init; } = [0, 0, 0, 0];
    public bool CeilMode { get; init; }

    protected override TensorShape Infer(IReadOnlyList<TensorShape> inputs)
    {
        var (c, h, w) = FeatureMap(inputs[0], this);
        Window2d.Check(this, Kernel, Stride, Pads, [1, 1], Fail);
        int oh = Window2d.OutputSize(h, Kernel[0], Stride[0], Pads[0], Pads[2], 1, CeilMode);
        int ow = Window2d.OutputSize(w, Kernel[1], Stride[1], Pads[1], Pads[3], 1, CeilMode);
        if (oh < 1 || ow < 1) throw Fail($"a {Kernel[0]}×{Kernel[1]} window does not fit the padded {h}×{w} input.");
        return new TensorShape(c, oh, ow);
    }
}

/// <summary>torch.nn.MaxPool2d.</summary>
public sealed record MaxPool2dNode : Pool2dNode
{
    protected override string OpName => GraphOp.MaxPool2d;
}

/// <summary>torch.nn.AvgPool2d (count_include_pad = true, PyTorch's default).</summary>
public sealed record AvgPool2dNode : Pool2dNode
{
    protected override string OpName => GraphOp.AvgPool2d;
}

/// <summary>torch.nn.AdaptiveAvgPool2d((1, 1)) / ONNX GlobalAveragePool: the mean of each channel.</summary>
public sealed record GlobalAvgPoolNode : Node
{
    protected override string OpName => GraphOp.GlobalAvgPool;

    protected override TensorShape Infer(IReadOnlyList<TensorShape> inputs)
        => new(FeatureMap(inputs[0], this).C, 1, 1);
}
