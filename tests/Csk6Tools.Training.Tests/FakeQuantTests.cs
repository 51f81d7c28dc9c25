using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Quant;
using TorchSharp;
using static TorchSharp.torch;

namespace Csk6Tools.Training.Tests;

/// <summary>
/// The tensor forms agree with Int8Arithmetic, and a fake-quant layer reproduces
/// docs/quant-arithmetic.md#worked-examples.
/// </summary>
public class FakeQuantTests
{
    [Fact]
    public void TensorFormsAgreeWithTheScalarRules()
    {
        var values = Enumerable.Range(-3000, 6001).Select(i => i / 997f).ToArray();
        var x = tensor(values);
        for (int q = -2; q <= 9; q++)
            Assert.Equal(values.Select(v => (float)Int8Arithmetic.Quantize(v, q)),
                FakeQuant.Quantize(x.clone(), q).data<float>().ToArray());
        // Requantize, Rescale and Add in the dequantized domain: acc / 2^Q_acc in, q / 2^Q out, for every shift.
        var ints = Enumerable.Range(-40000, 80001).ToArray();
        const int qacc = 12;
        var acc = tensor(ints.Select(i => (float)Math.ScaleB(i, -qacc)).ToArray());
        for (int n = 0; n <= 12; n++)
        {
            float step = (float)Math.ScaleB(1, n - qacc);
            foreach (bool relu in new[] { false, true })
                Assert.Equal(ints.Select(i => Int8Arithmetic.Requantize(i, n, relu) * step),
                    FakeQuant.Requantized(acc, qacc - n, relu).data<float>().ToArray());
        }
        var a = Enumerable.Range(-128, 256).Select(i => (sbyte)i).ToArray();
        var b = a.Reverse().ToArray();
        for (int n = 0; n <= 9; n++)
        {
            var v = tensor(a.Select(i => (float)Math.ScaleB(i, -(3 + n))).ToArray());
            Assert.Equal(a.Select(i => Int8Arithmetic.Rescale(i, n) / 8f),
                FakeQuant.Requantized(v, 3).data<float>().ToArray());
        }
        for (int shiftA = 0; shiftA <= 9; shiftA += 3)
            for (int shiftB = 0; shiftB <= 9; shiftB += 4)
            {
                // Each input at its own exponent, both rescaled to the output exponent 3.
                var left = tensor(a.Select(i => (float)Math.ScaleB(i, -(3 + shiftA))).ToArray());
                var right = tensor(b.Select(i => (float)Math.ScaleB(i, -(3 + shiftB))).ToArray());
                var expected = a.Zip(b, (i, j) => Int8Arithmetic.Add(i, shiftA, j, shiftB) / 8f).ToArray();
                Assert.Equal(expected, FakeQuant.Added(left, right, 3).data<float>().ToArray());
                // Given the inputs' exponents, one at the output exponent is taken as it is.
                Assert.Equal(expected, FakeQuant.Added(left, 3 + shiftA, right, 3 + shiftB, 3).data<float>().ToArray());
            }
        var sums = tensor(ints.Select(i => (float)i).ToArray());
        foreach (int k in new[] { 4, 9, 16 })
            Assert.Equal(ints.Select(i => (float)Int8Arithmetic.Average(i, k)),
                FakeQuant.Average(sums, k).data<float>().ToArray());
    }

    [Fact]
    public void RequantizationAtExponentsBeyondFloatsRangeStaysExact()
    {
        // A layer whose values are all tiny gets an exponent Q ≥ 128, whose 2^Q no float holds (libtorch refused it as
        // add_'s alpha: "value cannot be converted to type float without overflow").
        var k = Enumerable.Range(-128, 256).ToArray();
        foreach (int q in new[] { 100, 127, FakeQuant.MinOverflowingExponent, 140 })
        {
            var x = tensor(k.Select(i => (float)Math.ScaleB(i, -q)).ToArray());
            Assert.Equal(k.Select(i => (float)Math.ScaleB(i, -q)), FakeQuant.Requantized(x, q).data<float>().ToArray());
            Assert.Equal(k.Select(i => (float)Math.ScaleB(Math.Max(i, 0), -q)),
                FakeQuant.Requantized(x, q, relu: true).data<float>().ToArray());
        }
    }

    [Fact]
    public void WorkedAddAndPoolExamples()
    {
        Assert.Equal(14f, FakeQuant.Added(tensor(41f / 2), tensor(-7f), 0).item<float>());
        Assert.Equal(-20f, FakeQuant.Requantized(tensor(-41f / 2), 0).item<float>());
        Assert.Equal(new[] { 9f, -9f }, FakeQuant.Average(tensor(new[] { 150f, -150f }), 16).data<float>().ToArray());
    }

    private static readonly float[] X = [0.5f, -0.25f, 1.0f, 0.75f, 0.1f, -1.2f, 0.3f, 0.0f, 2.0f];
    private static readonly float[] W = [0.2f, -0.4f, 0.1f, 0.6f, 0.5f, -0.3f, 0.0f, 0.25f, -0.15f];

    /// <summary>One 3×3 conv (bias 0.05, optionally followed by ReLU) with Q_x 6 and Q_o 4 fixed by running ranges, as
    /// the demo's stem.</summary>
    private static float Conv(float[] x, bool relu)
    {
        var b = new GraphBuilder("stem", new TensorShape(1, 3, 3));
        string c = b.Add(Conv2dNode.Create("conv", 1, 1, 3, bias: true), b.Input);
        if (relu) b.Add(new ReluNode { Name = "relu" }, c);
        var graph = b.Build();
        var layers = new Dictionary<string, LayerQuantization>
        {
            ["conv"] = new() { Inputs = [6], Output = 4, Running = Int8Arithmetic.Range(4) },
        };
        var model = new Csk6Model
        {
            Graph = graph, Stage = ModelStage.Quantized,
            Weights = new Dictionary<string, WeightTensor>
            {
                ["conv.weight"] = new([1, 1, 3, 3], W), ["conv.bias"] = new([1], [0.05f]),
            },
            Quantization = new QuantizationState
            {
                InputExponent = 6, InputRunning = Int8Arithmetic.Range(6), Layers = layers,
            },
        };
        using var net = new GraphNetwork(model, NetworkMode.Quantized, CPU, 0);
        net.eval();
        using var _ = no_grad();
        var y = net.forward(tensor(x, [1, 1, 3, 3]));
        Assert.Equal(7, net.ExportQuantization()["conv"].Weight);
        return y.item<float>();
    }

    [Fact]
    public void ConvLayerReproducesTheWorkedExample() => Assert.Equal(15f / 16, Conv(X, relu: false));

    [Fact]
    public void FusedReluAppliesBeforeRequantization()
    {
        var negative = X.Select(v => -v).ToArray();
        int acc = negative.Zip(W, (x, w) => Int8Arithmetic.Quantize(x, 6) * Int8Arithmetic.Quantize(w, 7)).Sum() +
            Int8Arithmetic.QuantizeBias(0.05, 13);
        Assert.Equal(Int8Arithmetic.Requantize(acc, 9, relu: false) / 16f, Conv(negative, relu: false));
        Assert.Equal(0f, Conv(negative, relu: true));
    }

    /// <summary>
    /// A conv output outside linger's ±8 clamp (or below 0 before a fused ReLU) passes no gradient to the weight:
    /// dL/dw = Σ x over the unclamped outputs. With w = 1 every output lies inside the clamp; with w = 4, −12 and 11 do
    /// not.
    /// </summary>
    [Theory]
    [InlineData(1f, false, -1.25f)]
    [InlineData(4f, false, -1f)]
    [InlineData(1f, true, 3.25f)]
    [InlineData(4f, true, 0.5f)]
    public void ClampedOutputsPassNoGradient(float weight, bool relu, float gradient)
    {
        var b = new GraphBuilder("clamp", new TensorShape(1, 1, 4));
        string conv = b.Add(Conv2dNode.Create("conv", 1, 1, 1, bias: false), b.Input);
        if (relu) b.Add(new ReluNode { Name = "relu" }, conv);
        var model = new Csk6Model
        {
            Graph = b.Build(), Stage = ModelStage.Quantized,
            Weights = new Dictionary<string, WeightTensor> { ["conv.weight"] = new([1, 1, 1, 1], [weight]) },
        };
        using var net = new GraphNetwork(model, NetworkMode.Quantized, CPU, 0);
        net.train();
        net.forward(tensor(new[] { -3f, -1.5f, 0.5f, 2.75f }, [1, 1, 1, 4])).sum().backward();
        Assert.Equal(gradient, net.Parameters["conv.weight"].grad!.item<float>());
    }

    [Fact]
    public void QuantizedActivationsAndWeightsAreIntegersTimesPowersOfTwo()
    {
        var data = TestData.Quadrants(128, 32);
        var model = Trainer.Train(Csk6Model.FromGraph(TestData.SmallResidual()), ModelStage.Quantized,
            new TrainingOptions { Dataset = data, Epochs = 1, BatchSize = 32, LearningRate = 0.01, Threads = 2 },
            null, default);
        using var net = new GraphNetwork(model, NetworkMode.Quantized, CPU, 0);
        net.eval();
        using var _ = no_grad();
        var source = new BatchSource(data.Test, model.Normalization!, 32, 1);
        var (images, _, n) = source.Batch(source.Order(0, 0, false), 0, 0, 0, Augmentations.None);
        var values = net.ForwardAll(tensor(images, [n, 1, 12, 12]));
        var state = model.Quantization!;
        foreach (var node in model.Graph.Nodes.Skip(1))
        {
            var q = values[node.Name] * Int8Arithmetic.Scale(state[node.Name].Output);
            Assert.True(q.eq(q.floor()).all().item<bool>(),
                $"{node.Name} holds non-integers at 2^{state[node.Name].Output}");
            Assert.True(q.abs().max().item<float>() <= 128, $"{node.Name} leaves int8");
        }
        foreach (var conv in model.Graph.Nodes.Where(n => n is Conv2dNode or LinearNode))
        {
            var w = model.Weight(conv.Name + ".weight").Data;
            int qw = state[conv.Name].Weight!.Value;
            Assert.Equal(qw, Int8Arithmetic.WeightExponent(w.Max(MathF.Abs)));
            Assert.All(w, v => Assert.InRange(Int8Arithmetic.Quantize(v, qw), -127, 127));
            Assert.True(state[conv.Name].Shift >= 0);
        }
    }
}
