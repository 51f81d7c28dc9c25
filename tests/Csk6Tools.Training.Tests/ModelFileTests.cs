using Csk6Tools.Engine.Model;

namespace Csk6Tools.Training.Tests;

public class ModelFileTests
{
    private static TrainingOptions Options(
        Engine.Data.Dataset data, int epochs, string? checkpoint = null, bool resume = false) => new()
    {
        Dataset = data, Epochs = epochs, BatchSize = 32, LearningRate = 0.05, Seed = 11, Threads = 1,
        CheckpointPath = checkpoint, Resume = resume,
    };

    [Fact]
    public void QuantizedModelSavedAndLoadedGivesIdenticalLogits()
    {
        var data = TestData.Quadrants(96, 32);
        var model = Trainer.Train(
            Csk6Model.FromGraph(TestData.SmallResidual()), ModelStage.Quantized, Options(data, 1), null, default);
        string path = Path.Combine(Path.GetTempPath(), $"csk6-{Guid.NewGuid():N}.safetensors");
        try
        {
            ModelFile.Save(model, path);
            var back = ModelFile.Load(path);
            Assert.Equal(model.Quantization!.Layers.Keys, back.Quantization!.Layers.Keys);
            Assert.Equal(model.History, back.History);
            Assert.Equal(Evaluator.Logits(model, data, 16, quantized: true),
                Evaluator.Logits(back, data, 16, quantized: true));
            Assert.Equal(Evaluator.Logits(model, data, 16, quantized: false),
                Evaluator.Logits(back, data, 16, quantized: false));
        }
        finally { File.Delete(path); }
    }

    /// <summary>
    /// Ctrl+C mid-epoch (the cancellation token StopProcessing cancels), then -Resume: the run ends with the weights,
    /// the losses and (QAT) the running ranges and exponents of the uninterrupted run, bit for bit. One thread, so
    /// libtorch's reductions are the same in both runs; the batch order and augmentation are drawn from (seed, epoch,
    /// batch).
    /// </summary>
    [Theory]
    [InlineData(ModelStage.Float)]
    [InlineData(ModelStage.Quantized)]
    public void ResumedRunEndsWithTheSameWeights(ModelStage stage)
    {
        var data = TestData.Quadrants(96, 32);
        string path = Path.Combine(Path.GetTempPath(), $"csk6-{Guid.NewGuid():N}.safetensors");
        try
        {
            var start = Csk6Model.FromGraph(TestData.SmallResidual());
            var whole = Trainer.Train(start, stage, Options(data, 3), null, default);
            // Stop after the fifth batch (epoch 2 of 3, mid-epoch), then resume from the checkpoint.
            using var cancel = new CancellationTokenSource();
            int batches = 0;
            var stop = new Progress(p => { if (++batches == 5) cancel.Cancel(); });
            Assert.Throws<OperationCanceledException>(
                () => Trainer.Train(start, stage, Options(data, 3, path), stop, cancel.Token));
            var stopped = ModelFile.Load(path);   // the checkpoint is a loadable model file
            Assert.Equal(stage, stopped.Stage);
            Assert.Single(stopped.History);
            var resumed = Trainer.Train(start, stage, Options(data, 3, path, resume: true), null, default);
            Assert.Equal(whole.History.Select(h => h.Loss), resumed.History.Select(h => h.Loss));
            foreach (var (name, w) in whole.Weights) Assert.Equal(w.Data, resumed.Weights[name].Data);
            if (stage == ModelStage.Quantized)
            {
                Assert.Equal(whole.Quantization!.InputRunning, resumed.Quantization!.InputRunning);
                foreach (var (layer, q) in whole.Quantization.Layers)
                    Assert.Equal((q.Running, q.Output, q.Weight),
                        (resumed.Quantization[layer].Running, resumed.Quantization[layer].Output,
                            resumed.Quantization[layer].Weight));
            }
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void CorruptAndForeignFilesAreNamed()
    {
        string path = Path.Combine(Path.GetTempPath(), $"csk6-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(path, [10, 0, 0, 0, 0, 0, 0, 0, (byte)'{']);
            var corrupt = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
            Assert.False(corrupt.Foreign);
            Assert.Contains("offset 0", corrupt.Message);
            SafeTensors.Write(path, new Dictionary<string, WeightTensor> { ["w"] = new([2], [1f, 2f]) },
                new Dictionary<string, string>());
            Assert.True(Assert.Throws<ModelFileException>(() => ModelFile.Load(path)).Foreign);
        }
        finally { File.Delete(path); }
    }

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
