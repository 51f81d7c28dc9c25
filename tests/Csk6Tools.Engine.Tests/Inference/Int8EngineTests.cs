using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Package;
using Xunit;

namespace Csk6Tools.Engine.Tests.Inference;

/// <summary>The engine against what LISTENAI's test_thinker wrote for the demo package.</summary>
public class Int8EngineTests
{
    public static TheoryData<string, KernelPath> PackagesOnEveryPath()
    {
        var data = new TheoryData<string, KernelPath>();
        foreach (var package in new[] { "resnet18_v2_model.bin", "resnet18_v3_model.bin" })
            foreach (var path in TestedPaths.All) data.Add(package, path);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(PackagesOnEveryPath))]
    public void AppleGivesTheReferenceLogits(string package, KernelPath path)
    {
        Skip.IfNot(KernelPaths.IsSupported(path), $"This CPU has no {path}.");
        var engine = new Int8Engine(ThinkerPackage.Read(Fixtures.Path(package)), path);
        var output = engine.Run(File.ReadAllBytes(Fixtures.Path("apple_input_q6.bin")));
        Assert.Equal(File.ReadAllBytes(Fixtures.Path("apple_output_q4.bin")), output);
        Assert.Equal(91, (sbyte)output[0]);
    }

    [SkippableTheory]
    [MemberData(nameof(PackagesOnEveryPath))]
    public void ZerosGiveTheReferenceLogits(string package, KernelPath path)
    {
        Skip.IfNot(KernelPaths.IsSupported(path), $"This CPU has no {path}.");
        var engine = new Int8Engine(ThinkerPackage.Read(Fixtures.Path(package)), path);
        var output = engine.Run(new byte[3072]);
        Assert.Equal(File.ReadAllBytes(Fixtures.Path("zeros_output_q4.bin")), output);
        var logits = output.Select(b => (sbyte)b).ToList();
        Assert.Equal((23, 58), (logits.IndexOf(logits.Max()), (int)logits.Max()));
    }

    [Fact]
    public void WrongInputSizeIsRefused()
    {
        var engine = new Int8Engine(ThinkerPackage.Read(Fixtures.Path("resnet18_v2_model.bin")));
        Assert.Equal(ErrorIds.EngineInputSize,
            Assert.Throws<InferenceException>(() => engine.Run(new byte[3071])).ErrorId);
    }

    [Fact]
    public void ThePathIsTheBestTheCpuHasAndAMissingOneIsRefused()
    {
        var package = ThinkerPackage.Read(Fixtures.Path("resnet18_v2_model.bin"));
        Assert.Equal(KernelPaths.Best, new Int8Engine(package).Path);
        Assert.Equal(KernelPath.Scalar, KernelPaths.Supported[0]);
        Assert.Contains(KernelPaths.Best, KernelPaths.Supported);
        foreach (var missing in Enum.GetValues<KernelPath>().Where(p => !KernelPaths.IsSupported(p)))
            Assert.Equal(ErrorIds.EngineKernelPathNotSupported,
                Assert.Throws<InferenceException>(() => new Int8Engine(package, missing)).ErrorId);
    }
}
