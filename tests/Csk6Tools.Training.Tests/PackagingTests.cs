using Csk6Tools.Engine.Imaging;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Training.Tests;

/// <summary>Training, packer and engine share one arithmetic: the packed model computes exactly the fake-quant logits.</summary>
public class PackagingTests
{
    [Fact]
    public void EngineLogitsEqualFakeQuantLogitsOnEveryImage()
    {
        var data = TestData.Quadrants(192, 200);
        var options = new TrainingOptions { Dataset = data, Epochs = 10, BatchSize = 32, LearningRate = 0.1, Seed = 7, Threads = 2 };
        var model = Trainer.Train(Csk6Model.FromGraph(TestData.SmallResidual()), ModelStage.Float, options, null, default);
        model = Trainer.Train(model, ModelStage.Quantized, options with { Epochs = 2, LearningRate = 0.005 }, null, default);

        var packed = PackageBuilder.Build(model);
        var package = ThinkerPackage.Read(packed.Bytes);
        var engine = new Int8Engine(package);
        var q = model.Quantization!;
        int outputExponent = q[model.Graph.Outputs[0]].Output;
        Assert.Equal(outputExponent, package.OutputTensor.Exponent);
        Assert.Equal(q.InputExponent, package.InputTensor.Exponent);

        var fakeQuant = Evaluator.Logits(model, data, data.Test.Count, quantized: true);
        var spec = InputSpec.Create(1, 12, 12, q.InputExponent, data.Mean, data.Std);
        int classes = data.Classes.Length, correct = 0;
        for (int i = 0; i < data.Test.Count; i++)
        {
            var input = InputPreprocessor.FromPlanar($"{i}", data.Test.Image(i), 1, spec, OverflowMode.Saturate);
            var output = engine.Run(input.Bytes);
            var expected = fakeQuant.AsSpan(i * classes, classes).ToArray().Select(v => (int)(v * MathF.ScaleB(1f, outputExponent))).ToArray();
            var logits = output.Select(b => (int)(sbyte)b).ToList();
            Assert.Equal(expected, logits);
            if (logits.IndexOf(logits.Max()) == data.Test.Labels[i]) correct++;
        }
        Assert.True(correct > 0.6 * data.Test.Count, $"the packed model got {correct} of {data.Test.Count} right");
    }
}
