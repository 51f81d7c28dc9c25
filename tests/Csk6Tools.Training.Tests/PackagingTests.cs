using Csk6Tools.Engine.Imaging;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Training.Tests;

/// <summary>Training, packer and engine share one arithmetic: the packed model computes exactly the fake-quant
/// logits.</summary>
public class PackagingTests
{
    [Fact]
    public void EngineLogitsEqualFakeQuantLogitsOnEveryImage()
    {
        var data = TestData.Quadrants(192, 200);
        var options = new TrainingOptions
        {
            Dataset = data, Epochs = 10, BatchSize = 32, LearningRate = 0.1, Seed = 7, Threads = 2,
        };
        var model = Trainer.Train(
            Csk6Model.FromGraph(TestData.SmallResidual()), ModelStage.Float, options, null, default);
        model = Trainer.Train(
            model, ModelStage.Quantized, options with { Epochs = 2, LearningRate = 0.005 }, null, default);
        int correct = CompareOnEveryTestImage(model, data);
        Assert.True(correct > 0.6 * data.Test.Count, $"the packed model got {correct} of {data.Test.Count} right");
    }

    [SkippableFact]
    public void DepthwiseResNetOnFashionMnistAgreesToo()
    {
        var data = TestData.FashionMnist(256, 300);
        Skip.If(data is null, "Debian's dataset-fashion-mnist is not installed");
        var graph = Engine.Transforms.DepthwiseConverter.Convert(Engine.Zoo.ResNet.Create(new Engine.Zoo.ResNetOptions
        {
            Depth = 18, Classes = 10, InputChannels = 1, InputSize = 28, Width = 0.125,
        })).Model;
        var options = new TrainingOptions
        {
            Dataset = data, Epochs = 1, BatchSize = 64, MaxBatches = 4, Seed = 5, Threads = 2,
        };
        var model = Trainer.Train(Csk6Model.FromGraph(graph), ModelStage.Quantized, options, null, default);
        CompareOnEveryTestImage(model, data);
    }

    /// <summary>A trained bottleneck network: the budget of the quantized model is what its package needs.</summary>
    [Fact]
    public void BottleneckBudgetIsThePackages()
    {
        var data = TestData.Quadrants(64, 16);
        var graph = Engine.Transforms.DepthwiseConverter.Convert(Engine.Zoo.ResNet.Create(new Engine.Zoo.ResNetOptions
        {
            Depth = 50, Classes = 4, InputChannels = 1, InputSize = 12, Width = 0.125,
        })).Model;
        var options = new TrainingOptions
        {
            Dataset = data, Epochs = 1, BatchSize = 16, MaxBatches = 1, Seed = 3, Threads = 2,
        };
        var model = Trainer.Train(Csk6Model.FromGraph(graph), ModelStage.Quantized, options, null, default);
        AssertBudgetIsThePackages(model, PackageBuilder.Build(model));
    }

    private static void AssertBudgetIsThePackages(Csk6Model model, PackResult packed)
    {
        var budget = Engine.Budget.BudgetCalculator.Measure(model);
        Assert.Equal(packed.Report.Regions.Single(r => r.Region == MemoryKind.Psram).Bytes, budget.PsramBytes);
        Assert.Equal(packed.Report.ShareMemPlan.Bytes, budget.ShareMemBytes);
        Assert.Equal(packed.Report.ShareMemPlan.Tensors, budget.ShareMemPlan.Tensors);
    }

    /// <summary>
    /// Packs the model, runs every test image through the engine on every kernel path this CPU has (and the VNNI
    /// path's AVX2 emulation) and asserts its int8 logits are the fake-quant ones; returns the number right.
    /// </summary>
    private static int CompareOnEveryTestImage(Csk6Model model, Engine.Data.Dataset data)
    {
        var packed = PackageBuilder.Build(model);
        AssertBudgetIsThePackages(model, packed);
        var package = ThinkerPackage.Read(packed.Bytes);
        var paths = KernelPaths.Supported.Append(KernelPaths.EmulatedVnni).Where(KernelPaths.IsSupported);
        var engines = paths.Select(p => new Int8Engine(package, p)).ToList();
        var q = model.Quantization!;
        int outputExponent = q[model.Graph.Outputs[0]].Output;
        Assert.Equal(outputExponent, package.OutputTensor.Exponent);
        Assert.Equal(q.InputExponent, package.InputTensor.Exponent);

        var fakeQuant = Evaluator.Logits(model, data, data.Test.Count, quantized: true);
        var spec = InputSpec.Create(data.Channels, data.Height, data.Width, q.InputExponent, data.Mean, data.Std);
        int classes = data.Classes.Length, correct = 0;
        for (int i = 0; i < data.Test.Count; i++)
        {
            var input = InputPreprocessor.FromPlanar(
                $"{i}", data.Test.Image(i), data.Channels, spec, OverflowMode.Saturate);
            var expected = fakeQuant.AsSpan(i * classes, classes)
                .ToArray()
                .Select(v => (int)(v * MathF.ScaleB(1f, outputExponent)))
                .ToArray();
            List<int> logits = [];
            foreach (var engine in engines)
            {
                logits = engine.Run(input.Bytes).Select(b => (int)(sbyte)b).ToList();
                Assert.True(expected.SequenceEqual(logits), $"image {i}, {engine.Path} path: " +
                    $"fake-quant ({string.Join(", ", expected)}), engine ({string.Join(", ", logits)})");
            }
            if (logits.IndexOf(logits.Max()) == data.Test.Labels[i]) correct++;
        }
        return correct;
    }
}
