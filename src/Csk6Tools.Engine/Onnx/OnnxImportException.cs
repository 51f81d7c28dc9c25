namespace Csk6Tools.Engine.Onnx;

/// <summary>An ONNX file that cannot be imported; <see cref="ErrorId"/> is stable and <see cref="Nodes"/> names the nodes at fault.</summary>
public sealed class OnnxImportException(string errorId, string message, IReadOnlyList<string>? nodes = null) : Exception(message)
{
    public string ErrorId { get; } = errorId;
    public IReadOnlyList<string> Nodes { get; } = nodes ?? [];

    /// <summary>Not a readable ONNX protobuf (truncated, damaged or another format).</summary>
    public const string Corrupt = "OnnxCorrupt";

    /// <summary>Operators the importer does not know; the message lists every one with its node name.</summary>
    public const string UnsupportedOperator = "OnnxUnsupportedOperator";

    /// <summary>A well-formed file whose graph is wrong: a missing attribute, a shape that does not fit, a scale that is not a power of two.</summary>
    public const string InvalidModel = "OnnxInvalidModel";
}
