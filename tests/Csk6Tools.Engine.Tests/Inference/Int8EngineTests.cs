using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Package;
using Xunit;

namespace Csk6Tools.Engine.Tests.Inference;

/// <summary>The engine against what LISTENAI's test_thinker wrote for the demo package.</summary>
public class Int8EngineTests
{
    [Theory]
    [InlineData("resnet18_v2_model.bin")]
    [InlineData("resnet18_v3_model.bin")]
    public void AppleGivesTheReferenceLogits(string package)
    {
        var engine = new Int8Engine(ThinkerPackage.Read(Fixtures.Path(package)));
        var output = engine.Run(File.ReadAllBytes(Fixtures.Path("apple_input_q6.bin")));
        Assert.Equal(File.ReadAllBytes(Fixtures.Path("apple_output_q4.bin")), output);
        Assert.Equal(91, (sbyte)output[0]);
    }

    [Theory]
    [InlineData("resnet18_v2_model.bin")]
    [InlineData("resnet18_v3_model.bin")]
    public void ZerosGiveTheReferenceLogits(string package)
    {
        var engine = new Int8Engine(ThinkerPackage.Read(Fixtures.Path(package)));
        var output = engine.Run(new byte[3072]);
        Assert.Equal(File.ReadAllBytes(Fixtures.Path("zeros_output_q4.bin")), output);
        var logits = output.Select(b => (sbyte)b).ToList();
        Assert.Equal((23, 58), (logits.IndexOf(logits.Max()), (int)logits.Max()));
    }

    [Fact]
    public void WrongInputSizeIsRefused()
    {
        var engine = new Int8Engine(ThinkerPackage.Read(Fixtures.Path("resnet18_v2_model.bin")));
        Assert.Equal(ErrorIds.EngineInputSize, Assert.Throws<InferenceException>(() => engine.Run(new byte[3071])).ErrorId);
    }
}
