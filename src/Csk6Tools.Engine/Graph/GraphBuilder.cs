namespace Csk6Tools.Engine.Graph;

/// <summary>Builds a <see cref="ModelGraph"/> node by node, inferring each shape as the node is added.</summary>
public sealed class GraphBuilder
{
    private readonly string _name;
    private readonly List<Node> _nodes = [];
    private readonly Dictionary<string, Node> _byName = [];

    public GraphBuilder(string name, TensorShape inputShape, string inputName = "input")
    {
        _name = name;
        Add(new InputNode { Name = inputName, Shape = inputShape });
    }

    /// <summary>The name of the graph input.</summary>
    public string Input => _nodes[0].Name;

    /// <summary>The shape of a node already added.</summary>
    public TensorShape ShapeOf(string name) => Find(name).OutputShape!;

    /// <summary>Adds a node reading the given inputs (or keeps the
    /// inputs it already names) and returns its name.</summary>
    public string Add(Node node, params string[] inputs)
    {
        if (string.IsNullOrWhiteSpace(node.Name)) throw new GraphException("Every layer needs a name.");
        if (_byName.ContainsKey(node.Name)) throw new GraphException($"Two layers are named '{node.Name}'.", node.Name);
        var bound = inputs.Length > 0 || node is InputNode ? node with { Inputs = inputs } : node;
        var shapes = new TensorShape[bound.Inputs.Count];
        for (int k = 0; k < shapes.Length; k++)
        {
            string input = bound.Inputs[k];
            shapes[k] = _byName.TryGetValue(input, out var p)
                ? p.OutputShape!
                : throw new GraphException($"Layer '{node.Name}' reads '{input}', which is not defined before it.",
                    node.Name);
        }
        bound.Bind(shapes);
        _nodes.Add(bound);
        _byName.Add(bound.Name, bound);
        return bound.Name;
    }

    /// <summary>The graph; its outputs default to the last node.</summary>
    public ModelGraph Build(params string[] outputs)
    {
        if (_nodes.Count < 2) throw new GraphException("A graph needs at least one layer after its input.");
        var outs = outputs.Length > 0 ? outputs : [_nodes[^1].Name];
        foreach (var o in outs) Find(o);
        return new ModelGraph(_name, _nodes.ToList(), outs);
    }

    private Node Find(string name)
        => _byName.TryGetValue(name, out var n)
            ? n
            : throw new GraphException($"The graph has no layer '{name}'.", name);
}
