using System.Runtime.InteropServices;
using System.Text.Json;
using Xunit.Abstractions;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Onnx;
using Csk6Tools.Engine.PyTorch;
using Csk6Tools.Engine.Transforms;
using Csk6Tools.Engine.Zoo;
using static TorchSharp.torch;

namespace Csk6Tools.Training.Tests;

/// <summary>
/// The model.py Export-Csk6PyTorch writes computes, in PyTorch 1.13, what the TorchSharp network computes for the same
/// graph and weights: every node type, zoo ResNets (basic and bottleneck, depthwise, dense shortcuts, stem) and
/// imported ONNX graphs. The weights travel as the export's initial.safetensors, loaded by train.py's own reader.
/// </summary>
public class PyTorchExportTests(ITestOutputHelper log)
{
    public static IEnumerable<(string Name, Csk6Model Model)> Models()
    {
        ModelGraph Zoo(int depth, DepthwiseOptions? depthwise) => DepthwiseConverter.Convert(
            ResNet.Create(new ResNetOptions { Depth = depth, Width = 0.125, Classes = 10, InputSize = 16 }),
            depthwise).Model;
        yield return ("resnet18-dw", WithWeights(Zoo(18, null)));
        yield return ("resnet50-dw-stem", WithWeights(Zoo(50, new DepthwiseOptions { IncludeStem = true })));
        yield return ("resnet18-dense3x3",
            WithWeights(Zoo(18, new DepthwiseOptions { Shortcut = ShortcutStyle.Dense3x3 })));
        yield return ("small-residual", WithWeights(TestData.SmallResidual()));
        yield return ("all-operators", WithWeights(TestData.AllOperators()));
        foreach (var onnx in Directory.GetFiles(OnnxImportOutputTests.Folder, "*.onnx").Order())
            yield return (Path.GetFileNameWithoutExtension(onnx), ModelImporter.Import(onnx));
    }

    [SkippableFact]
    public void ExportedModulesComputeWhatTheNetworkComputes()
    {
        Skip.If(PyTorchPython.Interpreter is null, PyTorchPython.Missing);
        string root = Directory.CreateTempSubdirectory("csk6-pytorch-").FullName;
        try
        {
            var cases = Models().Select(m => (m.Name, m.Model, Folder: Path.Combine(root, m.Name))).ToList();
            var jobs = new List<Dictionary<string, string>>();
            var ours = new Dictionary<string, (float[] Logits, RoundingBound Bound)>();
            foreach (var (name, model, folder) in cases)
            {
                var written = PyTorchExport.Write(model, folder);
                Assert.Equal([PyTorchExport.ModelFileName, PyTorchExport.TrainFileName, PyTorchExport.InitialFileName],
                    written.Select(Path.GetFileName));
                var input = Input(model.Graph.InputShape, 3, name.Length);
                File.WriteAllBytes(Path.Combine(folder, "input.f32"), MemoryMarshal.AsBytes(input.AsSpan()).ToArray());
                ours[name] = (Logits(model, input, 3), RoundingBound.Of(model, input, 3));
                jobs.Add(new()
                {
                    ["folder"] = folder, ["weights"] = written[2], ["input"] = Path.Combine(folder, "input.f32"),
                    ["out"] = Path.Combine(folder, "logits.f32"),
                });
            }
            string jobFile = Path.Combine(root, "jobs.json");
            File.WriteAllText(jobFile, JsonSerializer.Serialize(jobs));
            var (code, output) = PyTorchPython.Run(
                PyTorchPython.Interpreter!, [PyTorchPython.Helper("logits.py"), jobFile], 600);
            Assert.True(code == 0, output);

            foreach (var (name, _, folder) in cases)
            {
                var single = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(folder, "logits.f32")))
                    .ToArray();
                var exact = MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(Path.Combine(folder, "logits.f32.f64")))
                    .ToArray();
                var (logits, bound) = ours[name];
                Assert.Equal(logits.Length, single.Length);
                Assert.True(exact.Max(Math.Abs) > 0.1,
                    $"{name}: logits up to {exact.Max(Math.Abs)} are too small to tell networks apart.");
                log.WriteLine($"{name}: {Agreement.Describe(bound, logits, single)}; " +
                    $"in float64 {Agreement.Describe(bound, bound.Exact, exact, 64)}");
                Agreement.WithinError(bound, single, exact, $"{name}: PyTorch's float32 against its float64");
                Agreement.WithinError(bound, logits, bound.Exact, $"{name}: TorchSharp's float32 against its float64");
                Agreement.Between(bound, logits, single, $"{name}: TorchSharp and the exported model.py");
                Agreement.Between(bound, bound.Exact, exact, $"{name}: TorchSharp and model.py in float64", 64);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The graph with PyTorch's initial weights and BatchNorm statistics and affine terms away from 1 and 0,
    /// so each matters.</summary>
    public static Csk6Model WithWeights(ModelGraph graph, int seed = 5)
    {
        var weights = new Dictionary<string, WeightTensor>();
        using (var net = new GraphNetwork(Csk6Model.FromGraph(graph), NetworkMode.Float, CPU, seed))
            weights = net.ExportWeights();
        var random = new Random(seed);
        foreach (var bn in graph.Nodes.OfType<BatchNorm2dNode>())
        {
            float[] Draw(double low, double high) =>
                [.. Enumerable.Range(0, bn.NumFeatures).Select(_ => (float)(low + (high - low) * random.NextDouble()))];
            weights[$"{bn.Name}.weight"] = new([bn.NumFeatures], Draw(0.5, 1.5));
            weights[$"{bn.Name}.bias"] = new([bn.NumFeatures], Draw(-0.2, 0.2));
            weights[$"{bn.Name}.running_mean"] = new([bn.NumFeatures], Draw(-0.2, 0.2));
            weights[$"{bn.Name}.running_var"] = new([bn.NumFeatures], Draw(0.5, 1.5));
        }
        return Csk6Model.FromGraph(graph) with { Weights = weights };
    }

    public static float[] Input(TensorShape shape, int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count * (int)shape.Elements).Select(_ => (float)(4 * random.NextDouble() - 2))];
    }

    public static float[] Logits(Csk6Model model, float[] input, int count)
    {
        using var net = new GraphNetwork(model, NetworkMode.Float, CPU, 0);
        net.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return net.forward(tensor(input, [count, .. model.Graph.InputShape.Dims.Select(d => (long)d)]))
            .data<float>()
            .ToArray();
    }
}
