using Csk6Tools.Engine;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Quant;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using Tensor = TorchSharp.torch.Tensor;

namespace Csk6Tools.Training;

/// <summary>
/// The fake-quantized forward (docs/quant-arithmetic.md). Every tensor between layers holds q / 2^Q exactly;
/// each layer computes its int8 result with the integer formulas (FakeQuant = Int8Arithmetic in tensor form) and
/// passes gradients straight through the float computation on the dequantized inputs and weights (linger's STE).
/// Exponents come from the batch in training (floor for conv, linear and the input; round and the min rule for
/// add and concat) and from the running statistics at eval.
/// </summary>
internal sealed partial class GraphNetwork
{
    private readonly Dictionary<string, int> _exponents = [];
    private readonly Dictionary<string, double> _running = [];
    private readonly Dictionary<string, LayerQuantization> _recorded = [];
    private readonly Dictionary<string, int> _storedWeightExponents = [];
    private double _inputRunning;
    private int _inputExponent;

    /// <summary>The exponents the model deploys with: an eval forward,
    /// where they depend on the running statistics only.</summary>
    public QuantizationState ExportQuantization()
    {
        bool wasTraining = training;
        eval();
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var (c, h, w) = Graph.InputShape.Rank == 3 ? Graph.InputShape.Chw : (Graph.InputShape[0], 1, 1);
            forward(Graph.InputShape.Rank == 3 ? zeros(1, c, h, w, device: Device) : zeros(1, c, device: Device));
        }
        train(wasTraining);
        return new QuantizationState { InputExponent = _inputExponent, InputRunning = _inputRunning,
            Layers = new Dictionary<string, LayerQuantization>(_recorded) };
    }

    private void RestoreRunning(QuantizationState? state)
    {
        if (state is null) return;
        _inputRunning = state.InputRunning;
        foreach (var (name, layer) in state.Layers)
        {
            _running[name] = layer.Running;
            if (layer.Weight is int qw) _storedWeightExponents[name] = qw;
        }
    }

    private Tensor QuantizeInput(Tensor x)
    {
        int q = training
            ? Int8Arithmetic.BatchExponent(FakeQuant.MaxAbs(x))
            : Int8Arithmetic.RunningExponent(RequireRunning(Graph.Input.Name, _inputRunning));
        if (training) _inputRunning = Int8Arithmetic.UpdateRunning(_inputRunning, Int8Arithmetic.Range(q));
        _inputExponent = q;
        _exponents[Graph.Input.Name] = q;
        using var _ = no_grad();
        return FakeQuant.Dequantize(FakeQuant.Quantize(x, q), q);
    }

    private Tensor QuantizedLayer(Node node, List<Tensor> x)
    {
        int[] inputs = node.Inputs.Select(i => _exponents[i]).ToArray();
        var (y, output, weight) = node switch
        {
            Conv2dNode c => Weighted(c, c.Bias, x[0], inputs[0], (v, w, b) => Conv(c, v, w, b)),
            LinearNode l => Weighted(l, l.Bias, x[0], inputs[0], (v, w, b) => F.linear(v, w, b)),
            AddNode =>
                Merge(node, x, inputs,
                    (v, qo) => FakeQuant.Added(v[0], inputs[0], v[1], inputs[1], qo), t => t[0] + t[1]),
            ConcatNode cat =>
                Merge(node, x, inputs,
                    (v, qo) => torch.cat(v.Select(t => FakeQuant.Requantized(t, qo)).ToList(), cat.Axis + 1),
                t => torch.cat(t, cat.Axis + 1)),
            AvgPool2dNode ap =>
                (Average(x[0], inputs[0], ap.Kernel, ap.Stride, ap.Pads, ap.CeilMode), inputs[0], (int?)null),
            GlobalAvgPoolNode gap =>
                (Average(x[0], inputs[0], [gap.InputShapes[0][1], gap.InputShapes[0][2]],
                    [gap.InputShapes[0][1], gap.InputShapes[0][2]], [0, 0, 0, 0], false), inputs[0], null),
            Relu6Node =>
                (x[0].clamp(0, Int8Arithmetic.Dequantize(Int8Arithmetic.Relu6Bound(inputs[0]), inputs[0])),
                    inputs[0], null),
            _ => (Shared(node, x), inputs[0], null),
        };
        _exponents[node.Name] = output;
        _recorded[node.Name] = new LayerQuantization
        {
            Inputs = inputs, Weight = weight, Output = output,
            FusedRelu = node is Conv2dNode or LinearNode && FusedRelu(node),
            Running = _running.GetValueOrDefault(node.Name),
        };
        return y;
    }

    /// <summary>
    /// Conv2dInt / LinearInt (docs/quant-arithmetic.md#conv-linear): acc = Σ x_q·w_q + b_q,
    /// y_q = sat8(rshift(acc, Q_x + Q_w − Q_o)).
    /// </summary>
    private (Tensor, int, int?) Weighted(Node node, bool hasBias, Tensor x, int qx,
        Func<Tensor, Tensor, Tensor?, Tensor> op)
    {
        var w = _weights[node.Name + ".weight"];
        // At eval a model keeps the weight exponents it was given: linger's files can hold −128 (one step past the
        // floor rule), which the rule recomputed from the weights would turn into a coarser exponent than the
        // package's.
        int qw = !training && _storedWeightExponents.TryGetValue(node.Name, out int stored)
            ? stored
            : Int8Arithmetic.WeightExponent(FakeQuant.MaxAbs(w));
        int qacc = qx + qw;
        Tensor wq, bq = null!;
        using (no_grad())
        {
            wq = FakeQuant.Dequantize(FakeQuant.Quantize(w, qw), qw);
            if (hasBias) bq = FakeQuant.Dequantize(FakeQuant.QuantizeBias(_weights[node.Name + ".bias"], qacc), qacc);
        }
        // Products and sums of q/2^Q values are exact in float32 while |Σ x_q·w_q| < 2^24, so y = acc / 2^(Q_x+Q_w).
        var y = op(x, FakeQuant.StraightThrough(wq, w),
            hasBias ? FakeQuant.StraightThrough(bq, _weights[node.Name + ".bias"]) : null);
        bool relu = FusedRelu(node);
        // The float path is the output clamped to ±8 (and the fused ReLU): its range comes from y's extremes, and its
        // storage takes the requantized values (the straight-through estimator; clamp's backward reads y, not its
        // output). When the batch lies within the clamp its gradient passes everything, so y itself is the path (a
        // fused ReLU's lower bound is implied: the ReLU layer after it passes gradients only where the output, hence
        // y, is positive).
        bool within = !is_grad_enabled();
        int qo;
        if (training)
        {
            var (low, high) = FakeQuant.Extremes(y);
            qo = Int8Arithmetic.BatchExponent(Math.Min(ClampValue, relu ? Math.Max(high, 0) : Math.Max(high, -low)));
            _running[node.Name] = Int8Arithmetic.UpdateRunning(_running.GetValueOrDefault(node.Name),
                Int8Arithmetic.Range(qo));
            within |= high <= ClampValue && (relu || low >= -ClampValue);
        }
        else qo = Int8Arithmetic.RunningExponent(RequireRunning(node.Name, _running.GetValueOrDefault(node.Name)));
        qo = Int8Arithmetic.LimitOutputExponent(qo, qx, qw);
        var path = within ? y : y.clamp(relu ? 0 : -ClampValue, ClampValue);
        using (no_grad())
            if (within) FakeQuant.Requantize_(y, qo, relu);
            else FakeQuant.Requantized(y, qo, relu, into: path);
        return (path, qo, qw);
    }

    /// <summary>
    /// iqAdd and iqCat (docs/quant-arithmetic.md#iqadd, #iqcat): each input rescaled to the output exponent (never
    /// above an input's) with its own rounding.
    /// </summary>
    private (Tensor, int, int?) Merge(Node node, List<Tensor> x, int[] qs, Func<Tensor[], int, Tensor> integer,
        Func<List<Tensor>, Tensor> real)
    {
        var path = real(x);
        double max = training
            ? Math.Max(x.Max(FakeQuant.MaxAbs), node is AddNode ? FakeQuant.MaxAbs(path) : 0)
            : RequireRunning(node.Name, _running.GetValueOrDefault(node.Name));
        if (training) _running[node.Name] = Int8Arithmetic.UpdateRunning(_running.GetValueOrDefault(node.Name), max);
        int qo = Int8Arithmetic.MergeExponent(max, qs);
        using (no_grad())
        using (var q = integer(x.Select(v => v.detach()).ToArray(), qo))
            return (FakeQuant.Substitute(path, q), qo, null);
    }

    /// <summary>
    /// AvgPool2dInt (docs/quant-arithmetic.md#avgpool): sat8(floor(S / K + 0.5)) of the integer window sums, scale
    /// unchanged.
    /// </summary>
    private static Tensor Average(Tensor x, int q, int[] kernel, int[] stride, int[] pads, bool ceil)
    {
        var path = AvgPool(x, kernel, stride, pads, ceil, null);
        using (no_grad())
        using (var avg = FakeQuant.Dequantize(FakeQuant.Average(
            AvgPool(FakeQuant.Integers(x, q), kernel, stride, pads, ceil, 1), kernel[0] * kernel[1]), q))
            return FakeQuant.Substitute(path, avg);
    }

    /// <summary>A Conv2d or Linear whose only consumer is a ReLU: the
    /// packer fuses it, so the ReLU applies before requantization.</summary>
    private bool FusedRelu(Node node) => Graph.FusedRelu(node.Name) is not null;

    private static double RequireRunning(string layer, double running)
        => running > 0 ? running : throw new TrainingException(
            $"Layer '{layer}' has no running range: it never ran in a training batch of quantization-aware training. " +
            $"Train with Invoke-QuantTraining before evaluating.",
            category: Csk6ErrorCategory.InvalidOperation);
}
