namespace Csk6Tools.Engine.Graph;

/// <summary>torch.nn.Linear on a vector per sample.</summary>
public sealed record LinearNode : Node
{
    public required int InFeatures { get; init; }
    public required int OutFeatures { get; init; }
    public bool Bias { get; init; } = true;

    protected override string OpName => GraphOp.Linear;
    public long WeightCount => (long)InFeatures * OutFeatures;
    public override long Parameters => WeightCount + (Bias ? OutFeatures : 0);
    public override long Macs => WeightCount;

    protected override TensorShape Infer(IReadOnlyList<TensorShape> inputs)
    {
        var s = inputs[0];
        if (s.Rank != 1 || s[0] != InFeatures)
            throw Fail($"expects a vector of {InFeatures} features, got " +
                $"{s}{(s.Rank > 1 ? " (flatten it first)" : "")}.");
        return new TensorShape(OutFeatures);
    }
}
