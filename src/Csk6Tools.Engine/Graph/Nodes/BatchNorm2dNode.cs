namespace Csk6Tools.Engine.Graph;

/// <summary>torch.nn.BatchNorm2d: γ and β are trainable; running mean and variance are not parameters.</summary>
public sealed record BatchNorm2dNode : Node
{
    public required int NumFeatures { get; init; }
    public double Eps { get; init; } = 1e-5;
    public double Momentum { get; init; } = 0.1;

    protected override string OpName => GraphOp.BatchNorm2d;
    public override long Parameters => 2L * NumFeatures;

    protected override TensorShape Infer(IReadOnlyList<TensorShape> inputs)
    {
        var (c, _, _) = FeatureMap(inputs[0], this);
        if (c != NumFeatures) throw Fail($"expects {NumFeatures} channels, got {c}.");
        return inputs[0];
    }
}
