namespace Csk6Tools.Engine.Graph;

/// <summary>torch.flatten(x, 1): one vector per sample.</summary>
public sealed record FlattenNode : Node
{
    protected override string OpName => GraphOp.Flatten;
    protected override TensorShape Infer(IReadOnlyList<TensorShape> inputs) => new(checked((int)inputs[0].Elements));
}

/// <summary>x.view(N, …): a new per-sample shape with the same elements; one entry may be −1.</summary>
public sealed record ReshapeNode : Node
{
    public required int[] Shape { get; init; }
    protected override string OpName => GraphOp.Reshape;

    protected override TensorShape Infer(IReadOnlyList<TensorShape> inputs)
    {
        long n = inputs[0].Elements;
        int unknown = Array.IndexOf(Shape, -1);
        if (Shape.Count(d => d == -1) > 1 || Shape.Any(d => d == 0 || d < -1))
            throw Fail($"target shape ({string.Join(", ", Shape)}) may hold one −1 and otherwise positive sizes.");
        long known = Shape.Where(d => d > 0).Aggregate(1L, (a, d) => a * d);
        var dims = (int[])Shape.Clone();
        if (unknown >= 0 && known > 0 && n % known == 0) dims[unknown] = (int)(n / known);
        if (dims.Aggregate(1L, (a, d) => a * d) != n)
            throw Fail($"cannot view {inputs[0]} ({n} elements) as ({string.Join(", ", Shape)}).");
        return new TensorShape(dims);
    }
}

/// <summary>torch.cat along a per-sample axis (0 = channels of a feature map).</summary>
public sealed record ConcatNode : Node
{
    public int Axis { get; init; }
    protected override string OpName => GraphOp.Concat;
    protected override int? Arity => null;

    protected override TensorShape Infer(IReadOnlyList<TensorShape> inputs)
    {
        var first = inputs[0];
        if (Axis < 0 || Axis >= first.Rank) throw Fail($"axis {Axis} is outside a rank-{first.Rank} sample.");
        var dims = first.Dims.ToArray();
        foreach (var s in inputs.Skip(1))
        {
            if (s.Rank != first.Rank || Enumerable.Range(0, s.Rank).Any(a => a != Axis && s[a] != first[a]))
                throw Fail($"cannot concatenate {first} and {s} along axis {Axis}.");
            dims[Axis] += s[Axis];
        }
        return new TensorShape(dims);
    }
}
