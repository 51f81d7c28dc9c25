using System.IO.Compression;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Quant;

namespace Csk6Tools.Fuzz;

/// <summary>Small valid inputs made by our own writers: a tiny quantized residual network and its files.</summary>
public static class Seeds
{
    /// <summary>conv 3×3 + ReLU, depthwise 3×3, pointwise, residual add, ReLU, max pool, global pool, flatten,
    /// linear; 1×8×8 in, 3 classes.</summary>
    public static Csk6Model QuantizedModel { get; } = CreateQuantized();

    /// <summary>The same graph with a BatchNorm after the pointwise convolution, float weights: a model as float
    /// training saves it.</summary>
    public static Csk6Model FloatModel { get; } = CreateFloat();

    private static ModelGraph Graph(bool batchNorm)
    {
        var b = new GraphBuilder("fuzz", new TensorShape(1, 8, 8));
        string x = b.Add(Conv2dNode.Create("stem", 1, 4, 3, padding: 1, bias: true), b.Input);
        x = b.Add(new ReluNode { Name = "stem.relu" }, x);
        string r = b.Add(Conv2dNode.Create("dw", 4, 4, 3, padding: 1, groups: 4, bias: true), x);
        r = b.Add(Conv2dNode.Create("pw", 4, 4, 1, bias: !batchNorm), r);
        if (batchNorm) r = b.Add(new BatchNorm2dNode { Name = "bn", NumFeatures = 4 }, r);
        x = b.Add(new AddNode { Name = "add" }, r, x);
        x = b.Add(new ReluNode { Name = "relu" }, x);
        x = b.Add(new MaxPool2dNode { Name = "pool", Kernel = [2, 2], Stride = [2, 2] }, x);
        x = b.Add(new GlobalAvgPoolNode { Name = "gap" }, x);
        x = b.Add(new FlattenNode { Name = "flatten" }, x);
        b.Add(new LinearNode { Name = "fc", InFeatures = 4, OutFeatures = 3, Bias = true }, x);
        return b.Build();
    }

    private static float[] Values(Random random, int count, float scale) => Enumerable.Range(0, count)
        .Select(_ => (float)(random.NextDouble() * 2 - 1) * scale)
        .ToArray();

    private static Dictionary<string, WeightTensor> Weights(bool batchNorm)
    {
        var random = new Random(5);
        var w = new Dictionary<string, WeightTensor>
        {
            ["stem.weight"] = new([4, 1, 3, 3], Values(random, 36, 0.9f)),
            ["stem.bias"] = new([4], Values(random, 4, 0.1f)),
            ["dw.weight"] = new([4, 1, 3, 3], Values(random, 36, 0.9f)),
            ["dw.bias"] = new([4], Values(random, 4, 0.1f)),
            ["pw.weight"] = new([4, 4, 1, 1], Values(random, 16, 0.9f)),
            ["fc.weight"] = new([3, 4], Values(random, 12, 0.9f)), ["fc.bias"] = new([3], Values(random, 3, 0.1f)),
        };
        if (batchNorm)
        {
            w["bn.weight"] = new([4], [1f, 0.5f, 1.5f, 1f]);
            w["bn.bias"] = new([4], Values(random, 4, 0.1f));
            w["bn.running_mean"] = new([4], Values(random, 4, 0.2f));
            w["bn.running_var"] = new([4], [1f, 0.8f, 1.2f, 0.9f]);
        }
        else w["pw.bias"] = new([4], Values(random, 4, 0.1f));
        return w;
    }

    private static Csk6Model CreateQuantized()
    {
        LayerQuantization L(int[] inputs, int output, int? weight = null, bool relu = false) =>
            new() { Inputs = inputs, Output = output, Weight = weight, FusedRelu = relu };
        var layers = new Dictionary<string, LayerQuantization>
        {
            ["stem"] = L([6], 4, 7, relu: true), ["stem.relu"] = L([4], 4), ["dw"] = L([4], 4, 7),
            ["pw"] = L([4], 4, 7), ["add"] = L([4, 4], 3), ["relu"] = L([3], 3), ["pool"] = L([3], 3),
            ["gap"] = L([3], 3), ["flatten"] = L([3], 3), ["fc"] = L([3], 3, 7),
        };
        return new Csk6Model
        {
            Graph = Graph(batchNorm: false), Weights = Weights(batchNorm: false), Stage = ModelStage.Quantized,
            Quantization = new QuantizationState
            {
                InputExponent = 6, InputRunning = Int8Arithmetic.Range(6), Layers = layers,
            },
            Normalization = new Normalization([0.5f], [0.25f]), Classes = ["a", "b", "c"],
        };
    }

    private static Csk6Model CreateFloat() => new()
    {
        Graph = Graph(batchNorm: true), Weights = Weights(batchNorm: true),
        Normalization = new Normalization([0.5f], [0.25f]), Classes = ["a", "b", "c"],
        History = [new EpochRecord(ModelStage.Float, 1, 1.0986, 0.33, 0.4, 0.1, 0.5)],
    };

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest)) gz.Write(bytes);
        return output.ToArray();
    }
}
