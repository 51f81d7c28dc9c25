using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Tests.Budget;

/// <summary>
/// Each rule of docs/csk6-target.md#operator-rules broken by one crafted layer: exactly that violation, naming that
/// layer.
/// </summary>
public class RuleTests
{
    private static IReadOnlyList<BudgetViolation> Budget(
        Func<GraphBuilder, string, string> body, int c = 8, int size = 16, Csk6Limits? limits = null,
        int? height = null)
    {
        var b = new GraphBuilder("crafted", new TensorShape(c, height ?? size, size));
        body(b, b.Input);
        return BudgetCalculator.Measure(b.Build(), new BudgetOptions { Limits = limits ?? Csk6Limits.Default })
            .Violations;
    }

    private static Conv2dNode Conv(string name, int cin, int cout, int[] kernel, int[]? stride = null,
        int[]? pads = null, int[]? dilation = null, int groups = 1)
        => new()
        {
            Name = name, InChannels = cin, OutChannels = cout, Kernel = kernel, Stride = stride ?? [1, 1],
            Pads = pads ?? [0, 0, 0, 0], Dilation = dilation ?? [1, 1], Groups = groups,
        };

    private static BudgetViolation Single(IReadOnlyList<BudgetViolation> v, Csk6Rule rule, string layer)
    {
        var only = Assert.Single(v);
        Assert.Equal(rule, only.Rule);
        Assert.Equal(layer, only.Layer);
        Assert.False(string.IsNullOrWhiteSpace(only.Fix));
        return only;
    }

    [Fact]
    public void CleanLayerHasNoViolation()
        => Assert.Empty(Budget((b, x) => b.Add(Conv("ok", 8, 8, [3, 3], pads: [1, 1, 1, 1]), x)));

    [Fact]
    public void KernelSize()
    {
        var v = Single(Budget((b, x) => b.Add(Conv("big", 8, 8, [7, 7], pads: [3, 3, 3, 3]), x)),
            Csk6Rule.KernelSize, "big");
        Assert.Equal("7×7", v.Value);
        Assert.Contains("3×3", v.Fix);
    }

    [Fact]
    public void Stride() =>
        Single(Budget((b, x) => b.Add(Conv("s3", 8, 8, [3, 3], stride: [3, 3]), x)), Csk6Rule.Stride, "s3");

    [Fact]
    public void Padding() =>
        Single(Budget((b, x) => b.Add(Conv("p5", 8, 8, [5, 5], pads: [5, 5, 5, 5]), x)), Csk6Rule.Padding, "p5");

    [Fact]
    public void PadExceedsKernel() => Single(Budget((b, x) => b.Add(Conv("p2", 8, 8, [1, 1], pads: [2, 2, 2, 2]), x)),
        Csk6Rule.PadExceedsKernel, "p2");

    [Fact]
    public void KernelBelowStride()
    {
        var v = Single(Budget((b, x) => b.Add(Conv("shortcut", 8, 16, [1, 1], stride: [2, 2]), x)),
            Csk6Rule.KernelBelowStride, "shortcut");
        Assert.Equal("kernel 1×1 < stride 2×2", v.Value);
        Assert.Equal("kernel 1 < stride 2: use a 3×3 stride-2 depthwise shortcut " +
            "(Convert-ToDepthwise -Shortcut DepthwiseSeparable).", v.Fix);
    }

    [Fact]
    public void Dilation() =>
        Single(Budget((b, x) => b.Add(Conv("d2", 8, 8, [3, 3], dilation: [2, 2]), x)), Csk6Rule.Dilation, "d2");

    [Fact]
    public void InputSmallerThanKernel()
        => Single(Budget((b, x) => b.Add(Conv("tiny", 8, 8, [5, 5], pads: [2, 2, 2, 2]), x), size: 4),
            Csk6Rule.InputSmallerThanKernel, "tiny");

    [Fact]
    public void DepthwiseWeights()
    {
        // ALIGN16(3,648)·9 = 32,832 > 32,768; 3,632 channels would fit.
        var v = Single(Budget((b, x) => b.Add(Conv("dw", 3648, 3648, [3, 3], pads: [1, 1, 1, 1], groups: 3648), x),
                c: 3648, size: 3),
            Csk6Rule.DepthwiseWeights, "dw");
        Assert.Equal("32,832 B", v.Value);
        Assert.Contains("3632", v.Fix);
    }

    [Fact]
    public void DepthwiseAtTheLimitPasses()
        => Assert.Empty(Budget((b, x) => b.Add(Conv("dw", 3632, 3632, [3, 3], pads: [1, 1, 1, 1], groups: 3632), x),
            c: 3632, size: 3));

    [Fact]
    public void ConvWeightAndInput()
    {
        // ALIGN8(2,048)·3·3·2 = 36,864 B for two output channels, input 2,048×8×8 = 128 KB.
        var v = Single(Budget((b, x) => b.Add(Conv("wide", 2048, 4, [3, 3], pads: [1, 1, 1, 1]), x), c: 2048, size: 8),
            Csk6Rule.ConvWeightAndInput, "wide");
        Assert.Contains("1816", v.Fix);
    }

    [Fact]
    public void ConvSplitImpossible()
        => Single(Budget((b, x) => b.Add(Conv("wide", 2048, 4, [3, 3], pads: [1, 1, 1, 1]), x), c: 2048, size: 3),
            Csk6Rule.ConvSplitImpossible, "wide");

    [Fact]
    public void RowBand()
        // One band of 3 rows of 1,024 channels at width 24: 1,024·3·24 = 72 KB.
        => Single(Budget((b, x) => b.Add(Conv("rows", 1024, 8, [3, 3], pads: [1, 1, 1, 1]), x),
            c: 1024, size: 24, height: 3), Csk6Rule.RowBand, "rows");

    [Fact]
    public void FusedClip()
        => Single(Budget((b, x) => b.Add(new Relu6Node { Name = "relu6" },
            b.Add(Conv("conv", 8, 8, [3, 3], pads: [1, 1, 1, 1]), x))), Csk6Rule.FusedClip, "conv");

    [Fact]
    public void UnsupportedOperator()
    {
        var v = Single(Budget((b, x) => b.Add(
                new OtherNode { Name = "leaky", OpType = "LeakyRelu", Shape = new TensorShape(8, 16, 16) }, x)),
            Csk6Rule.UnsupportedOperator, "leaky");
        Assert.Contains("ReLU", v.Fix);
    }

    [Fact]
    public void PoolKernelBelowStride()
        => Single(Budget((b, x) => b.Add(new MaxPool2dNode { Name = "pool", Kernel = [1, 1], Stride = [2, 2] }, x)),
            Csk6Rule.KernelBelowStride, "pool");

    [Fact]
    public void GlobalPoolOverFiveIsAKernelViolation()
        => Single(Budget((b, x) => b.Add(new GlobalAvgPoolNode { Name = "gap" }, x), size: 8),
            Csk6Rule.KernelSize, "gap");

    [Fact]
    public void Psram()
    {
        // 1,024 → 1,024 1×1 conv: 1 MiB of weights against a 512 KiB board.
        var v = Single(Budget((b, x) => b.Add(Conv("pw", 1024, 1024, [1, 1]), x), c: 1024, size: 1,
                limits: new Csk6Limits { PsramBytes = 512 * 1024 }),
            Csk6Rule.Psram, "pw");
        Assert.Equal("1,048,576 B", v.Value);
        Assert.Equal("524,288 B", v.Limit);
    }

    [Fact]
    public void ShareMem()
    {
        // Two 64×64×64 maps live together: 512 KiB, over a 256 KiB limit.
        var v = Single(Budget((b, x) => b.Add(Conv("conv", 64, 64, [3, 3], pads: [1, 1, 1, 1]), x), c: 64, size: 64,
            limits: new Csk6Limits { ShareMemBytes = 256 * 1024 }), Csk6Rule.ShareMem, "conv");
        Assert.Contains("input", v.Message);
    }
}
