using Csk6Tools.Engine.Deploy;
using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Target;
using Csk6Tools.Engine.Transforms;
using Csk6Tools.Engine.Zoo;

namespace Csk6Tools.Engine.Tests.Deploy;

/// <summary>LISTENAI's demo network rebuilt from the zoo (Dense3x3 shortcuts), against what tpacker printed for
/// it.</summary>
public class DemoNetworkTests
{
    private static readonly DeployGraph Demo = DeployGraph.Lower(
        DepthwiseConverter.Convert(ResNet.Create(new ResNetOptions()),
            new DepthwiseOptions { Shortcut = ShortcutStyle.Dense3x3 }).Model);

    [Fact]
    public void PsramEqualsTpacker() => Assert.Equal(2_875_136, Demo.ConstantBytes);

    [Fact]
    public void OpsMatchThePackage()
    {
        Assert.Equal(139, Demo.Ops.Count);
        var kinds = Demo.Ops.GroupBy(o => o.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(110, kinds["Conv2dInt"]);
        Assert.Equal(10, kinds["iqCat"]);
        Assert.Equal(8, kinds["iqAdd"]);
        Assert.Equal(8, kinds["Relu"]);
        Assert.Equal(1, kinds["AvgPool2dInt"]);
        Assert.Equal(1, kinds["Reshape"]);
        Assert.Equal(1, kinds["LinearInt"]);
    }

    [Fact]
    public void SplitsAreTpackers()
    {
        Assert.Equal([56, 56, 16], Demo.Splits["conv3_x.0.shortcut.0"].Pieces);
        Assert.Equal(10, Demo.Splits["conv4_x.0.shortcut.0"].Pieces.Count);
        Assert.Equal(28, Demo.Splits["conv4_x.0.shortcut.0"].Pieces[0]);
        Assert.Equal(37, Demo.Splits["conv5_x.0.shortcut.0"].Pieces.Count);
        Assert.Equal(Enumerable.Repeat(64, 8), Demo.Splits["conv5_x.1.residual_function.3.pointwise"].Pieces);
    }

    [Fact]
    public void TpackerPlannersReproduceItsShareMem()
    {
        var plan = MemoryPlanner.Plan(Demo);
        Assert.Equal(384_752, plan.Candidates["GreedyByBreadth"]); // tpacker's winner, as it printed
        Assert.Equal(387_536, plan.Candidates["GreedyBySize"]);
        Assert.Equal(392_176, plan.Candidates["GreedyByOrder"]);
        Assert.Equal(347_536, plan.LowerBound); // 3 × 65,536 + workspace 65,536 + DMA 51,600 + 33,792
        Assert.Equal(347_536, plan.Bytes);      // ours reaches the bound
        Assert.Equal("OffsetBestFit", plan.Planner);
    }

    [Fact]
    public void PlanNeverOverlapsLiveTensors()
    {
        var t = MemoryPlanner.Plan(Demo).Tensors.Where(x => x.Bytes > 0).ToList();
        foreach (var a in t)
            foreach (var b in t)
                if (!ReferenceEquals(a, b) && a.Offset != b.Offset && a.Begin <= b.End && b.Begin <= a.End)
                    Assert.True(a.Offset + a.Bytes <= b.Offset || b.Offset + b.Bytes <= a.Offset,
                        $"{a.Name} overlaps {b.Name}");
    }

    [Fact]
    public void LifetimesEqualTpackersMemoryReport()
    {
        // Every planned tensor of tpacker's report (life begin, life end, size), in its order, against ours.
        var report = File.ReadLines(Fixtures.Path("resnet18_v2_memory_report.txt"))
            .SkipWhile(l => !l.Contains("MemType.SHARE_MEM"))
            .Select(l => l.Trim('|', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 5 && int.TryParse(f[2], out _) && int.TryParse(f[3], out _))
            .Select(f => (int.Parse(f[2]), int.Parse(f[3]), long.Parse(f[4])))
            .ToList();
        var ours = MemoryPlanner.Plan(Demo).Tensors.Select(t => (t.Begin, t.End, t.Bytes)).ToList();
        Assert.Equal(143, report.Count);
        Assert.Equal(report, ours);
    }
}

public class LayerShareMemTests
{
    [Fact]
    public void EachLayerSaysWhatIsLiveAndTheMostIsTheLowerBound()
    {
        var graph = DepthwiseConverter.Convert(ResNet.Create(new ResNetOptions()),
            new DepthwiseOptions { Shortcut = ShortcutStyle.Dense3x3 }).Model;
        var budget = BudgetCalculator.Measure(graph);
        Assert.Equal(347_536, budget.ShareMemBytes);
        Assert.Equal(budget.ShareMemPlan.LowerBound, budget.Layers.Max(l => l.ShareMemBytes));
        // A BatchNorm folded into its convolution runs no op of its own.
        Assert.All(budget.Layers.Where(l => l.Op == "BatchNorm2d"), l => Assert.Equal(0, l.ShareMemBytes));
        // The stem: input 3,072 B, output 65,536 B, and the two DMA buffers (51,600 + 33,792 B) that live throughout.
        Assert.Equal(3_072 + 65_536 + 51_600 + 33_792, budget.Layers[0].ShareMemBytes);
    }
}
