using Csk6Tools.Engine.Deploy;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Onnx;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Tests.Package;

/// <summary>New-Csk6Package -Layout V3: tpacker 3.x's package for venus (its workspaces, shapes, attributes and
/// plan).</summary>
public class ThinkerV3PackageTests
{
    private static readonly Lazy<Engine.Model.Csk6Model> Demo =
        new(() => ModelImporter.Import(Fixtures.Path("resnet18-12-regular.onnx")));

    [Fact]
    public void TpackerPlannerPacksTpacker3sDemoPackage()
    {
        var packed = PackageBuilder.Build(Demo.Value,
            new PackOptions { Layout = PackageLayout.V3, Planner = MemoryPlanner.Tpacker });
        var plan = packed.Report.ShareMemPlan;
        Assert.Equal("GreedyBySize", plan.Planner);
        Assert.Equal(331_440, plan.Bytes); // v2: 384,752, mostly a 16,384-byte workspace against 65,536
        Assert.Equal((331_440L, 335_600L, 343_024L),
            (plan.Candidates["GreedyBySize"], plan.Candidates["GreedyByBreadth"], plan.Candidates["GreedyByOrder"]));
        var expected = File.ReadAllBytes(Fixtures.Path("resnet18_v3_model.bin"));
        Assert.Equal(expected.Length, packed.Bytes.Length);
        Assert.Equal(expected, packed.Bytes);
    }

    [Fact]
    public void OurPlannersV3PackageComputesLisenaisOutput()
    {
        var packed = PackageBuilder.Build(Demo.Value, new PackOptions { Layout = PackageLayout.V3 });
        var package = ThinkerPackage.Read(packed.Bytes);
        Assert.Equal(PackageLayout.V3, package.Layout);
        Assert.Equal("OffsetBestFit", packed.Report.ShareMemPlan.Planner);
        var output = new Int8Engine(package).Run(File.ReadAllBytes(Fixtures.Path("apple_input_q6.bin")));
        Assert.Equal(File.ReadAllBytes(Fixtures.Path("apple_output_q4.bin")), output);
    }

    [Fact]
    public void FloatInputAndOutputIsAV2Option()
    {
        var e = Assert.Throws<PackException>(() => PackageBuilder.Build(Demo.Value,
            new PackOptions { Layout = PackageLayout.V3, KeepQuantDequant = true }));
        Assert.Equal(ErrorIds.PackOptionNotInLayout, e.ErrorId);
    }
}
