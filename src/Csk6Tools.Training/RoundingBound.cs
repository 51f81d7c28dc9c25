using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Csk6Tools.Training;

/// <summary>
/// How far a correct float32 evaluation of a float network may land from the exact outputs, derived from the
/// arithmetic (docs/float-tolerance.md#bound): each rounded node output element j carries an error |δⱼ| ≤ nⱼ·u·Mⱼ,
/// where nⱼ counts its roundings in any summation order and Mⱼ is the same sum taken over absolute values; the errors
/// reach output i through the network's gradients gᵢⱼ, so to first order in u it stays within Σⱼ |gᵢⱼ|·nⱼ·u·Mⱼ.
/// </summary>
public sealed class RoundingBound
{
    /// <summary>Unit roundoff of float32 (round to nearest).</summary>
    public static readonly double Float32Unit = Math.ScaleB(1, -24);

    /// <summary>Unit roundoff of float64.</summary>
    public static readonly double Float64Unit = Math.ScaleB(1, -53);

    private readonly double[] _float32Error;

    private RoundingBound(double[] exact, double[] float32Error) => (Exact, _float32Error) = (exact, float32Error);

    /// <summary>The outputs computed in float64: exact to far below every float32 bound.</summary>
    public double[] Exact { get; }

    /// <summary>How far one correct evaluation with unit roundoff <paramref name="unit"/> may be from the exact
    /// output.</summary>
    public double Error(int output, double unit) => _float32Error[output] * (unit / Float32Unit);

    /// <summary>How far two correct evaluations (each within <see cref="Error"/> of the exact output) may
    /// differ.</summary>
    public double Between(int output, double unit) => 2 * Error(output, unit);

    /// <summary>The bound for <paramref name="count"/> inputs (N×C×H×W, row-major) of a Float-stage model.</summary>
    public static RoundingBound Of(Csk6Model model, float[] input, int count)
    {
        var graph = model.Graph;
        using var scope = NewDisposeScope();
        using var net = new GraphNetwork(model, NetworkMode.Float, CPU, 0, ScalarType.Float64);
        using var absolute = new GraphNetwork(Absolute(model), NetworkMode.Float, CPU, 0, ScalarType.Float64);
        net.eval();
        absolute.eval();
        long[] shape = [count, .. graph.InputShape.Dims.Select(d => (long)d)];
        var values = net.ForwardAll(tensor(input, shape).to(ScalarType.Float64));
        var output = values[graph.Outputs[0]].reshape(count, -1);
        var rounded = RoundedOutputs(graph, values, absolute);
        var error = zeros([count, output.shape[1]], ScalarType.Float64);
        for (long k = 0; k < output.shape[1]; k++)
        {
            var gradients = autograd.grad([output[.., k].sum()], [.. rounded.Select(r => r.Value)], retain_graph: true,
                allow_unused: true);
            for (int i = 0; i < rounded.Count; i++)
                if (gradients[i] is { } g && !g.IsInvalid)
                    error[.., k] += (g * rounded[i].Bound).abs().reshape(count, -1).sum(1);
        }
        return new RoundingBound(output.detach().data<double>().ToArray(), error.data<double>().ToArray());
    }

    /// <summary>Each node that rounds: its value and the bound nⱼ·u·Mⱼ of every element.</summary>
    private static List<(Tensor Value, Tensor Bound)> RoundedOutputs(ModelGraph graph,
        Dictionary<string, Tensor> values,
        GraphNetwork absolute)
    {
        var rounded = new List<(Tensor, Tensor)>();
        var magnitudes = new Dictionary<string, Tensor>();
        using var _ = no_grad();
        foreach (var node in graph.Nodes.Skip(1))
        {
            int n = Roundings(graph, node);
            if (n == 0) continue;
            // A BatchNorm may be folded into the conv before it (ONNX Runtime does): its bound then covers the conv's
            // absolute sum, not only its (smaller) output.
            var inputs = node.Inputs.Select(i => node is BatchNorm2dNode && magnitudes.TryGetValue(i, out var m)
                ? m : values[i].abs()).ToList();
            magnitudes[node.Name] = absolute.FloatLayer(node, inputs);
            rounded.Add((values[node.Name], magnitudes[node.Name] * (n * Float32Unit)));
        }
        return rounded;
    }

    /// <summary>
    /// The most roundings an output element can carry, over every order of evaluation: a sum of n products with a
    /// bias, n + 2 (fused multiply-adds round less); BatchNorm's subtract, square root, divide, multiply and add, 6
    /// (folded into the conv's weights: one rounding each); a mean of n, n + 1. An add whose input comes from a conv
    /// may be the conv's starting sum (ONNX Runtime fuses it), so its operand passes through the conv's roundings too.
    /// </summary>
    private static int Roundings(ModelGraph graph, Node node) => node switch
    {
        Conv2dNode c => c.InChannels / c.Groups * c.Kernel[0] * c.Kernel[1] + 2,
        LinearNode l => l.InFeatures + 2,
        BatchNorm2dNode => 6,
        AvgPool2dNode p => p.Kernel[0] * p.Kernel[1] + 1,
        GlobalAvgPoolNode => graph[node.Inputs[0]].OutputShape is { } s ? s[1] * s[2] + 1 : 0,
        AddNode => 1 + node.Inputs.Max(i => graph[i] switch
        {
            Conv2dNode c => Roundings(graph, c),
            BatchNorm2dNode bn when graph[bn.Inputs[0]] is Conv2dNode c => Roundings(graph, c),
            _ => 0,
        }),
        _ => 0,
    };

    /// <summary>
    /// The model whose float layer applied to |x| gives the sum of absolute terms: every weight and bias as |w|, and a
    /// BatchNorm's mean as −|μ|, so (|x| − (−|μ|))·|γ|/√(σ² + ε) + |β| = |s|·|x| + |s·μ| + |β|.
    /// </summary>
    private static Csk6Model Absolute(Csk6Model model) => model with
    {
        Weights = model.Weights.ToDictionary(w => w.Key, w => new WeightTensor(w.Value.Shape,
            [.. w.Value.Data.Select(v => w.Key.EndsWith(".running_var", StringComparison.Ordinal) ? v
                : w.Key.EndsWith(".running_mean", StringComparison.Ordinal) ? -Math.Abs(v) : Math.Abs(v))])),
    };
}
