using System.Text.Json;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Csk6Tools.Training.Tests;

/// <summary>Float ONNX exported by PyTorch 1.13 imports to a network whose output is PyTorch's
/// (tests/fixtures/onnx/*.json).</summary>
public class OnnxImportOutputTests(Xunit.Abstractions.ITestOutputHelper log)
{
    public static TheoryData<string> Models => new(Directory.GetFiles(Folder, "*.onnx")
        .Select(Path.GetFileNameWithoutExtension)
        .Order()!);

    [Theory]
    [MemberData(nameof(Models))]
    public void OutputsArePyTorchs(string name)
    {
        var model = ModelImporter.Import(Path.Combine(Folder, name + ".onnx"));
        using var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")));
        long[] shape = [.. info.RootElement.GetProperty("inputShape").EnumerateArray().Select(e => e.GetInt64())];
        float[] expected = [.. info.RootElement.GetProperty("output").EnumerateArray().Select(e => e.GetSingle())];
        var input = SineInput(shape);
        var bound = RoundingBound.Of(model, input, 1);
        var output = Forward(model, input);
        log.WriteLine(Agreement.Describe(bound, output, expected));
        Agreement.Between(bound, output, expected, $"{name}: ours and PyTorch's");
    }

    /// <summary>The fixtures' input: x[i] = sin(0.37 i) in row-major order.</summary>
    public static float[] SineInput(long[] shape) => Enumerable.Range(0, (int)shape.Aggregate(1L, (a, d) => a * d))
        .Select(i => (float)Math.Sin(0.37 * i))
        .ToArray();

    public static float[] Forward(Csk6Model model, float[] input)
    {
        var dev = TorchRuntime.Prepare("cpu", 1);
        using var net = new GraphNetwork(model, NetworkMode.Float, dev, 0);
        net.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return net.forward(tensor(input, [1, .. model.Graph.InputShape.Dims.Select(d => (long)d)]))
            .data<float>()
            .ToArray();
    }

    public static string Folder { get; } = FindFolder();

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Csk6Tools.sln")))
                return Path.Combine(dir.FullName, "tests", "fixtures", "onnx");
        throw new DirectoryNotFoundException("The repository root (Csk6Tools.sln) is not above the test binaries.");
    }
}
