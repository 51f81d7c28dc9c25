using Csk6Tools.Engine.Onnx;
using static TorchSharp.torch;

namespace Csk6Tools.Training.Tests;

/// <summary>The fake-quantized network of an imported linger model computes what LISTENAI's runtime computed.</summary>
public class ImportedLingerTests
{
    /// <summary>A file of tests/fixtures/thinker-demo (LISTENAI's demo, committed): missing means a broken checkout, a
    /// failure.</summary>
    private static string Demo(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Csk6Tools.sln")))
            {
                string path = Path.Combine(dir.FullName, "tests", "fixtures", "thinker-demo", file);
                return File.Exists(path)
                    ? path
                    : throw new FileNotFoundException($"The test fixture {path} is missing from the repository.", path);
            }
        throw new DirectoryNotFoundException("The repository root (Csk6Tools.sln) is not above the test binaries.");
    }

    [Fact]
    public void FakeQuantLogitsOfTheDemoAreTestThinkersBytes()
    {
        string onnx = Demo("resnet18-12-regular.onnx"), input = Demo("apple_input_q6.bin"),
            output = Demo("apple_output_q4.bin");
        var model = OnnxImporter.Import(onnx);
        TorchRuntime.Prepare("cpu", 2);
        using var net = new GraphNetwork(model, NetworkMode.Quantized, CPU, 0);
        net.eval();
        using var _ = no_grad();
        // The input bytes are int8 at Q6: the dequantized values quantize back to exactly them.
        var x = File.ReadAllBytes(input).Select(b => (sbyte)b / 64f).ToArray();
        var logits = net.forward(tensor(x, [1, 3, 32, 32])).data<float>().ToArray();
        var expected = File.ReadAllBytes(output).Select(b => (float)(sbyte)b).ToArray();
        Assert.Equal(expected, logits.Select(v => v * 16f).ToArray());
    }
}
