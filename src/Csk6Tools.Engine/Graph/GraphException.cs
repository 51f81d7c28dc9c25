namespace Csk6Tools.Engine.Graph;

/// <summary>A graph that cannot be built or read: an unknown
/// input, a shape that does not fit, a bad attribute.</summary>
public sealed class GraphException(string message, string? node = null) : Csk6Exception(ErrorIds.InvalidGraph, message)
{
    /// <summary>The node at fault, when there is one.</summary>
    public string? Node { get; } = node;

    public override object? Target => Node;
}
