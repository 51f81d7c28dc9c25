using Csk6Tools.Engine.Model;

namespace Csk6Tools.Engine.Onnx;

/// <summary>
/// Reads a model file by its kind: Csk6Tools' safetensors, or ONNX (float, or linger's quantized dialect). It lives
/// beside the ONNX importer because it knows both formats; the model file layer below knows only its own.
/// </summary>
public static class ModelImporter
{
    public static Csk6Model Import(string path)
        => (IsOnnx(path) ? OnnxImporter.Import(path) : ModelFile.Load(path)) with { Source = Path.GetFullPath(path) };

    /// <summary>By extension, else by content: a safetensors file has its JSON
    /// header's '{' at byte 8, an ONNX protobuf starts with 0x08.</summary>
    private static bool IsOnnx(string path)
    {
        if (Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase)) return true;
        Span<byte> head = stackalloc byte[9];
        using var file = File.OpenRead(path);
        int read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return !(read == 9 && head[8] == (byte)'{') && OnnxImporter.LooksLikeOnnx(head[..read]);
    }
}
