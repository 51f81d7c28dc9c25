using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Zoo;

namespace Csk6Tools.Training.Tests;

public class TrainingTests
{
    private static TrainingOptions Options(Engine.Data.Dataset data, int epochs, double? rate = null) => new()
    {
        Dataset = data, Epochs = epochs, BatchSize = 32, LearningRate = rate, Seed = 7, Threads = 2,
    };

    [Fact]
    public void AllThreeStagesLearnSeparableData()
    {
        var data = TestData.Quadrants();
        var model = Csk6Model.FromGraph(TestData.SmallResidual());
        model = Trainer.Train(model, ModelStage.Float, Options(data, 10, 0.1), null, default);
        model = Trainer.Train(model, ModelStage.Constrained, Options(data, 1, 0.01), null, default);
        model = Trainer.Train(model, ModelStage.Quantized, Options(data, 2, 0.005), null, default);

        Assert.Equal(ModelStage.Quantized, model.Stage);
        Assert.Equal([.. Enumerable.Repeat(ModelStage.Float, 10), ModelStage.Constrained, ModelStage.Quantized, ModelStage.Quantized], model.History.Select(h => h.Stage));
        Assert.DoesNotContain(model.Graph.Nodes, n => n is Engine.Graph.BatchNorm2dNode);
        var results = Evaluator.Measure(model, data, 64, null, "cpu", 2, default).ToList();
        Assert.Equal(["float", "fake-quant"], results.Select(r => r.Arithmetic));
        Assert.All(results, r => Assert.True(r.Top1 > 0.6, $"{r.Arithmetic} top-1 {r.Top1:P1} on four separable classes"));
    }

    [SkippableFact]
    public void ResNetLearnsRealFashionMnist()
    {
        var data = TestData.FashionMnist(train: 384, test: 192);
        Skip.If(data is null, $"Fashion-MNIST is not installed at {TestData.FashionMnistFolder} (apt-get install dataset-fashion-mnist).");
        var model = Csk6Model.FromGraph(ResNet.Create(new ResNetOptions { Width = 0.125, Classes = 10, InputChannels = 1, InputSize = 28 }));
        model = Trainer.Train(model, ModelStage.Float, Options(data, 3, 0.1), null, default);
        model = Trainer.Train(model, ModelStage.Constrained, Options(data, 1, 0.01), null, default);
        model = Trainer.Train(model, ModelStage.Quantized, Options(data, 1, 0.005), null, default);
        var results = Evaluator.Measure(model, data, 192, null, "cpu", 2, default).ToList();
        Assert.All(results, r => Assert.True(r.Top1 > 0.4, $"{r.Arithmetic} top-1 {r.Top1:P1} on ten classes (chance 10 %)"));
    }

    [Fact]
    public void EveryOperatorTrainsInEveryStage()
    {
        var data = TestData.Quadrants(64, 32);
        var model = Csk6Model.FromGraph(TestData.AllOperators());
        foreach (var stage in new[] { ModelStage.Float, ModelStage.Constrained, ModelStage.Quantized })
            model = Trainer.Train(model, stage, Options(data, 1, 0.01), null, default);
        Assert.Equal(["a", "dilated", "fc", "grouped"], model.Quantization!.Layers.Where(l => l.Value.Weight is not null).Select(l => l.Key).Order());
        // ReLU6 is a Clip, never fused (docs/quant-arithmetic.md#fused-activation)
        Assert.False(model.Quantization["a"].FusedRelu);
        var cat = model.Quantization.Layers["cat"];
        Assert.True(cat.Output <= cat.Inputs.Min());
        Assert.Equal(cat.Output, model.Quantization.Layers["avg"].Output);
        Assert.All(Evaluator.Measure(model, data, 32, null, "cpu", 2, default), r => Assert.InRange(r.Top1, 0, 1));
    }
}
