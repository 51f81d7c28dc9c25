using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Target;
using Csk6Tools.Engine.Transforms;
using Csk6Tools.Engine.Zoo;

namespace Csk6Tools.Engine.Tests.Zoo;

/// <summary>Zoo and depthwise counts against the reference table and against an independent count written here by
/// hand.</summary>
public class ResNetCountTests
{
    [Theory]
    [InlineData(18, 11_220_132)]
    [InlineData(34, 21_328_292)]
    [InlineData(50, 23_705_252)]
    [InlineData(101, 42_697_380)]
    [InlineData(152, 58_341_028)]
    public void TrainableParametersEqualPytorchCifar100(int depth, long expected)
        => Assert.Equal(expected, ResNet.Create(new ResNetOptions { Depth = depth }).Parameters);

    [Theory]
    [InlineData(18, ShortcutStyle.DepthwiseSeparable, 1_489_828L, 1_485_028L, 1_502_624L, 73.4)]
    [InlineData(18, ShortcutStyle.Dense3x3, 2_862_052L, 2_857_252L, 2_875_136L, 123.4)]
    [InlineData(18, ShortcutStyle.Keep, 1_485_796L, 1_480_996L, 1_498_592L, 73.1)]
    [InlineData(34, ShortcutStyle.DepthwiseSeparable, 2_652_964L, 2_644_452L, 2_673_184L, 144.1)]
    [InlineData(34, ShortcutStyle.Dense3x3, 4_025_188L, 4_016_676L, 4_045_696L, 194.2)]
    // the table gives only trainable and MACs for ds3x3_only
    [InlineData(50, ShortcutStyle.Keep, 13_679_460L, 0L, 0L, 765.2)]
    public void DepthwiseVariantsEqualTheReferenceTable(
        int depth, ShortcutStyle style, long trainable, long deployed, long psram, double mmacs)
    {
        var model = DepthwiseConverter.Convert(ResNet.Create(new ResNetOptions { Depth = depth }),
            new DepthwiseOptions { Shortcut = style }).Model;
        Assert.Equal(trainable, model.Parameters);
        if (deployed > 0) Assert.Equal(deployed, model.DeployParameters);
        // folded and fc biases are 4 bytes (table: 1,499,728 for DS ResNet-18)
        if (deployed > 0) Assert.Equal(deployed + 3 * (trainable - deployed + 100), model.Int8Bytes);
        if (psram > 0) Assert.Equal(psram, BudgetCalculator.Measure(model).PsramBytes);
        Assert.Equal(mmacs, Math.Round(model.Macs / 1e6, 1));
    }

    [Theory]
    [InlineData(18, 11_215_332, 11_230_032, 11_235_712, 555.5)]
    [InlineData(34, 21_319_780, 21_345_616, 21_353_824, 1159.4)]
    [InlineData(50, 23_705_252 - 53_120 / 2, 23_758_672, 0, 1298.0)]
    public void OriginalDeployCountsEqualTheReferenceTable(
        int depth, long deployed, long int8Bytes, long psram, double mmacs)
    {
        var budget = BudgetCalculator.Measure(ResNet.Create(new ResNetOptions { Depth = depth }));
        Assert.Equal(deployed, budget.DeployParameters);
        Assert.Equal(int8Bytes, budget.Int8Bytes);
        if (psram == 0) return;
        Assert.Equal(psram, budget.PsramBytes);
        Assert.Equal(mmacs, Math.Round(budget.Macs / 1e6, 1));
    }

    public static TheoryData<int, bool, ShortcutStyle> Variants()
    {
        var data = new TheoryData<int, bool, ShortcutStyle>();
        foreach (int d in ResNet.Depths)
        {
            data.Add(d, false, ShortcutStyle.Keep);
            foreach (var s in Enum.GetValues<ShortcutStyle>()) data.Add(d, true, s);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void EveryDepthAgreesWithAnIndependentCount(int depth, bool depthwise, ShortcutStyle style)
    {
        var graph = ResNet.Create(new ResNetOptions { Depth = depth });
        if (depthwise) graph = DepthwiseConverter.Convert(graph, new DepthwiseOptions { Shortcut = style }).Model;
        var expected = IndependentCount.Of(depth, depthwise, style);
        Assert.Equal(expected.Trainable, graph.Parameters);
        Assert.Equal(expected.Deployed, graph.DeployParameters);
        Assert.Equal(expected.Macs, graph.Macs);
        Assert.Equal(expected.Psram, BudgetCalculator.Measure(graph).PsramBytes);
    }

    [Fact]
    public void WidthScalesEveryStage()
    {
        var half = ResNet.Create(new ResNetOptions { Width = 0.5, Classes = 10, InputChannels = 1, InputSize = 28 });
        Assert.Equal(new TensorShape(1, 28, 28), half.InputShape);
        Assert.Equal(32, ((Conv2dNode)half["conv1.0"]).OutChannels);
        Assert.Equal(256, ((LinearNode)half["fc"]).InFeatures);
        Assert.Equal(new TensorShape(256, 4, 4), half["conv5_x.1.relu"].OutputShape);
        Assert.Equal(new TensorShape(10), half.OutputShape);
    }

    [Theory]
    [InlineData(19)]
    [InlineData(0)]
    public void UnknownDepthIsRefused(int depth)
        => Assert.Throws<ArgumentOutOfRangeException>(() => ResNet.Create(new ResNetOptions { Depth = depth }));

    [Fact]
    public void NegativeWidthIsRefused()
        => Assert.Throws<ArgumentOutOfRangeException>(() => ResNet.Create(new ResNetOptions { Width = -1 }));

    /// <summary>Counts from the architecture's arithmetic alone, block by block, without the graph.</summary>
    private static class IndependentCount
    {
        public sealed record Counts(long Trainable, long Deployed, long Macs, long Psram);

        public static Counts Of(int depth, bool dw, ShortcutStyle style)
        {
            (bool bottleneck, int[] blocks) = depth switch
            {
                18 => (false, new[] { 2, 2, 2, 2 }), 34 => (false, new[] { 3, 4, 6, 3 }),
                50 => (true, new[] { 3, 4, 6, 3 }), 101 => (true, new[] { 3, 4, 23, 3 }),
                _ => (true, new[] { 3, 8, 36, 3 }),
            };
            long trainable = 0, deployed = 0, macs = 0, psram = 0;
            // conv k×k cin→cout at output size o, followed by BN (bn=true) or not.
            void Conv(int k, int cin, int cout, int o, bool bn, bool depthwise = false)
            {
                long w = depthwise ? (long)k * k * cin : (long)k * k * cin * cout;
                trainable += w + (bn ? 2 * cout : 0);
                deployed += w + (bn ? cout : 0);
                macs += w * o * o;
                if (depthwise) psram += A16((cin + 15) / 16 * 16 * k * k);
                else
                {
                    long unit = (cin + 7) / 8 * 8 * k * k;
                    long chunk = 32768 / unit & ~1L;
                    long evenOut = (cout + 1) / 2 * 2;
                    if (evenOut * unit <= 32768) psram += A16(evenOut * unit) + (bn ? A16(4L * cout) : 0);
                    else
                        for (long s = 0; s < cout; s += chunk)
                        {
                            long n = Math.Min(chunk, cout - s);
                            psram += A16((n + 1) / 2 * 2 * unit) + (bn ? A16(4 * n) : 0);
                        }
                }
            }
            void Separable(int k, int cin, int cout, int o, bool bn)
            {
                if (dw && k > 1) { Conv(k, cin, cin, o, false, depthwise: true); Conv(1, cin, cout, o, bn); }
                else Conv(k, cin, cout, o, bn);
            }
            void Shortcut(int cin, int cout, int o, int stride)
            {
                if (stride == 1 || !dw || style == ShortcutStyle.Keep) Conv(1, cin, cout, o, true);
                else if (style == ShortcutStyle.Dense3x3) Conv(3, cin, cout, o, true);
                else { Conv(3, cin, cin, o, false, depthwise: true); Conv(1, cin, cout, o, true); }
            }

            Conv(3, 3, 64, 32, true);
            int channels = 64, size = 32;
            for (int stage = 0; stage < 4; stage++)
            {
                int width = 64 << stage, exp = bottleneck ? 4 : 1;
                for (int b = 0; b < blocks[stage]; b++)
                {
                    int stride = b == 0 && stage > 0 ? 2 : 1, o = size / stride;
                    if (bottleneck)
                    {
                        Conv(1, channels, width, size, true);
                        Separable(3, width, width, o, true);
                        Conv(1, width, width * 4, o, true);
                    }
                    else
                    {
                        Separable(3, channels, width, o, true);
                        Separable(3, width, width, o, true);
                    }
                    if (stride != 1 || channels != width * exp) Shortcut(channels, width * exp, o, stride);
                    channels = width * exp;
                    size = o;
                }
            }
            trainable += channels * 100L + 100;
            deployed += channels * 100L + 100;
            macs += channels * 100L;
            psram += A16(channels * 100L) + A16(400) + 16; // fc weight, bias, Reshape shape (−1, C) as int64
            return new Counts(trainable, deployed, macs, psram);
        }

        private static long A16(long x) => Csk6.Align16(x);
    }
}
