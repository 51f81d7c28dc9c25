using System.Text.Json.Serialization;

namespace Csk6Tools.Engine.Graph;

/// <summary>
/// One operator of a <see cref="ModelGraph"/>: a layer as PyTorch would name it. Its output is known by the
/// node's name; <see cref="Inputs"/> name the nodes it reads. Shapes exclude the batch dimension.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(InputNode), GraphOp.Input)]
[JsonDerivedType(typeof(Conv2dNode), GraphOp.Conv2d)]
[JsonDerivedType(typeof(BatchNorm2dNode), GraphOp.BatchNorm2d)]
[JsonDerivedType(typeof(ReluNode), GraphOp.ReLU)]
[JsonDerivedType(typeof(Relu6Node), GraphOp.ReLU6)]
[JsonDerivedType(typeof(AddNode), GraphOp.Add)]
[JsonDerivedType(typeof(MaxPool2dNode), GraphOp.MaxPool2d)]
[JsonDerivedType(typeof(AvgPool2dNode), GraphOp.AvgPool2d)]
[JsonDerivedType(typeof(GlobalAvgPoolNode), GraphOp.GlobalAvgPool)]
[JsonDerivedType(typeof(FlattenNode), GraphOp.Flatten)]
[JsonDerivedType(typeof(ReshapeNode), GraphOp.Reshape)]
[JsonDerivedType(typeof(LinearNode), GraphOp.Linear)]
[JsonDerivedType(typeof(ConcatNode), GraphOp.Concat)]
[JsonDerivedType(typeof(OtherNode), GraphOp.Other)]
public abstract record Node
{
    public required string Name { get; init; }

    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>The operator's name, as in PyTorch (Conv2d, BatchNorm2d …).</summary>
    [JsonIgnore]
    public string Op => OpName;

    protected abstract string OpName { get; }

    /// <summary>The output shape, inferred when the node joins a graph.</summary>
    [JsonPropertyName("outputShape")]
    public TensorShape? OutputShape { get; private set; }

    /// <summary>Trainable parameters, counted as PyTorch counts them.</summary>
    [JsonIgnore]
    public virtual long Parameters => 0;

    /// <summary>Multiply-accumulates for one sample.</summary>
    [JsonIgnore]
    public virtual long Macs => 0;

    /// <summary>How many inputs the operator takes (null: one or more).</summary>
    protected virtual int? Arity => 1;

    internal void Bind(IReadOnlyList<TensorShape> inputs)
    {
        if (Arity is int n ? inputs.Count != n : inputs.Count < 1)
            throw Fail($"takes {(Arity is int a ? a.ToString() : "one or more")} input(s), got {inputs.Count}.");
        InputShapes = inputs;
        OutputShape = Infer(inputs);
    }

    /// <summary>The shapes of the inputs, known once the node joins a graph.</summary>
    [JsonIgnore]
    public IReadOnlyList<TensorShape> InputShapes { get; private set; } = [];

    protected abstract TensorShape Infer(IReadOnlyList<TensorShape> inputs);

    protected GraphException Fail(string message) => new($"Layer '{Name}' ({Op}): {message}", Name);

    protected static (int C, int H, int W) FeatureMap(TensorShape s, Node n)
        => s.Rank == 3 ? s.Chw : throw n.Fail($"expects a C×H×W feature map, got {s}.");

    // Sealed: derived records would otherwise print every property, the way records do by default.
    public sealed override string ToString() => $"{Name} ({Op} → {OutputShape})";
}
