using Csk6Tools.Engine;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using Tensor = TorchSharp.torch.Tensor;

namespace Csk6Tools.Training;

/// <summary>
/// A TorchSharp module built from a <see cref="ModelGraph"/>: one parameter set per Conv2d, BatchNorm2d and Linear
/// node, named as PyTorch's state_dict names them, and a forward pass that walks the nodes in order.
/// </summary>
internal sealed partial class GraphNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>linger's clamp for weights and layer outputs in the constrained and quantized stages.</summary>
    public const float ClampValue = 8f;

    private readonly Dictionary<string, Parameter> _weights = [];
    private readonly Dictionary<string, Tensor> _stats = [];

    /// <param name="dtype">Float32 for training and inference; Float64
    /// only for <see cref="RoundingBound"/>'s exact reference.</param>
    public GraphNetwork(Csk6Model model, NetworkMode mode, Device device, long seed,
        ScalarType dtype = ScalarType.Float32)
        : base(model.Name)
    {
        Graph = model.Graph;
        Mode = mode;
        foreach (var node in Graph.Nodes)
        {
            if (node is OtherNode)
                throw new TrainingException($"Layer '{node.Name}' is a {node.Op}, which Csk6Tools cannot train.",
                    ErrorIds.TrainingUnsupportedOperator);
            if (mode == NetworkMode.Quantized && node is BatchNorm2dNode)
                throw new TrainingException($"Layer '{node.Name}' is a BatchNorm2d that follows no convolution it " +
                    $"could fold into; quantization-aware training needs every BatchNorm folded.",
                    ErrorIds.TrainingUnsupportedOperator);
        }
        if (model.Weights.Count == 0) Initialize(seed);
        else Load(model.Weights);
        if (dtype != ScalarType.Float32) ConvertTo(dtype);
        foreach (var (name, p) in _weights) register_parameter(Safe(name), p);
        foreach (var (name, b) in _stats) register_buffer(Safe(name), b);
        if (mode == NetworkMode.Quantized) RestoreRunning(model.Quantization);
        this.to(device);
        Device = device;
    }

    public ModelGraph Graph { get; }
    public NetworkMode Mode { get; }
    public Device Device { get; }

    /// <summary>The trainable parameters by state_dict name, in graph order.</summary>
    public IReadOnlyDictionary<string, Parameter> Parameters => _weights;

    /// <summary>Conv2d and Linear weights: the tensors the ±8 clamp applies to.</summary>
    public IEnumerable<Parameter> ClampedWeights => Graph.Nodes.Where(n => n is Conv2dNode or LinearNode)
        .Select(n => _weights[n.Name + ".weight"]);

    /// <summary>
    /// PyTorch's default initialization, in module order, drawn from a generator of the run's own seeded with
    /// <paramref name="seed"/> (torch's global generator is shared by every run in the process): kaiming_uniform_(a =
    /// √5) for conv and linear weights is U(±1/√fan_in), as is the bias
    /// (nn.Conv2d / nn.Linear reset_parameters); BatchNorm γ = 1, β = 0.
    /// </summary>
    private void Initialize(long seed)
    {
        var generator = new Random(unchecked((int)seed));
        foreach (var node in Graph.Nodes)
        {
            switch (node)
            {
                case Conv2dNode c:
                    UniformLayer(c.Name,
                        [c.OutChannels, c.InChannels / c.Groups, c.Kernel[0], c.Kernel[1]], c.Bias, generator);
                    break;
                case LinearNode l:
                    UniformLayer(l.Name, [l.OutFeatures, l.InFeatures], l.Bias, generator);
                    break;
                case BatchNorm2dNode bn:
                    _weights[bn.Name + ".weight"] = new Parameter(ones(bn.NumFeatures));
                    _weights[bn.Name + ".bias"] = new Parameter(zeros(bn.NumFeatures));
                    _stats[bn.Name + ".running_mean"] = zeros(bn.NumFeatures);
                    _stats[bn.Name + ".running_var"] = ones(bn.NumFeatures);
                    break;
            }
        }
    }

    private void UniformLayer(string name, long[] shape, bool bias, Random generator)
    {
        double bound = 1 / Math.Sqrt(shape.Skip(1).Aggregate(1L, (a, d) => a * d));
        Tensor Uniform(long[] s) =>
            tensor(Enumerable.Range(0, (int)s.Aggregate(1L, (a, d) => a * d))
                .Select(_ => (float)(bound * (2 * generator.NextDouble() - 1)))
                .ToArray(), s);
        _weights[name + ".weight"] = new Parameter(Uniform(shape));
        if (bias) _weights[name + ".bias"] = new Parameter(Uniform([shape[0]]));
    }

    private void Load(IReadOnlyDictionary<string, WeightTensor> weights)
    {
        foreach (var entry in StateDict.Entries(Graph))
        {
            if (!weights.TryGetValue(entry.Name, out var w))
                throw new TrainingException($"Model '{Graph.Name}' has weights but no tensor '{entry.Name}'.");
            var t = tensor(w.Data, w.Shape.Select(d => (long)d).ToArray());
            if (entry.Buffer) _stats[entry.Name] = t;
            else _weights[entry.Name] = new Parameter(t);
        }
    }

    private void ConvertTo(ScalarType dtype)
    {
        foreach (var name in _weights.Keys.ToList()) _weights[name] = new Parameter(_weights[name].to(dtype));
        foreach (var name in _stats.Keys.ToList()) _stats[name] = _stats[name].to(dtype);
    }

    /// <summary>Parameters and BN statistics as pure C# tensors, by state_dict name.</summary>
    public Dictionary<string, WeightTensor> ExportWeights()
        => _weights.Select(p => (p.Key, (Tensor)p.Value)).Concat(_stats.Select(b => (b.Key, b.Value)))
            .ToDictionary(p => p.Key, p => ToWeight(p.Item2));

    public static WeightTensor ToWeight(Tensor t)
    {
        using var cpu = t.detach().cpu().contiguous();
        return new WeightTensor(cpu.shape.Select(d => (int)d).ToArray(), cpu.data<float>().ToArray());
    }

    private static string Safe(string name) => name.Replace('.', '_');

    public override Tensor forward(Tensor input) => ForwardAll(input)[Graph.Outputs[0]];

    /// <summary>Every node's output, by node name.</summary>
    public Dictionary<string, Tensor> ForwardAll(Tensor input)
    {
        input = ChannelsLast(input);
        var values = new Dictionary<string, Tensor>
        {
            [Graph.Input.Name] = Mode == NetworkMode.Quantized ? QuantizeInput(input) : input
        };
        foreach (var node in Graph.Nodes.Skip(1))
        {
            var inputs = node.Inputs.Select(i => values[i]).ToList();
            values[node.Name] = Mode == NetworkMode.Quantized ? QuantizedLayer(node, inputs) : FloatLayer(node, inputs);
        }
        return values;
    }

    /// <summary>
    /// Images in channels-last order (the same N×C×H×W tensor, stored N×H×W×C): oneDNN's convolutions take it without
    /// reordering and hand it on, so every layer after works in it (DS ResNet-18 w0.5: float step −40 %, QAT −15 % of
    /// CPU time). Values are the same; float sums may round differently.
    /// </summary>
    private static Tensor ChannelsLast(Tensor x) =>
        x.dim() == 4 ? x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : x;

    internal Tensor FloatLayer(Node node, List<Tensor> x) => node switch
    {
        Conv2dNode c =>
            ClampOutput(Conv(c, x[0], _weights[c.Name + ".weight"], Bias(c.Name, c.Bias)),
                Graph.FoldedBatchNorm(c) is null),
        BatchNorm2dNode bn =>
            ClampOutput(F.batch_norm(x[0], _stats[bn.Name + ".running_mean"], _stats[bn.Name + ".running_var"],
            _weights[bn.Name + ".weight"], _weights[bn.Name + ".bias"], training, bn.Momentum, bn.Eps), true),
        LinearNode l => ClampOutput(F.linear(x[0], _weights[l.Name + ".weight"], Bias(l.Name, l.Bias)), true),
        _ => Shared(node, x),
    };

    /// <summary>The ops whose float form is also their fake-quant
    /// form (max, reshape) or has no quantized variant.</summary>
    private static Tensor Shared(Node node, List<Tensor> x) => node switch
    {
        ReluNode => F.relu(x[0]),
        Relu6Node => x[0].clamp(0, 6),
        AddNode => x[0] + x[1],
        MaxPool2dNode mp => MaxPool(mp, x[0]),
        AvgPool2dNode ap => AvgPool(x[0], ap.Kernel, ap.Stride, ap.Pads, ap.CeilMode, null),
        GlobalAvgPoolNode => x[0].mean([2, 3], keepdim: true),
        FlattenNode => x[0].flatten(1),
        ReshapeNode r => x[0].reshape([x[0].shape[0], .. r.OutputShape!.Dims.Select(d => (long)d)]),
        ConcatNode cat => torch.cat(x, cat.Axis + 1),
        _ => throw new NotSupportedException($"Layer '{node.Name}' ({node.Op}) cannot be trained."),
    };

    /// <summary>linger's normalized layers clamp their output to ±8
    /// in the constrained stage (after the BN a conv feeds).</summary>
    private Tensor ClampOutput(Tensor y, bool layerEnds) => Mode == NetworkMode.Constrained && layerEnds
        ? y.clamp(-ClampValue, ClampValue)
        : y;

    private Tensor? Bias(string node, bool has) => has ? _weights[node + ".bias"] : null;

    private static Tensor Conv(Conv2dNode c, Tensor x, Tensor w, Tensor? b)
    {
        var (padded, padding) = Pad(x, c.Pads, 0);
        return F.conv2d(padded, w, b, [c.Stride[0], c.Stride[1]], padding, [c.Dilation[0], c.Dilation[1]], c.Groups);
    }

    private static Tensor MaxPool(MaxPool2dNode mp, Tensor x)
    {
        var (padded, padding) = Pad(x, mp.Pads, double.NegativeInfinity);
        return F.max_pool2d(padded, [mp.Kernel[0], mp.Kernel[1]], [mp.Stride[0], mp.Stride[1]],
            padding, ceil_mode: mp.CeilMode);
    }

    /// <summary>Average (or, with divisor 1, window sums) with
    /// count_include_pad: zero padding counts in the divisor.</summary>
    private static Tensor AvgPool(Tensor x, int[] kernel, int[] stride, int[] pads, bool ceil, long? divisor)
    {
        var (padded, padding) = Pad(x, pads, 0);
        return F.avg_pool2d(padded, [kernel[0], kernel[1]], [stride[0], stride[1]], padding, ceil,
            count_include_pad: true, divisor_override: divisor);
    }

    /// <summary>Pads [top, left, bottom, right]: symmetric ones go to the operator, others are applied first.</summary>
    private static (Tensor X, long[] Padding) Pad(Tensor x, int[] pads, double value)
        => pads[0] == pads[2] && pads[1] == pads[3]
            ? (x, [pads[0], pads[1]])
            : (F.pad(x, [pads[1], pads[3], pads[0], pads[2]], PaddingModes.Constant, value), [0, 0]);
}
