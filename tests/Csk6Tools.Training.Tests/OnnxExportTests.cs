using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Imaging;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Onnx;
using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Quant;
using Csk6Tools.Engine.Transforms;
using Csk6Tools.Engine.Zoo;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Csk6Tools.Training.Tests;

/// <summary>Our ONNX exports run in ONNX Runtime: Float as TorchSharp computes, QDQ as the int8 engine, Linger back to
/// the same package.</summary>
public class OnnxExportTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private static readonly Lazy<Csk6Model> Trained = new(() =>
    {
        var data = TestData.Quadrants(192, 200);
        var options = new TrainingOptions
        {
            Dataset = data, Epochs = 10, BatchSize = 32, LearningRate = 0.1, Seed = 7, Threads = 2,
        };
        var model = Trainer.Train(
            Csk6Model.FromGraph(TestData.SmallResidual()), ModelStage.Float, options, null, default);
        return Trainer.Train(
            model, ModelStage.Quantized, options with { Epochs = 2, LearningRate = 0.005 }, null, default);
    });

    public static TheoryData<string> Models => new([.. OnnxImportOutputTests.Models, "zoo-resnet18"]);

    [Theory]
    [MemberData(nameof(Models))]
    public void FloatExportRunsInOnnxRuntimeAsTorchSharpComputes(string name)
    {
        var model = name == "zoo-resnet18"
            ? RandomResNet()
            : ModelImporter.Import(Path.Combine(OnnxImportOutputTests.Folder, name + ".onnx"));
        var input = OnnxImportOutputTests.SineInput([1, .. model.Graph.InputShape.Dims.Select(d => (long)d)]);
        var ours = OnnxImportOutputTests.Forward(model, input);
        var ort = Run(OnnxExporter.Export(model, OnnxFormat.Float), input, model.Graph.InputShape.Dims);
        var bound = RoundingBound.Of(model, input, 1);
        log.WriteLine(Agreement.Describe(bound, ours, ort));
        Agreement.Between(bound, ours, ort, $"{name}: TorchSharp and ONNX Runtime");
    }

    [Fact]
    public void FloatExportReimportsToTheSameModel()
    {
        var model = RandomResNet();
        var again = OnnxImporter.Import(OnnxExporter.Export(model, OnnxFormat.Float), model.Name);
        Assert.Equal(model.Graph.Nodes.Select(n => $"{n.Name} {n.Op} {n.OutputShape}"),
            again.Graph.Nodes.Select(n => $"{n.Name} {n.Op} {n.OutputShape}"));
        Assert.Equal(model.Weights.Keys.Order(), again.Weights.Keys.Order());
        Assert.All(model.Weights, w => Assert.Equal(w.Value.Data, again.Weight(w.Key).Data));
    }

    [Fact]
    public void QdqExportAgreesWithTheInt8EngineOnEveryTestImage() =>
        QdqAgreesWithTheEngine(Trained.Value, TestData.Quadrants(192, 200));

    [SkippableFact]
    public void QdqExportOfADepthwiseResNetAgreesOnFashionMnist()
    {
        var data = TestData.FashionMnist(512, 1000);
        Skip.If(data is null, "Debian's dataset-fashion-mnist is not installed");
        var graph = DepthwiseConverter.Convert(ResNet.Create(new ResNetOptions
        {
            Depth = 18, Classes = 10, InputChannels = 1, InputSize = 28, Width = 0.125,
        })).Model;
        var options = new TrainingOptions { Dataset = data, Epochs = 1, BatchSize = 64, Seed = 5, Threads = 2 };
        var model = Trainer.Train(Csk6Model.FromGraph(graph), ModelStage.Float, options, null, default);
        model = Trainer.Train(model, ModelStage.Quantized, options with { LearningRate = 0.005 }, null, default);
        QdqAgreesWithTheEngine(model, data);
    }

    private void QdqAgreesWithTheEngine(Csk6Model model, Engine.Data.Dataset data)
    {
        var q = model.Quantization!;
        var engine = new Int8Engine(ThinkerPackage.Read(PackageBuilder.Build(model).Bytes));
        using var session = new InferenceSession(OnnxExporter.Export(model, OnnxFormat.Qdq));
        var spec = InputSpec.Create(data.Channels, data.Height, data.Width, q.InputExponent, data.Mean, data.Std);
        int outputExponent = q[model.Graph.Outputs[0]].Output, agree = 0, logitsDiffering = 0, total = 0;
        for (int i = 0; i < data.Test.Count; i++)
        {
            var input = InputPreprocessor
                .FromPlanar($"{i}", data.Test.Image(i), data.Channels, spec, OverflowMode.Saturate)
                .Bytes;
            var chip = engine.Run(input).Select(b => (int)(sbyte)b).ToArray();
            // The int8 input, dequantized: ONNX Runtime's QuantizeLinear gives back exactly the same integers.
            var ort = Run(session,
                    input.Select(b => Int8Arithmetic.Dequantize((sbyte)b, q.InputExponent)).ToArray(),
                    model.Graph.InputShape.Dims)
                .Select(v => (int)MathF.Round(v * Int8Arithmetic.Scale(outputExponent))).ToArray();
            if (Array.IndexOf(chip, chip.Max()) == Array.IndexOf(ort, ort.Max())) agree++;
            logitsDiffering += chip.Zip(ort).Count(p => p.First != p.Second);
            total += chip.Length;
        }
        log.WriteLine($"QDQ in ONNX Runtime vs int8 engine: top-1 agrees on {agree} of {data.Test.Count}; " +
            $"{logitsDiffering} of {total} logits differ");
        // Differences come only from ties: ONNX Runtime's QuantizeLinear rounds them to even, the chip up
        // (floor(x + 0.5)).
        Assert.True(agree >= 0.995 * data.Test.Count,
            $"top-1 agrees on {agree} of {data.Test.Count}; {logitsDiffering} of {total} logits differ");
    }

    [Fact]
    public void LingerExportOfATrainedModelReimportsToTheSamePackage()
    {
        var model = Trained.Value;
        var again = OnnxImporter.Import(OnnxExporter.Export(model, OnnxFormat.Linger), model.Name);
        Assert.Equal(PackageBuilder.Build(model).Bytes, PackageBuilder.Build(again).Bytes);
    }

    [Fact]
    public void LingerRoundTripKeepsConcatReLU6AndAveragePoolingExactly()
    {
        var b = new GraphBuilder("branchy", new TensorShape(1, 12, 12));
        string x = b.Add(Conv2dNode.Create("stem", 1, 8, 3, padding: 1, bias: true), b.Input);
        x = b.Add(new Relu6Node { Name = "stem.act" }, x);
        string left = b.Add(Conv2dNode.Create("left", 8, 4, 1, bias: true), x);
        string right = b.Add(Conv2dNode.Create("right", 8, 4, 3, padding: 1, bias: true), x);
        right = b.Add(new ReluNode { Name = "right.act" }, right);
        x = b.Add(new ConcatNode { Name = "cat" }, left, right);
        x = b.Add(new AvgPool2dNode { Name = "pool", Kernel = [2, 2], Stride = [2, 2] }, x);
        x = b.Add(new GlobalAvgPoolNode { Name = "gap" }, x);
        x = b.Add(new FlattenNode { Name = "flatten" }, x);
        b.Add(new LinearNode { Name = "fc", InFeatures = 8, OutFeatures = 4 }, x);
        var data = TestData.Quadrants(128, 32);
        var model = Trainer.Train(Csk6Model.FromGraph(b.Build()), ModelStage.Quantized,
            new TrainingOptions { Dataset = data, Epochs = 1, BatchSize = 32, Seed = 3, Threads = 2 }, null, default);

        var again = OnnxImporter.Import(OnnxExporter.Export(model, OnnxFormat.Linger), model.Name) with
        {
            Normalization = model.Normalization,
        };
        // linger's dialect has no global pool or flatten: they come back as the full-window AvgPool2dInt and the
        // Reshape tpacker packs anyway.
        static string Op(string op) => op switch { "GlobalAvgPool" => "AvgPool2d", "Flatten" => "Reshape", _ => op };
        Assert.Equal(model.Graph.Nodes.Select(n => $"{n.Name} {Op(n.Op)} {n.OutputShape}"),
            again.Graph.Nodes.Select(n => $"{n.Name} {n.Op} {n.OutputShape}"));
        var q = model.Quantization!;
        Assert.Equal(q.InputExponent, again.Quantization!.InputExponent);
        foreach (var (layer, lq) in q.Layers)
        {
            var back = again.Quantization[layer];
            Assert.Equal((string.Join(",", lq.Inputs), lq.Weight, lq.Output, lq.FusedRelu),
                (string.Join(",", back.Inputs), back.Weight, back.Output, back.FusedRelu));
        }
        Assert.Equal(Evaluator.Logits(model, data, data.Test.Count, quantized: true),
            Evaluator.Logits(again, data, data.Test.Count, quantized: true));
    }

    private static Csk6Model RandomResNet()
    {
        var graph = ResNet.Create(new ResNetOptions { Depth = 18, Classes = 10, Width = 0.25 });
        using var net = new GraphNetwork(
            Csk6Model.FromGraph(graph), NetworkMode.Float, TorchRuntime.Prepare("cpu", 1), 3);
        return Csk6Model.FromGraph(graph) with { Weights = net.ExportWeights() };
    }

    private static float[] Run(byte[] onnx, float[] input, IReadOnlyList<int> shape)
    {
        using var session = new InferenceSession(onnx);
        return Run(session, input, shape);
    }

    private static float[] Run(InferenceSession session, float[] input, IReadOnlyList<int> shape)
    {
        var tensor = new DenseTensor<float>(input, [1, .. shape]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), tensor)]);
        return results.First().AsEnumerable<float>().ToArray();
    }
}
