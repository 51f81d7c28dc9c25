using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Imaging;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Package;
using Xunit;
using Xunit.Abstractions;

namespace Csk6Tools.Engine.Tests.Imaging;

public class InputPreprocessorTests(ITestOutputHelper output)
{
    [Fact]
    public void AppleMatchesTheReferenceInputWhereItDidNotWrap()
    {
        var reference = File.ReadAllBytes(Fixtures.Path("apple_input_q6.bin")).Select(b => (int)(sbyte)b).ToArray();
        var ours = InputPreprocessor.FromFile(Fixtures.Path("apple.jpg"), InputSpec.Cifar100, OverflowMode.Wrap).Bytes
            .Select(b => (int)(sbyte)b)
            .ToArray();
        var saturated = InputPreprocessor.FromFile(Fixtures.Path("apple.jpg"), InputSpec.Cifar100);
        int close = reference.Zip(ours).Count(p => Math.Abs(p.First - p.Second) <= 1);
        int exact = reference.Zip(ours).Count(p => p.First == p.Second);
        output.WriteLine($"exact {exact}/3072, within ±1 {close}/3072, out of range {saturated.OutOfRange}");
        Assert.True(close >= 0.97 * 3072, $"only {close} of 3072 values within ±1");

        // Saturating differs from the reference only where the reference wrapped (blue −128…−126 from bright pixels).
        var clamped = saturated.Bytes.Select(b => (int)(sbyte)b).ToArray();
        for (int i = 0; i < 3072; i++)
            if (clamped[i] != ours[i])
                Assert.True(clamped[i] == 127 && ours[i] < 0, $"value {i}: saturated {clamped[i]}, wrapped {ours[i]}");
        Assert.True(saturated.OutOfRange > 400);
    }

    [Fact]
    public void ThePreparedAppleIsStillAnApple()
    {
        var engine = new Int8Engine(ThinkerPackage.Read(Fixtures.Path("resnet18_v2_model.bin")));
        var input = InputPreprocessor.FromFile(Fixtures.Path("apple.jpg"), PackageInput.ImageSpec(engine.Package));
        var prediction = Prediction.From(
            "apple.jpg", engine.Run(input.Bytes), engine.OutputTensor, Cifar100.FineLabels, 5);
        Assert.Equal("apple", prediction.Label);
    }

    [Fact]
    public void NormalizesQuantizesAndSaturatesExactly()
    {
        var spec = InputSpec.Create(1, 1, 2, 6, [0.5f], [0.25f]);
        // Pixels 255 and 0 → x = 2.0 and −2.0 → 128 (saturates to 127) and −128; white is 255 in all channels.
        var rgb = new byte[] { 255, 0, 255, 0, 255, 0 };
        var sat = InputPreprocessor.FromPlanar("t", rgb, 3, spec, OverflowMode.Saturate);
        Assert.Equal([127, -128], sat.Bytes.Select(b => (int)(sbyte)b));
        Assert.Equal(1, sat.OutOfRange);
        var wrap = InputPreprocessor.FromPlanar("t", rgb, 3, spec, OverflowMode.Wrap);
        Assert.Equal([-128, -128], wrap.Bytes.Select(b => (int)(sbyte)b));
    }

    [Fact]
    public void RefusesWhatIsNotAnImageInput()
    {
        Assert.Throws<ArgumentException>(() => InputSpec.Create(1, 32, 32, 6, null, null));
        Assert.Throws<ArgumentException>(() => InputSpec.Create(3, 32, 32, 6, [0.5f], [0.5f]));
        Assert.Throws<ArgumentException>(() => InputSpec.Create(4, 32, 32, 6, null, null));
    }
}
