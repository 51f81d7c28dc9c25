namespace Csk6Tools.Engine.Model;

/// <summary>
/// The names a package gives tensors when they should follow an imported file: tpacker names constants after
/// the ONNX initializers, activations after the ONNX output tensors and split pieces
/// <c>&lt;tensor&gt;_&lt;onnx node&gt;_&lt;i&gt;</c>. Keys are the graph's own names (a node for its output,
/// <c>&lt;node&gt;.weight</c>, <c>.bias</c>, <c>.shape</c> for constants); a name without an entry stays as it is.
/// </summary>
public sealed record TensorNames(IReadOnlyDictionary<string, string> Tensors,
    IReadOnlyDictionary<string, string> Operators)
{
    public string Tensor(string name) => Tensors.GetValueOrDefault(name, name);

    /// <summary>The source file's name of the operator that became this layer.</summary>
    public string Operator(string layer) => Operators.GetValueOrDefault(layer, layer);
}
