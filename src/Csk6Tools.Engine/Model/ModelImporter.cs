namespace Csk6Tools.Engine.Model;

/// <summary>Reads a model file by its kind: Csk6Tools' safetensors today; ONNX joins here.</summary>
public static class ModelImporter
{
    public static Csk6Model Import(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".onnx" => throw new NotSupportedException($"'{path}' is an ONNX model; ONNX import is not part of this version of Csk6Tools. Import a .safetensors file written by Save-Csk6Model."),
        _ => ModelFile.Load(path),
    };
}
