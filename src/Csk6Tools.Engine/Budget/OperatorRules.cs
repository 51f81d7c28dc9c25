using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Budget;

/// <summary>The per-operator rules of docs/csk6-target.md#operator-rules, checked on the model's layers.</summary>
internal static class OperatorRules
{
    public static IEnumerable<BudgetViolation> Check(ModelGraph graph, Node node) => node switch
    {
        Conv2dNode c => Conv(graph, c),
        Pool2dNode p => Window(p.Name, p.Op, p.Kernel, p.Stride, p.Pads, [1, 1], p.InputShapes[0])
            .Concat(PoolBand(p.Name, p.InputShapes[0], p.Kernel, p.Stride, p is AvgPool2dNode)),
        GlobalAvgPoolNode g => GlobalPool(g),
        OtherNode o => [Unsupported(o)],
        _ => [],
    };

    private static IEnumerable<BudgetViolation> Conv(ModelGraph graph, Conv2dNode c)
    {
        foreach (var v in Window(c.Name, c.Op, c.Kernel, c.Stride, c.Pads, c.Dilation, c.InputShapes[0]))
            yield return v;
        var (cin, h, w) = c.InputShapes[0].Chw;
        int kh = c.Kernel[0], kw = c.Kernel[1];
        long input = Csk6.InputOperandBytes(cin, h, w, c.Stride[1]);

        if (c.IsDepthwise)
        {
            long bytes = Csk6.DepthwiseWeightBytes(cin, kh, kw);
            if (bytes > Csk6.WeightOperandLimit)
            {
                long maxChannels = Csk6.WeightOperandLimit / (kh * kw) / 16 * 16;
                yield return new(c.Name, Csk6Rule.DepthwiseWeights, $"{bytes:N0} B", $"{Csk6.WeightOperandLimit:N0} B",
                    $"depthwise weights ALIGN16({cin})·{kh}·{kw} = {bytes:N0} B exceed the NPU's 32 KB weight " +
                    $"operand (tpacker cannot split a depthwise convolution).",
                    $"split the {cin} channels into depthwise convolutions of at most {maxChannels} channels joined " +
                    $"by a Concat, or use a smaller kernel.");
            }
        }
        else
        {
            long unit = Csk6.Align(cin / c.Groups, 8) * kh * kw;
            if (2 * unit > Csk6.WeightOperandLimit)
            {
                long maxCin = Csk6.WeightOperandLimit / 2 / (kh * kw) / 8 * 8;
                bool big = input > Csk6.InputOperandLimit;
                yield return new(c.Name, big ? Csk6Rule.ConvWeightAndInput : Csk6Rule.ConvSplitImpossible,
                    $"{2 * unit:N0} B per output-channel pair" + (big ? $", input {input:N0} B" : ""),
                    $"{Csk6.WeightOperandLimit:N0} B" + (big ? $", {Csk6.InputOperandLimit:N0} B" : ""),
                    big
                        ? $"weights exceed 32 KB even for two output channels (ALIGN8({cin / c.Groups})·{kh}·{kw}·2) " +
                            $"and the input exceeds 64 KB: tpacker stops with 'kernel size exceed 32KB and data size " +
                            $"exceed 64KB in conv2d!'."
                        : $"weights exceed 32 KB even for two output channels " +
                            $"(ALIGN8({cin / c.Groups})·{kh}·{kw}·2): tpacker's channel split divides by zero.",
                    $"keep the input channels at or below {maxCin} for a {kh}×{kw} kernel: make it depthwise " +
                    $"separable (Convert-ToDepthwise) or reduce the width.");
            }
        }

        long band = Csk6.InputOperandBytes(cin, kh, w, c.Stride[1]);
        if (!c.IsDepthwise && band > Csk6.InputOperandLimit)
            yield return new(c.Name, Csk6Rule.RowBand, $"{band:N0} B", $"{Csk6.InputOperandLimit:N0} B",
                $"one band of {kh} input rows (ALIGN8({cin})·{kh}·ALIGN({w}, {8 * c.Stride[1]})) exceeds the NPU's " +
                $"64 KB input operand: the engine's row split cannot fit it.",
                "reduce the input width or channels of this layer (downsample earlier).");

        if (graph.Consumers(graph.FoldedBatchNorm(c)?.Name ?? c.Name) is [Relu6Node clip])
            yield return new(c.Name, Csk6Rule.FusedClip, $"{c.Name} → {clip.Name}", "ReLU or nothing",
                "a ReLU6 (Clip) right after a convolution is fused into it and then ignored by the venus kernel: the " +
                "chip computes no clipping.",
                $"use ReLU instead of ReLU6 at '{clip.Name}'.");
    }

    private static IEnumerable<BudgetViolation> Window(string layer, string op, int[] kernel, int[] stride, int[] pads,
        int[] dilation, TensorShape input)
    {
        string k = Pair(kernel), s = Pair(stride);
        if (kernel.Any(x => x > Csk6.MaxKernel))
            yield return new(layer, Csk6Rule.KernelSize, k, $"1–{Csk6.MaxKernel}",
                $"{op} kernel {k} is outside the NPU's 1–5 per axis.",
                kernel.Max() == 7
                    ? "use a 3×3 kernel (three stacked 3×3 convolutions see as far as one 7×7)."
                    : "use a kernel of at most 5 (stack 3×3 layers for a larger field).");
        if (stride.Any(x => !Csk6.Strides.Contains(x)))
            yield return new(layer, Csk6Rule.Stride, s, "1, 2 or 4",
                $"{op} stride {s} is not 1, 2 or 4 per axis.", "use stride 1, 2 or 4 (stride 2 twice for 4).");
        if (kernel[0] < stride[0] || kernel[1] < stride[1])
        {
            int need = stride.Max() <= 2 ? 3 : 5;
            yield return new(layer, Csk6Rule.KernelBelowStride, $"kernel {k} < stride {s}", "kernel ≥ stride",
                $"{op} kernel {k} is smaller than its stride {s}; linger and tpacker reject it.",
                kernel.Max() == 1 && op == GraphOp.Conv2d
                    ? $"kernel 1 < stride {stride.Max()}: use a {need}×{need} stride-{stride.Max()} depthwise " +
                        $"shortcut (Convert-ToDepthwise -Shortcut DepthwiseSeparable)."
                    : $"use a kernel of at least the stride ({need}×{need} for stride {stride.Max()}).");
        }
        if (dilation.Any(d => d != 1))
            yield return new(layer, Csk6Rule.Dilation, Pair(dilation), "1",
                $"{op} dilation {Pair(dilation)} is not supported on venus.",
                "use dilation 1: a larger kernel (up to 5) or stacked convolutions.");
        string p = $"[{string.Join(", ", pads)}]";
        if (pads.Any(x => x > Csk6.MaxPad))
            yield return new(layer, Csk6Rule.Padding, p, $"0–{Csk6.MaxPad}",
                $"{op} pads {p} (top, left, bottom, right) exceed the NPU's 4.",
                $"pad at most 4 ({kernel[0] / 2} keeps the size of a {k} kernel).");
        else if (pads[0] > kernel[0] || pads[2] > kernel[0] || pads[1] > kernel[1] || pads[3] > kernel[1])
            yield return new(layer, Csk6Rule.PadExceedsKernel, $"pads {p} > kernel {k}", "pad ≤ kernel",
                $"{op} pads {p} exceed its kernel {k}; tpacker rejects it.",
                $"use pads of at most the kernel ({kernel[0] / 2} keeps the size).");
        if (input.Rank == 3 && (input[1] < kernel[0] || input[2] < kernel[1]))
            yield return new(layer, Csk6Rule.InputSmallerThanKernel, $"input {input[1]}×{input[2]}",
                $"≥ kernel {kernel[0]}×{kernel[1]}",
                $"{op} input {input[1]}×{input[2]} (before padding) is smaller than its {kernel[0]}×{kernel[1]} " +
                $"kernel; tpacker rejects it.",
                "use a smaller kernel here or downsample less before this layer.");
    }

    private static string Pair(int[] v) => $"{v[0]}×{v[1]}";

    private static IEnumerable<BudgetViolation> PoolBand(string layer, TensorShape input, int[] kernel,
        int[] stride, bool average)
    {
        var (c, h, w) = input.Chw;
        long band = average ? 8 * h * Csk6.Align(w, 8L * stride[1]) : Csk6.InputOperandBytes(c, 1, w, stride[1]);
        if (band > Csk6.InputOperandLimit)
            yield return new(layer, Csk6Rule.RowBand, $"{band:N0} B", $"{Csk6.InputOperandLimit:N0} B",
                average
                    ? $"the engine splits AvgPool2dInt by 8 channels, and 8 channels of {h}×{w} still exceed 64 KB."
                    : $"one input row (ALIGN8({c})·ALIGN({w}, {8 * stride[1]})) exceeds 64 KB: the engine's " +
                        $"row split cannot fit it.",
                "downsample before this pool.");
    }

    private static IEnumerable<BudgetViolation> GlobalPool(GlobalAvgPoolNode g)
    {
        var (_, h, w) = g.InputShapes[0].Chw;
        if (h > Csk6.MaxKernel || w > Csk6.MaxKernel)
            yield return new(g.Name, Csk6Rule.KernelSize, $"{h}×{w}", $"≤ {Csk6.MaxKernel}×{Csk6.MaxKernel}",
                $"global average pooling becomes AvgPool2dInt with a {h}×{w} window, beyond the NPU's 5×5.",
                "downsample to at most 5×5 first (another stride-2 stage) or pool in two steps, e.g. " +
                "AvgPool2d(2) then a global pool.");
        foreach (var v in PoolBand(g.Name, g.InputShapes[0], [h, w], [h, w], average: true)) yield return v;
    }

    private static BudgetViolation Unsupported(OtherNode o) =>
        new(o.Name, Csk6Rule.UnsupportedOperator, o.OpType, "a venus operator",
        $"venus does not support {o.OpType} (tpacker: 'platform:venus do not support {o.OpType}!').",
        o.OpType.Contains("LeakyRelu", StringComparison.OrdinalIgnoreCase)
            ? "use ReLU (linger v1 cannot quantize LeakyReLU)."
            : "replace it with supported operators: Conv2d, ReLU, Add, MaxPool2d, AvgPool2d, Flatten, Linear, Concat.");
}
