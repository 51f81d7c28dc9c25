using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;

namespace Csk6Tools.Engine.Onnx;

/// <summary>Float: standard ONNX. Qdq: QuantizeLinear/DequantizeLinear around every layer (int8, zero point 0, 2^−Q
/// scales). Linger: linger v1's thinker dialect for tpacker.</summary>
public enum OnnxFormat { Float, Qdq, Linger }

/// <summary>A model that cannot be written in the format asked for (ids OnnxExport*).</summary>
public sealed class OnnxExportException(string errorId, string message) : Csk6Exception(errorId, message);

/// <summary>
/// Writes a model as ONNX. Node and tensor names follow the graph's layer names (or, for an imported model, the
/// names of the file it came from), so a Linger export of an imported linger model re-imports to the same package.
/// </summary>
public static class OnnxExporter
{
    public static byte[] Export(Csk6Model model, OnnxFormat format)
    {
        if (format != OnnxFormat.Float && (model.Stage != ModelStage.Quantized || model.Quantization is null))
            throw new OnnxExportException(ErrorIds.OnnxExportNotQuantized,
                $"Model '{model.Name}' is {model.Stage}: {format} ONNX needs the int8 exponents of " +
                $"quantization-aware training (Invoke-QuantTraining) or of a linger import.");
        var unsupported = model.Graph.Nodes.OfType<OtherNode>().Select(n => $"{n.Name} ({n.Op})")
            .Concat(format == OnnxFormat.Float
                ? []
                : model.Graph.Nodes.OfType<BatchNorm2dNode>().Select(n => $"{n.Name} (BatchNorm2d not folded)"))
            .ToList();
        if (unsupported.Count > 0)
            throw new OnnxExportException(ErrorIds.OnnxExportUnsupportedLayer,
                $"Model '{model.Name}' cannot be written as {format} ONNX: {string.Join(", ", unsupported)}.");
        if (model.Graph.Parameters > 0 && model.Weights.Count == 0)
            throw new OnnxExportException(ErrorIds.OnnxExportNoWeights,
                $"Model '{model.Name}' is a graph without weights; train it (Invoke-ModelTraining) or import " +
                $"one with weights first.");
        return format == OnnxFormat.Linger
            ? new LingerExport(model).Run()
            : new StandardExport(model, format == OnnxFormat.Qdq).Run();
    }
}

/// <summary>Names shared by the exports: the imported file's
/// names when the model has them, else the layer names.</summary>
internal abstract class ExportBase(Csk6Model model)
{
    protected Csk6Model Model { get; } = model;
    protected ModelGraph Graph => Model.Graph;
    protected readonly Dictionary<string, string> TensorOf = [];

    protected string T(string key) => Model.Names?.Tensor(key) ?? key;
    protected string Op(string layer) => Model.Names?.Operator(layer) ?? layer;
    protected int Exponent(string node) => Model.Quantization!.OutputOf(node, Graph.Input.Name);
    protected string In(Node n, int i) => TensorOf[n.Inputs[i]];
    protected float[] W(string layer, string part) => Model.Weight($"{layer}.{part}").Data;

    /// <summary>A name for the float graph output that no layer uses.</summary>
    protected string OutputName(int index)
    {
        string name = Graph.Outputs.Count == 1 ? "output" : $"output{index}";
        while (Graph.Contains(name) || TensorOf.ContainsValue(name)) name += "_float";
        return name;
    }
}
