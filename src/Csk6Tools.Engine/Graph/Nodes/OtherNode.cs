namespace Csk6Tools.Engine.Graph;

/// <summary>
/// An operator Csk6Tools does not model (LeakyReLU, Sigmoid, Upsample …), kept so the graph stays whole and the
/// budget can name it. Its output shape is given, since it cannot be inferred.
/// </summary>
public sealed record OtherNode : Node
{
    public required string OpType { get; init; }
    public required TensorShape Shape { get; init; }
    protected override string OpName => OpType;
    protected override int? Arity => null;

    protected override TensorShape Infer(IReadOnlyList<TensorShape> inputs) => Shape;
}
