using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Search;
using Csk6Tools.Engine.Target;
using Csk6Tools.Engine.Transforms;
using Csk6Tools.Engine.Zoo;

namespace Csk6Tools.Engine.Tests.Search;

/// <summary>Find-Csk6Network's engine: the space it enumerates, the budgets it reuses, the Pareto order, the
/// errors.</summary>
public class SearchTests
{
    private static readonly ShortcutStyle[] BothShortcuts = [ShortcutStyle.DepthwiseSeparable, ShortcutStyle.Dense3x3];
    private static readonly IReadOnlyList<NetworkCandidate> Cifar100 =
        NetworkSearch.Run(new NetworkSearchOptions { KeepAll = true, Shortcuts = BothShortcuts });

    [Fact]
    public void EnumeratesDepthTimesWidthTimesConversion()
    {
        // 5 depths × 4 widths × (dense + depthwise); each shortcut style and the stem add conversions.
        Assert.Equal(40, NetworkSearch.Specs(new NetworkSearchOptions()).Count);
        Assert.Equal(60, NetworkSearch.Specs(new NetworkSearchOptions { Shortcuts = BothShortcuts }).Count);
        Assert.Equal(100,
            NetworkSearch.Specs(new NetworkSearchOptions { Shortcuts = BothShortcuts, IncludeStem = true }).Count);
        Assert.Equal(60, Cifar100.Count);
        Assert.Equal(60, Cifar100.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public void TheFrontOnCifar100HoldsTheDepthwiseResNet18()
    {
        var found = NetworkSearch.Run(new NetworkSearchOptions());
        var dw18 = found.Single(c => c.Name == "resnet18-dw");
        Assert.Equal(1, dw18.Rank);
        Assert.Equal(1_489_828, dw18.Parameters);
        Assert.Equal(1_502_624, dw18.PsramBytes);
        Assert.Equal(
            ["resnet34-dw", "resnet152-w0.25-dw", "resnet101-w0.25-dw", "resnet34-w0.75-dw", "resnet18-dw"],
            found.Take(5).Select(c => c.Name));
        Assert.DoesNotContain(found, c => c.Variant == "dense"); // the 1×1 stride-2 shortcuts break KernelBelowStride

        // With LISTENAI's dense 3×3 shortcuts in the space, the demo network is on the front, and a narrower one of
        // that style has more parameters for fewer MACs than the depthwise ResNet-18.
        var demo = Cifar100.Single(c => c.Name == "resnet18-dw-dense3x3");
        Assert.Equal((1, 2_875_136L), (demo.Rank, demo.PsramBytes));
        var narrow = Cifar100.Single(c => c.Name == "resnet18-w0.75-dw-dense3x3");
        Assert.Equal((1, 1_627_396L, 70_550_016L), (narrow.Rank, narrow.Parameters, narrow.Macs));
        Assert.Equal(2, Cifar100.Single(c => c.Name == "resnet18-dw").Rank);
        Assert.False(Cifar100.Single(c => c.Name == "resnet18").Fits);
    }

    [Fact]
    public void BudgetsAreGetModelBudgetsWithTheSearchsOptions()
    {
        foreach (var c in Cifar100.Where(c => c.Depth is 18 or 50))
        {
            var again = BudgetCalculator.Measure(c.Model, new BudgetOptions { RescaledAddInputs = 2 });
            Assert.Equal(again.PsramBytes, c.PsramBytes);
            Assert.Equal(again.ShareMemBytes, c.ShareMemBytes);
            Assert.Equal(again.Violations.Select(v => v.Rule), c.Violations.Select(v => v.Rule));
        }
        var resnet50w05 = ResNet.Create(new ResNetOptions { Depth = 50, Width = 0.5 });
        Assert.Equal(resnet50w05.Parameters, Cifar100.Single(c => c.Name == "resnet50-w0.5").Parameters);
    }

    [Fact]
    public void FittingRowsComeFirstInParetoOrder()
    {
        int firstMisfit = Cifar100.ToList().FindIndex(c => !c.Fits);
        Assert.True(firstMisfit > 0);
        Assert.All(Cifar100.Skip(firstMisfit), c => Assert.False(c.Fits));
        Assert.All(Cifar100.Skip(firstMisfit), c => Assert.NotEmpty(c.Violations));
        var fitting = Cifar100.Take(firstMisfit).ToList();
        Assert.Equal(fitting.Select(c => c.Name),
            NetworkSearch.Run(new NetworkSearchOptions { Shortcuts = BothShortcuts }).Select(c => c.Name));
        for (int i = 1; i < fitting.Count; i++)
        {
            var (a, b) = (fitting[i - 1], fitting[i]);
            Assert.True(a.Rank < b.Rank || a.Rank == b.Rank && a.Parameters >= b.Parameters, $"{a} before {b}");
        }
        // Nothing on the front is dominated; everything off it is dominated by a row of the rank before.
        foreach (var c in fitting)
        {
            bool Dominated(NetworkCandidate by) => by.Parameters >= c.Parameters && by.Macs <= c.Macs &&
                (by.Parameters > c.Parameters || by.Macs < c.Macs);
            if (c.Rank == 1) Assert.DoesNotContain(fitting, Dominated);
            else Assert.Contains(fitting.Where(o => o.Rank == c.Rank - 1), Dominated);
        }
    }

    [Fact]
    public void LimitsOfTheSearchFilterAndSayWhy()
    {
        var small = NetworkSearch.Run(new NetworkSearchOptions
        {
            Depths = [18, 34], Shortcuts = BothShortcuts, MaxMacs = 100_000_000, MaxParameters = 2_000_000,
            KeepAll = true,
        });
        Assert.All(small.Where(c => c.Fits), c => Assert.True(c.Macs <= 100_000_000 && c.Parameters <= 2_000_000));
        var dense3x3 = small.Single(c => c.Name == "resnet18-dw-dense3x3");
        Assert.False(dense3x3.Fits);
        Assert.True(dense3x3.Budget.Fits);
        Assert.Equal(["MaxMacs 123,426,816 > 100,000,000", "MaxParameters 2,862,052 > 2,000,000"],
            dense3x3.LimitsExceeded);
        Assert.Equal("MaxMacs, MaxParameters", dense3x3.Breaks);
        var tiny = NetworkSearch.Run(new NetworkSearchOptions
        {
            Depths = [18], Limits = new Csk6Limits { PsramBytes = 1_000_000 },
        });
        Assert.All(tiny, c => Assert.True(c.PsramBytes <= 1_000_000));
        Assert.DoesNotContain(tiny, c => c.Name == "resnet18-dw");
    }

    [Fact]
    public void AGivenModelIsSearchedOverWidthAndConversion()
    {
        var graph = ResNet.Create(new ResNetOptions { Depth = 18, Classes = 10, InputChannels = 1, InputSize = 28 });
        var found = NetworkSearch.Run(new NetworkSearchOptions
        {
            Model = graph, Widths = [0.5, 1.0], KeepAll = true, IncludeStem = true,
        });
        Assert.Equal(6, found.Count); // 2 widths × (dense, depthwise, depthwise with the stem)
        var half = found.Single(c => c.Name == "resnet18-w0.5-dw");
        var zoo = DepthwiseConverter.Convert(ResNet.Create(new ResNetOptions
        {
            Depth = 18, Classes = 10, InputChannels = 1, InputSize = 28, Width = 0.5,
        })).Model;
        Assert.Equal(zoo.Parameters, half.Parameters);
        Assert.Equal(BudgetCalculator.Measure(zoo, new BudgetOptions { RescaledAddInputs = 2 }).ShareMemBytes,
            half.ShareMemBytes);
        Assert.Equal(10, half.Model.OutputShape[0]);

        // An already depthwise graph has nothing left to convert: only its widths are candidates.
        var dw = DepthwiseConverter.Convert(graph).Model;
        Assert.Equal(2,
            NetworkSearch.Run(new NetworkSearchOptions { Model = dw, Widths = [0.5, 1.0], KeepAll = true }).Count);
    }

    [Fact]
    public void WidthScalingKeepsTheClassesAndFollowsDepthwiseLayers()
    {
        var dw = DepthwiseConverter.Convert(ResNet.Create(new ResNetOptions { Depth = 18 })).Model;
        var quarter = WidthScaling.Scale(dw, 0.25);
        var zoo = DepthwiseConverter.Convert(ResNet.Create(new ResNetOptions { Depth = 18, Width = 0.25 })).Model;
        Assert.Equal(zoo.Parameters, quarter.Parameters);
        Assert.Equal(zoo.Macs, quarter.Macs);
        Assert.Equal(100, quarter.OutputShape[0]);
    }

    [Theory]
    [InlineData("depths", ErrorIds.SearchEmptyRange)]
    [InlineData("widths", ErrorIds.SearchEmptyRange)]
    [InlineData("shortcuts", ErrorIds.SearchEmptyRange)]
    [InlineData("depth 20", ErrorIds.SearchInvalidDepth)]
    [InlineData("width 0", ErrorIds.SearchInvalidWidth)]
    [InlineData("width -0.5", ErrorIds.SearchInvalidWidth)]
    [InlineData("psram 0", ErrorIds.SearchInvalidCapacity)]
    [InlineData("sharemem -1", ErrorIds.SearchInvalidCapacity)]
    [InlineData("maxmacs -1", ErrorIds.SearchInvalidLimit)]
    [InlineData("shape 3x32x16", ErrorIds.SearchInvalidInput)]
    [InlineData("classes 0", ErrorIds.SearchInvalidInput)]
    [InlineData("model other", ErrorIds.SearchModelNotConvertible)]
    public void BadInputHasAStableId(string input, string id)
    {
        var b = new GraphBuilder("odd", new TensorShape(3, 32, 32));
        string x = b.Add(Conv2dNode.Create("conv", 3, 8, 3, padding: 1), b.Input);
        x = b.Add(new OtherNode { Name = "gelu", OpType = "Gelu", Shape = new TensorShape(8, 32, 32) }, x);
        b.Add(new FlattenNode { Name = "flat" }, x);
        var o = new NetworkSearchOptions();
        o = input switch
        {
            "depths" => o with { Depths = [] },
            "widths" => o with { Widths = [] },
            "shortcuts" => o with { Shortcuts = [] },
            "depth 20" => o with { Depths = [18, 20] },
            "width 0" => o with { Widths = [0.5, 0] },
            "width -0.5" => o with { Widths = [-0.5] },
            "psram 0" => o with { Limits = new Csk6Limits { PsramBytes = 0 } },
            "sharemem -1" => o with { Limits = new Csk6Limits { ShareMemBytes = -1 } },
            "maxmacs -1" => o with { MaxMacs = -1 },
            "shape 3x32x16" => o with { InputShape = new TensorShape(3, 32, 16) },
            "classes 0" => o with { Classes = 0 },
            _ => o with { Model = b.Build() },
        };
        var e = Assert.Throws<SearchException>(() => NetworkSearch.Run(o));
        Assert.Equal(id, e.ErrorId);
        if (id == ErrorIds.SearchModelNotConvertible) Assert.Contains("'gelu' (Gelu)", e.Message);
    }
}
