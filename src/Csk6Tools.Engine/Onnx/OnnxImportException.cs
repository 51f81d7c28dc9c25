namespace Csk6Tools.Engine.Onnx;

/// <summary>An ONNX file that cannot be imported (ids Onnx*); <see cref="Nodes"/> names the nodes at fault.</summary>
public sealed class OnnxImportException(string errorId, string message, IReadOnlyList<string>? nodes = null)
    : Csk6Exception(errorId, message)
{
    public IReadOnlyList<string> Nodes { get; } = nodes ?? [];
}
