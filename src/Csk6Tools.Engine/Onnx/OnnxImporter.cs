using Csk6Tools.Engine.Model;
using Google.Protobuf;
using Onnx;

namespace Csk6Tools.Engine.Onnx;

/// <summary>
/// Reads an ONNX model into a <see cref="Csk6Model"/>: float ONNX as PyTorch exports it (Stage Float), or linger's
/// quantized dialect (domain <c>thinker</c>) with its int8 weights and power-of-two scales (Stage Quantized, ready to
/// pack). Tensor names follow the file, so a package of a linger model names its tensors as tpacker does.
/// </summary>
public static class OnnxImporter
{
    public const string ThinkerDomain = "thinker";

    /// <summary>A serialized ModelProto starts with field 1 (ir_version) as a varint: byte 0x08.</summary>
    public static bool LooksLikeOnnx(ReadOnlySpan<byte> head) => head.Length > 0 && head[0] == 0x08;

    public static Csk6Model Import(string path) =>
        Import(File.ReadAllBytes(path), Path.GetFileNameWithoutExtension(path));

    public static Csk6Model Import(byte[] bytes, string name)
    {
        var model = Parse(bytes);
        try
        {
            return new OnnxGraphImport(model, name).Run();
        }
        catch (Exception e) when (e is ArgumentException or OverflowException or IndexOutOfRangeException
            or InvalidOperationException or KeyNotFoundException)
        {
            // A readable protobuf whose fields do not make a graph (negative sizes, dims out of range …).
            throw new OnnxImportException(ErrorIds.OnnxInvalidModel,
                $"'{name}' is not a consistent ONNX graph: {e.Message}");
        }
    }

    public static ModelProto Parse(byte[] bytes)
    {
        try
        {
            var model = ModelProto.Parser.ParseFrom(bytes);
            if (model.Graph is null || model.Graph.Node.Count == 0)
                throw new OnnxImportException(ErrorIds.OnnxCorrupt,
                    "The file holds no ONNX graph (an empty or foreign protobuf).");
            return model;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException(ErrorIds.OnnxCorrupt, $"Not a readable ONNX model: {e.Message}");
        }
    }
}
