namespace Csk6Tools.Engine.Graph;

/// <summary>Element-wise sum of two tensors of the same shape (the residual add).</summary>
public sealed record AddNode : Node
{
    protected override string OpName => GraphOp.Add;
    protected override int? Arity => 2;

    protected override TensorShape Infer(IReadOnlyList<TensorShape> inputs)
    {
        if (!inputs[0].Equals(inputs[1])) throw Fail($"adds tensors of different shapes {inputs[0]} and {inputs[1]}.");
        return inputs[0];
    }
}
