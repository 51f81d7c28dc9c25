namespace Csk6Tools.Engine.Graph;

/// <summary>torch.nn.ReLU.</summary>
public sealed record ReluNode : Node
{
    protected override string OpName => GraphOp.ReLU;
    protected override TensorShape Infer(IReadOnlyList<TensorShape> inputs) => inputs[0];
}

/// <summary>torch.nn.ReLU6 (exported as Clip(0, 6)).</summary>
public sealed record Relu6Node : Node
{
    protected override string OpName => GraphOp.ReLU6;
    protected override TensorShape Infer(IReadOnlyList<TensorShape> inputs) => inputs[0];
}
