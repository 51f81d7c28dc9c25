namespace Csk6Tools.Engine.Graph;

/// <summary>
/// The operator names of a <see cref="ModelGraph"/>'s nodes, as PyTorch names its layers: a node's
/// <see cref="Node.Op"/> and its "op" in the graph's JSON.
/// </summary>
public static class GraphOp
{
    public const string Input = nameof(Input);
    public const string Conv2d = nameof(Conv2d);
    public const string BatchNorm2d = nameof(BatchNorm2d);
    public const string ReLU = nameof(ReLU);
    public const string ReLU6 = nameof(ReLU6);
    public const string Add = nameof(Add);
    public const string MaxPool2d = nameof(MaxPool2d);
    public const string AvgPool2d = nameof(AvgPool2d);
    public const string GlobalAvgPool = nameof(GlobalAvgPool);
    public const string Flatten = nameof(Flatten);
    public const string Reshape = nameof(Reshape);
    public const string Linear = nameof(Linear);
    public const string Concat = nameof(Concat);

    /// <summary>The JSON name of an <see cref="OtherNode"/>, whose
    /// <see cref="Node.Op"/> is the imported operator's.</summary>
    public const string Other = nameof(Other);
}
