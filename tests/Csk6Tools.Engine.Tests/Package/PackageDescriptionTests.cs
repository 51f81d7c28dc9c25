using Csk6Tools.Engine.Inference;
using System.Text;
using Csk6Tools.Engine.Imaging;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Tests.Package;

/// <summary>model.json beside model.bin: written with the bin's CRC, read when it matches, ignored with a reason when
/// not.</summary>
public sealed class PackageDescriptionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("csk6-description-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (string Bin, PackageDescription Description) DemoWithDescription()
    {
        string bin = Path.Combine(_folder, "demo.bin");
        File.Copy(Fixtures.Path("resnet18_v2_model.bin"), bin);
        var package = ThinkerPackage.Read(bin);
        var model = Csk6Model.FromGraph(Engine.Zoo.ResNet.Create(new Engine.Zoo.ResNetOptions())) with
        {
            Classes = Enumerable.Range(0, 100).Select(i => $"class{i}").ToArray(),
            Normalization = new Normalization([0.5f, 0.25f, 0.125f], [0.5f, 0.5f, 0.5f]),
            Source = "/models/demo.onnx",
        };
        var description = PackageDescription.For(package, model);
        description.Write(bin);
        return (bin, description);
    }

    [Fact]
    public void RoundTripsBesideTheBinAndDecidesTheInputAndTheLabels()
    {
        var (bin, written) = DemoWithDescription();
        Assert.Equal(Path.Combine(_folder, "demo.json"), PackageDescription.PathFor(bin));
        var package = ThinkerPackage.Read(bin);
        Assert.Null(package.DescriptionWarning);
        var d = package.Description!;
        Assert.Equal(0x1EDE9Eu, d.Crc);
        Assert.Equal([1, 3, 32, 32], d.Input.Shape);
        Assert.Equal(6, d.Input.Exponent);
        Assert.Equal([1, 100], d.Output.Shape);
        Assert.Equal(4, d.Output.Exponent);
        Assert.Equal("/models/demo.onnx", d.SourceModel);
        Assert.Equal("0.1.0", d.ModuleVersion);
        Assert.Equal(written.Classes, d.Classes);
        Assert.Equal("class7", package.Classes![7]);

        var spec = PackageInput.ImageSpec(package);
        Assert.Equal([0.5f, 0.25f, 0.125f], spec.Mean);
        // Explicit values win, part by part.
        Assert.Equal([0.1f, 0.2f, 0.3f], PackageInput.ImageSpec(package, mean: [0.1f, 0.2f, 0.3f]).Mean);
        Assert.Equal([0.5f, 0.5f, 0.5f], PackageInput.ImageSpec(package, mean: [0.1f, 0.2f, 0.3f]).Std);
        string json = File.ReadAllText(PackageDescription.PathFor(bin));
        Assert.Contains("\"crc\": 2023070", json);
        Assert.Contains("\"format\": \"csk6tools-package-description/1\"", json);
    }

    [Fact]
    public void WithoutASidecarLISTENAIsPackageKeepsCifar100()
    {
        string bin = Path.Combine(_folder, "plain.bin");
        File.Copy(Fixtures.Path("resnet18_v2_model.bin"), bin);
        var package = ThinkerPackage.Read(bin);
        Assert.Null(package.Description);
        Assert.Null(package.DescriptionWarning);
        Assert.Equal("apple", package.Classes![0]);
        Assert.Equal(Engine.Data.Cifar100.Mean, PackageInput.ImageSpec(package).Mean);
    }

    [Fact]
    public void ASidecarOfAnotherBinIsIgnoredWithAReason()
    {
        var (bin, written) = DemoWithDescription();
        File.WriteAllBytes(PackageDescription.PathFor(bin), (written with { Crc = 0x123456 }).ToJson());
        var package = ThinkerPackage.Read(bin);
        Assert.Null(package.Description);
        Assert.Contains("CRC-24 0x123456, but", package.DescriptionWarning);
        Assert.Equal("apple", package.Classes![0]);
        Assert.Equal(Engine.Data.Cifar100.Mean, PackageInput.ImageSpec(package).Mean);
    }

    [Theory]
    [InlineData("{ not json", "not a readable package description")]
    [InlineData("{\"format\": \"other/2\", \"crc\": 2023070, \"input\": {\"name\": \"i\", \"shape\": [1]}, " +
        "\"output\": {\"name\": \"o\", \"shape\": [1]}}", "its format is 'other/2'")]
    [InlineData("{\"crc\": 2023070}", "not a readable package description")]
    [InlineData("{\"crc\": 2023070, \"classes\": [\"a\", \"b\"], \"input\": {\"name\": \"i\", \"shape\": [1]}, " +
        "\"output\": {\"name\": \"o\", \"shape\": [1]}}", "names 2 classes, but the package has 100 outputs")]
    [InlineData("{\"crc\": 2023070, \"normalization\": {\"mean\": [0.5], \"std\": [0]}, " +
        "\"input\": {\"name\": \"i\", \"shape\": [1]}, \"output\": {\"name\": \"o\", \"shape\": [1]}}",
        "every std positive")]
    public void AnUnusableSidecarIsIgnoredWithAReason(string json, string reason)
    {
        string bin = Path.Combine(_folder, "bad.bin");
        File.Copy(Fixtures.Path("resnet18_v2_model.bin"), bin);
        File.WriteAllText(PackageDescription.PathFor(bin), json, Encoding.UTF8);
        var package = ThinkerPackage.Read(bin);
        Assert.Null(package.Description);
        Assert.True(package.DescriptionWarning?.Contains(reason), package.DescriptionWarning);
    }

    [Fact]
    public void ASidecarNeverReplacesItsBin()
    {
        Assert.Equal("/p/model.json", PackageDescription.PathFor("/p/model.bin"));
        Assert.Equal("/p/model.json", PackageDescription.PathFor("/p/model"));
        Assert.Equal("/p/x.json.json", PackageDescription.PathFor("/p/x.json"));
    }
}
