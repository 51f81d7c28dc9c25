using System.Text.Json;
using System.Text.Json.Serialization;

namespace Csk6Tools.Engine.Graph;

/// <summary>
/// A network as an ordered list of nodes (topological order, the input first). Immutable: transforms build a
/// new graph with <see cref="GraphBuilder"/>.
/// </summary>
[JsonConverter(typeof(ModelGraphJsonConverter))]
public sealed class ModelGraph
{
    private readonly Dictionary<string, Node> _byName;
    private readonly Dictionary<string, List<Node>> _consumers;

    internal ModelGraph(string name, IReadOnlyList<Node> nodes, IReadOnlyList<string> outputs)
    {
        Name = name;
        Nodes = nodes;
        Outputs = outputs;
        _byName = nodes.ToDictionary(n => n.Name);
        _consumers = nodes.ToDictionary(n => n.Name, _ => new List<Node>());
        foreach (var n in nodes)
            for (int k = 0; k < n.Inputs.Count; k++)
                if (FirstTime(n.Inputs, k)) _consumers[n.Inputs[k]].Add(n);
        // An input read twice (x + x) makes its node a consumer once.
        static bool FirstTime(IReadOnlyList<string> inputs, int k)
        {
            for (int j = 0; j < k; j++) if (inputs[j] == inputs[k]) return false;
            return true;
        }
    }

    public string Name { get; }
    public IReadOnlyList<Node> Nodes { get; }
    public IReadOnlyList<string> Outputs { get; }

    public InputNode Input => (InputNode)Nodes[0];
    public TensorShape InputShape => Input.Shape;
    public TensorShape OutputShape => this[Outputs[0]].OutputShape!;

    public Node this[string name] => _byName.TryGetValue(name, out var n)
        ? n
        : throw new GraphException($"The graph has no layer '{name}'.", name);
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The nodes that read the output of <paramref name="name"/>, in graph order.</summary>
    public IReadOnlyList<Node> Consumers(string name) => _consumers[name];

    /// <summary>Trainable parameters as PyTorch counts them (conv, BN affine, linear).</summary>
    public long Parameters => Nodes.Sum(n => n.Parameters);

    /// <summary>Parameters after BN folding: int8 weights plus one int32 bias per output channel.</summary>
    public long DeployParameters => Nodes.Sum(DeployParametersOf);

    /// <summary>Bytes of the deployed parameters: int8 weights and int32 biases, unpadded.</summary>
    public long Int8Bytes => Nodes.Sum(n => DeployParametersOf(n) + 3 * BiasesOf(n));

    private long BiasesOf(Node node) => node switch
    {
        Conv2dNode c => c.Bias || FoldedBatchNorm(c) is not null ? c.OutChannels : 0,
        LinearNode l => l.Bias ? l.OutFeatures : 0,
        BatchNorm2dNode bn => FoldTarget(bn) is null ? bn.NumFeatures : 0,
        _ => 0,
    };

    /// <summary>Multiply-accumulates per sample (convolutions and linear layers).</summary>
    public long Macs => Nodes.Sum(n => n.Macs);

    /// <summary>The BatchNorm2d that folds into this convolution: its only consumer.</summary>
    public BatchNorm2dNode? FoldedBatchNorm(Conv2dNode conv)
        => Consumers(conv.Name) is [BatchNorm2dNode bn] && !Outputs.Contains(conv.Name) ? bn : null;

    /// <summary>The ReLU fused into this node (a convolution or linear
    /// layer): its only consumer, when the node is not an output.</summary>
    public ReluNode? FusedRelu(string node) => Consumers(node) is [ReluNode relu] && !Outputs.Contains(node)
        ? relu
        : null;

    /// <summary>The convolution a BatchNorm2d folds into, or null when it stays a layer of its own.</summary>
    public Conv2dNode? FoldTarget(BatchNorm2dNode bn)
        => bn.Inputs.Count == 1 && this[bn.Inputs[0]] is Conv2dNode conv && FoldedBatchNorm(conv) == bn ? conv : null;

    /// <summary>Deployed parameters of one node: weights and biases after BN folding (a folded BN counts 0).</summary>
    public long DeployParametersOf(Node node) => node switch
    {
        Conv2dNode c => c.WeightCount + BiasesOf(c),
        BatchNorm2dNode bn => FoldTarget(bn) is null ? bn.Parameters : 0,
        _ => node.Parameters,
    };

    /// <summary>The same graph under another name.</summary>
    public ModelGraph Renamed(string name) => name == Name ? this : new ModelGraph(name, Nodes, Outputs);

    public string ToJson() => JsonSerializer.Serialize(this, GraphJson.Options);

    /// <summary>Reads a graph written by <see cref="ToJson"/>; shapes are inferred again and checked.</summary>
    public static ModelGraph FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ModelGraph>(json, GraphJson.Options)
                ?? throw new GraphException("The JSON holds no graph.");
        }
        catch (JsonException e)
        {
            throw new GraphException($"Not a Csk6Tools graph: {e.Message}");
        }
    }

    public override string ToString() => $"{Name} ({Parameters:N0} parameters, {Nodes.Count - 1} layers)";
}
