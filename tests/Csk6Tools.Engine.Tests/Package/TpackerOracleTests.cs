using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Deploy;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Onnx;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Tests.Package;

/// <summary>
/// Networks this module trained, exported as linger ONNX and packed by LISTENAI's tpacker 2.1.1
/// (tests/fixtures/tpacker-oracle): our package with tpacker's planner choice is its file byte for byte.
/// </summary>
public class TpackerOracleTests
{
    [Theory]
    // bottleneck ResNet-50: tpacker picks GreedyBySize
    [InlineData("r50_dw_w025_fm", "GreedyBySize", 337_152, 882_032)]
    [InlineData("r18_dw_stem_fm", "GreedyByBreadth", 195_072, 378_064)] // -IncludeStem: a one-channel depthwise stem
    public void TpackerPlannerPacksTpackersBytes(string network, string chosen, long shareMem, long psram)
    {
        var model = ModelImporter.Import(Fixtures.In("tpacker-oracle", $"{network}.linger.onnx"));
        var packed = PackageBuilder.Build(model, new PackOptions { Planner = MemoryPlanner.Tpacker });
        var expected = File.ReadAllBytes(Fixtures.In("tpacker-oracle", $"{network}.tpacker_v2.bin"));
        Assert.Equal(chosen, packed.Report.ShareMemPlan.Planner);
        Assert.Equal(shareMem, packed.Report.ShareMemPlan.Bytes);
        Assert.Equal(psram, packed.Report.Regions.Single(r => r.Region == MemoryKind.Psram).Bytes);
        Assert.Equal(expected.Length, packed.Bytes.Length);
        Assert.Equal(expected, packed.Bytes);
    }

    [Theory]
    // what tpacker's three planners give (printed by tpacker run as an oracle)
    [InlineData("r50_dw_w025_fm", 337_152, 341_376, 356_880)]
    [InlineData("r18_dw_stem_fm", 197_120, 195_072, 196_640)]
    public void TpackersThreePlannersGiveItsTotals(string network, long bySize, long byBreadth, long byOrder)
    {
        var model = ModelImporter.Import(Fixtures.In("tpacker-oracle", $"{network}.linger.onnx"));
        var plan = PackageBuilder.Build(model, new PackOptions { Planner = MemoryPlanner.Tpacker }).Report.ShareMemPlan;
        Assert.Equal(bySize, plan.Candidates["GreedyBySize"]);
        Assert.Equal(byBreadth, plan.Candidates["GreedyByBreadth"]);
        Assert.Equal(byOrder, plan.Candidates["GreedyByOrder"]);
    }

    [Fact]
    public void TpackerPlannerPacksLisenaisDemo()
    {
        var demo = ModelImporter.Import(Fixtures.Path("resnet18-12-regular.onnx"));
        var packed = PackageBuilder.Build(demo, new PackOptions { Planner = MemoryPlanner.Tpacker });
        Assert.Equal("GreedyByBreadth", packed.Report.ShareMemPlan.Planner);
        Assert.Equal(File.ReadAllBytes(Fixtures.Path("resnet18_v2_model.bin")), packed.Bytes);
    }

    /// <summary>
    /// tpacker counts a conv as depthwise from its packed weight: a one-channel conv (group 1 = in = out) packs as
    /// depthwise and reports a workspace; a dense 1×1 conv with 16 outputs packs as (16, 1, 1, Cin) and does too.
    /// </summary>
    [Theory]
    [InlineData(1, 1, 3, 0L)]     // the -IncludeStem depthwise of a one-channel input
    [InlineData(64, 16, 1, 0L)]   // bottleneck 1×1 reduction to 16 channels
    [InlineData(16, 15, 1, 0L)]   // ALIGN2(15) = 16
    [InlineData(16, 32, 1, null)] // a plain pointwise conv: no workspace
    [InlineData(16, 16, 3, null)] // a dense 3×3 conv: no workspace
    public void ConvWorkspaceFollowsTpackersPackedShape(int cin, int cout, int k, long? workspace)
    {
        var b = new GraphBuilder("g", new TensorShape(cin, 8, 8));
        b.Add(new Conv2dNode
        {
            Name = "conv", InChannels = cin, OutChannels = cout, Kernel = [k, k],
            Pads = Enumerable.Repeat(k / 2, 4).ToArray(),
        }, b.Input);
        Assert.Equal(workspace, DeployGraph.Lower(b.Build("conv")).Ops.Single().Workspace);
    }
}
