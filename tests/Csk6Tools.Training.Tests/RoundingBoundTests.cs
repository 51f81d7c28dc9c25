using Xunit.Abstractions;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;

namespace Csk6Tools.Training.Tests;

/// <summary>The rounding bound float comparisons use: its figures by hand, that it holds, and that it is tight
/// enough.</summary>
public class RoundingBoundTests(ITestOutputHelper log)
{
    private static readonly double U = RoundingBound.Float32Unit;

    [Fact]
    public void OneLinearLayerGivesTheTextbookBound()
    {
        // 3·1 − 1·2 + 0.5: two products and a bias, n + 2 = 4 roundings of at most u·(|3·1| + |−1·2| + |0.5|) each.
        var model = Linears([3, -1], [0.5f]);
        var bound = RoundingBound.Of(model, [1, 2], 1);
        Assert.Equal([1.5], bound.Exact);
        Assert.Equal(4 * U * 5.5, bound.Error(0, U), 1e-24);
        Assert.Equal(2 * 4 * U * 5.5, bound.Between(0, U), 1e-24);
        Assert.Equal(4 * RoundingBound.Float64Unit * 5.5, bound.Error(0, RoundingBound.Float64Unit), 1e-32);
    }

    [Fact]
    public void EarlierErrorsReachTheOutputThroughTheGradient()
    {
        // h = [1·1 + 2·1, 3·1 + 4·1] = [3, 7], y = h₀ − h₁ = −4: each element of h carries 4u·|h|, y 4u·(3 + 7), and
        // ∂y/∂h = [1, −1]: 4u·3 + 4u·7 + 4u·10.
        var model = Linears([1, 2, 3, 4], null, [1, -1]);
        var bound = RoundingBound.Of(model, [1, 1], 1);
        Assert.Equal([-4.0], bound.Exact);
        Assert.Equal(80 * U, bound.Error(0, U), 1e-20);
    }

    public static TheoryData<string> Networks => new([.. PyTorchExportTests.Models().Select(m => m.Name)]);

    [Theory]
    [MemberData(nameof(Networks))]
    public void TorchSharpsFloat32StaysWithinTheBound(string name)
    {
        var model = PyTorchExportTests.Models().Single(m => m.Name == name).Model;
        var input = PyTorchExportTests.Input(model.Graph.InputShape, 4, 11);
        var bound = RoundingBound.Of(model, input, 4);
        var single = PyTorchExportTests.Logits(model, input, 4);
        log.WriteLine($"{name}: {Agreement.Describe(bound, [.. single.Select(v => (double)v)], bound.Exact)}");
        Agreement.WithinError(bound, single, bound.Exact, name);
    }

    [Fact]
    public void AWrongWeightMovesLogitsFarBeyondTheBound()
    {
        var (name, model) = PyTorchExportTests.Models().First();
        var input = PyTorchExportTests.Input(model.Graph.InputShape, 4, 11);
        var bound = RoundingBound.Of(model, input, 4);
        // The kind of slip an exporter makes: one weight of the last convolution with its sign flipped.
        var conv = model.Graph.Nodes.OfType<Conv2dNode>().Last().Name + ".weight";
        var weights = new Dictionary<string, WeightTensor>(model.Weights);
        var flipped = (float[])weights[conv].Data.Clone();
        flipped[0] = -flipped[0];
        weights[conv] = new WeightTensor(weights[conv].Shape, flipped);
        var wrong = PyTorchExportTests.Logits(model with { Weights = weights }, input, 4);
        var moved = Enumerable.Range(0, wrong.Length)
            .Max(i => Math.Abs(wrong[i] - bound.Exact[i]) / bound.Between(i, U));
        log.WriteLine($"{name}: one flipped weight moves a logit {moved:F0} times the bound");
        Assert.True(moved > 10, $"{name}: a flipped weight moved logits only {moved:F1} times the bound.");
    }

    /// <summary>Flatten, then Linear layers without bias unless given: weights row-major, out × in.</summary>
    private static Csk6Model Linears(float[] first, float[]? bias, float[]? second = null)
    {
        int inputs = 2, hidden = first.Length / inputs;
        var b = new GraphBuilder("linears", new TensorShape(inputs, 1, 1));
        string x = b.Add(new FlattenNode { Name = "flatten" }, b.Input);
        x = b.Add(new LinearNode { Name = "a", InFeatures = inputs, OutFeatures = hidden, Bias = bias is not null }, x);
        var weights = new Dictionary<string, WeightTensor> { ["a.weight"] = new([hidden, inputs], first) };
        if (bias is not null) weights["a.bias"] = new([hidden], bias);
        if (second is not null)
        {
            b.Add(new LinearNode
            {
                Name = "b", InFeatures = hidden, OutFeatures = second.Length / hidden, Bias = false,
            }, x);
            weights["b.weight"] = new([second.Length / hidden, hidden], second);
        }
        return Csk6Model.FromGraph(b.Build()) with { Weights = weights };
    }
}
