using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Quant;
using Onnx;

namespace Csk6Tools.Engine.Onnx;

/// <summary>What an ONNX tensor name stands for while the graph is read.</summary>
internal abstract record OnnxValue;

/// <summary>The output of a graph node; <see cref="Exponent"/> is
/// set for linger's int8 data (value = q / 2^Exponent).</summary>
internal sealed record ActivationValue(string Node, int? Exponent) : OnnxValue;

internal sealed record ConstantValue(Lazy<OnnxTensor> Tensor) : OnnxValue
{
    public ConstantValue(OnnxTensor tensor) : this(new Lazy<OnnxTensor>(tensor)) { }
}

/// <summary>The output of an unsupported node: whatever reads it
/// is skipped, so one error lists every unsupported node.</summary>
internal sealed record UnknownValue : OnnxValue;

/// <summary>A node the importer understands but cannot represent (a float
/// operator on int8 data, an unsupported attribute value).</summary>
internal sealed class RejectException(string why) : Csk6Exception(ErrorIds.OnnxUnsupportedOperator, why);

/// <summary>One import: walks the nodes in order, building the
/// graph, the weights, the exponents and the names.</summary>
internal sealed partial class OnnxGraphImport
{
    private readonly ModelProto _model;
    private readonly string _name;
    private readonly Dictionary<string, OnnxValue> _values = [];
    private readonly Dictionary<string, List<NodeProto>> _consumers = [];
    private readonly HashSet<NodeProto> _absorbed = [];
    private readonly Dictionary<string, WeightTensor> _weights = [];
    private readonly Dictionary<string, LayerQuantization> _quant = [];
    private readonly Dictionary<string, string> _tensorNames = [];
    private readonly Dictionary<string, string> _opNames = [];
    private readonly HashSet<string> _used = [];
    private readonly List<string> _unsupported = [];
    private GraphBuilder _b = null!;
    private string _input = "";
    private int? _inputExponent;

    private readonly Dictionary<string, Action<NodeProto>> _standard;
    private readonly Dictionary<string, Action<NodeProto>> _thinker;

    public OnnxGraphImport(ModelProto model, string name)
    {
        _model = model;
        _name = name;
        _standard = StandardHandlers();
        _thinker = ThinkerHandlers();
    }

    private bool Linger => _model.Graph.Node.Any(n => n.Domain == OnnxImporter.ThinkerDomain);

    public Csk6Model Run()
    {
        var g = _model.Graph;
        foreach (var t in g.Initializer)
            _values[t.Name] = new ConstantValue(new Lazy<OnnxTensor>(() => OnnxTensor.Decode(t)));
        foreach (var n in g.Node)
            foreach (var i in n.Input.Where(i => i.Length > 0))
                (_consumers.TryGetValue(i, out var l) ? l : _consumers[i] = []).Add(n);

        var inputs = g.Input.Where(i => !_values.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
            throw Invalid($"The graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); " +
                $"Csk6Tools imports networks with one image input.");
        _input = inputs[0].Name;
        _b = new GraphBuilder(_name, InputShape(inputs[0]), _input);
        _used.Add(_input);
        _values[_input] = new ActivationValue(_input, null);

        foreach (var n in g.Node) Visit(n);
        if (_unsupported.Count > 0)
            throw new OnnxImportException(ErrorIds.OnnxUnsupportedOperator,
                $"'{_name}' has {_unsupported.Count} node(s) Csk6Tools cannot import: " +
                $"{string.Join("; ", _unsupported)}.", _unsupported);

        var outputs = g.Output.Select(o =>
                _values.GetValueOrDefault(o.Name) is ActivationValue { Node: var node } && node != _input
                    ? node
                    : throw Invalid($"Graph output '{o.Name}' is not computed by a layer."))
            .ToArray();
        var graph = Build(() => _b.Build(outputs), "graph");
        bool linger = Linger;
        return new Csk6Model
        {
            Graph = graph,
            Weights = _weights,
            Stage = linger ? ModelStage.Quantized : ModelStage.Float,
            Quantization = linger ? Quantization(graph) : null,
            Names = new TensorNames(_tensorNames, _opNames),
        };
    }

    private QuantizationState Quantization(ModelGraph graph)
    {
        if (_inputExponent is not int q)
            throw Invalid("The linger graph has no thinker::Quant on its input, so the input's scale is unknown.");
        var layers = _quant.ToDictionary(p => p.Key, p => graph[p.Key] is Conv2dNode or LinearNode
            ? p.Value with { FusedRelu = graph.FusedRelu(p.Key) is not null }
            : p.Value);
        return new QuantizationState { InputExponent = q, InputRunning = Int8Arithmetic.Range(q), Layers = layers };
    }

    private void Visit(NodeProto n)
    {
        foreach (var i in n.Input.Where(i => i.Length > 0))
            if (!_values.ContainsKey(i))
                throw Invalid($"Node '{Describe(n)}' reads '{i}', which no earlier node or initializer defines.");
        if (n.Input.Any(i => i.Length > 0 && _values[i] is UnknownValue))
        {
            // Downstream of an unsupported node: skipped, but listed too if its operator is unknown as well.
            if (Handler(n) is null) _unsupported.Add(Describe(n));
            Poison(n);
            return;
        }
        if (Handler(n) is not { } handle)
        {
            Reject(n, null);
            return;
        }
        try
        {
            handle(n);
        }
        catch (GraphException e)
        {
            throw Invalid($"Node '{Describe(n)}': {e.Message}");
        }
        catch (RejectException e)
        {
            Reject(n, e.Message);
        }
    }

    private Action<NodeProto>? Handler(NodeProto n)
        => (n.Domain == OnnxImporter.ThinkerDomain
            ? _thinker
            : n.Domain is "" or "ai.onnx"
            ? _standard
            : null)?.GetValueOrDefault(n.OpType);

    /// <summary>Records an unsupported node (all are reported together at the end) and poisons its outputs.</summary>
    private void Reject(NodeProto n, string? why)
    {
        _unsupported.Add(why is null ? Describe(n) : $"{Describe(n)}: {why}");
        Poison(n);
    }

    private void Poison(NodeProto n)
    {
        foreach (var o in n.Output.Where(o => o.Length > 0)) _values[o] = new UnknownValue();
    }

    private static string Describe(NodeProto n)
        => $"{(n.Name.Length > 0 ? n.Name : n.Output.FirstOrDefault() ?? "?")} " +
            $"({(n.Domain.Length > 0 ? n.Domain + "::" : "")}{n.OpType})";

    private static TensorShape InputShape(ValueInfoProto input)
    {
        var dims = input.Type?.TensorType?.Shape?.Dim.Select(d => d.DimValue).ToArray() ?? [];
        if (dims.Length < 2 || dims.Skip(1).Any(d => d <= 0))
            throw Invalid($"Input '{input.Name}' has shape [{string.Join(", ", dims)}]; Csk6Tools needs a fixed " +
                $"N×C×H×W (or N×F) input.");
        return new TensorShape(dims.Skip(1).Select(d => checked((int)d)).ToArray());
    }

    private static OnnxImportException Invalid(string message) => new(ErrorIds.OnnxInvalidModel, message);

    private static T Build<T>(Func<T> build, string what)
    {
        try { return build(); }
        catch (GraphException e) { throw Invalid($"The {what} cannot be built: {e.Message}"); }
    }

    // ---- values ----

    private ActivationValue Act(NodeProto n, int i)
        => i < n.Input.Count && _values.GetValueOrDefault(n.Input[i]) is ActivationValue a ? a
            : throw Invalid($"Node '{Describe(n)}': input {i} must be a layer's output, not a constant.");

    private OnnxTensor Const(NodeProto n, int i)
        => i < n.Input.Count && _values.GetValueOrDefault(n.Input[i]) is ConstantValue c ? c.Tensor.Value
            : throw Invalid($"Node '{Describe(n)}': input {i} must be a constant (an initializer or a Constant node).");

    private bool IsConst(NodeProto n, int i) =>
        i < n.Input.Count && n.Input[i].Length > 0 && _values.GetValueOrDefault(n.Input[i]) is ConstantValue;
    private bool Has(NodeProto n, int i) => i < n.Input.Count && n.Input[i].Length > 0;

    private void Define(NodeProto n, OnnxValue value) => _values[n.Output[0]] = value;

    /// <summary>Adds a layer for an ONNX node and maps the node's output
    /// to it; names it after its weight when it has one.</summary>
    private ActivationValue AddLayer(NodeProto n, Node node, int? exponent, params string[] inputs)
    {
        var added = _b.Add(node, inputs);
        _tensorNames[added] = n.Output[0];
        if (n.Name.Length > 0) _opNames[added] = n.Name;
        var value = new ActivationValue(added, exponent);
        Define(n, value);
        return value;
    }

    /// <summary>A unique layer name: <c>conv1.0</c> for a node whose weight is <c>conv1.0.weight</c>, else the node's
    /// name (PyTorch's <c>/layer1/Add</c> as <c>layer1.Add</c>).</summary>
    private string LayerName(NodeProto n, string? weight = null)
    {
        string first = weight is not null && weight.EndsWith(".weight", StringComparison.Ordinal) && weight.Length > 7
            ? weight[..^7]
            : (n.Name.Length > 0 ? n.Name : n.Output[0]).TrimStart('/').Replace('/', '.');
        string name = first;
        for (int k = 2; !_used.Add(name); k++) name = $"{first}#{k}";
        return name;
    }

    private void AddWeight(string layer, string suffix, string source, int[] shape, float[] data)
    {
        _weights[$"{layer}.{suffix}"] = new WeightTensor(shape, data);
        _tensorNames[$"{layer}.{suffix}"] = source;
    }

    // ---- attributes ----

    private static AttributeProto? Attr(NodeProto n, string name) => n.Attribute.FirstOrDefault(a => a.Name == name);

    private static long Int(NodeProto n, string name, long fallback) => Attr(n, name) is { } a ? a.I : fallback;

    private static float Float(NodeProto n, string name, float fallback) => Attr(n, name) is { } a ? a.F : fallback;

    private static string Text(NodeProto n, string name, string fallback) => Attr(n, name) is { } a
        ? a.S.ToStringUtf8()
        : fallback;

    private static int[] Ints(NodeProto n, string name, int[] fallback)
        => Attr(n, name) is { } a ? a.Ints.Select(v => checked((int)v)).ToArray() : fallback;

    private static int[] RequiredInts(NodeProto n, string name)
        => Attr(n, name) is { } a
            ? a.Ints.Select(v => checked((int)v)).ToArray()
            : throw Invalid($"Node '{Describe(n)}' has no '{name}' attribute.");

    /// <summary>A linger scale attribute (a power of two 2^Q) as its exponent Q.</summary>
    private static int Exponent(NodeProto n, string name)
    {
        if (Attr(n, name) is not { } a) throw Invalid($"Node '{Describe(n)}' has no '{name}' attribute.");
        double log = Math.Log2(a.F);
        int q = (int)Math.Round(log);
        if (!(a.F > 0) || Math.Abs(log - q) > 1e-6)
            throw Invalid($"Node '{Describe(n)}': {name} = {a.F} is not a power of two; CSK6 scales are 2^Q.");
        return q;
    }

    private static void RequireAutoPadUnset(NodeProto n)
    {
        string pad = Text(n, "auto_pad", "NOTSET");
        if (pad is not ("NOTSET" or ""))
            throw Invalid($"Node '{Describe(n)}' uses auto_pad {pad}; export with explicit pads (PyTorch does).");
    }
}
