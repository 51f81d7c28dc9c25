namespace Csk6Tools.Engine.Graph;

/// <summary>The graph's input: one sample of the given shape (int8 on the chip, float in training).</summary>
public sealed record InputNode : Node
{
    public required TensorShape Shape { get; init; }
    protected override string OpName => GraphOp.Input;
    protected override int? Arity => 0;
    protected override TensorShape Infer(IReadOnlyList<TensorShape> inputs) => Shape;
}
