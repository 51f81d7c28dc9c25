using System.Management.Automation;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Onnx;

namespace Csk6Tools.Commands;

/// <summary>Export-Csk6Onnx: a model as ONNX, float, QDQ (ONNX
/// Runtime, Netron) or linger's dialect (LISTENAI's tpacker).</summary>
[Cmdlet(VerbsData.Export, "Csk6Onnx", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportCsk6OnnxCommand : WeightedModelCommand
{
    /// <summary>The .onnx file to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Float, Qdq (needs a quantized model) or Linger (needs a quantized model).</summary>
    [Parameter]
    public OnnxFormat Format { get; set; } = OnnxFormat.Float;

    /// <summary>Overwrites an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes the file's FileInfo to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessModel(Csk6Model model)
    {
        string target = FilePaths.ResolveOutput(this, Path);
        if (FilePaths.RefusesOverwrite(this, target, Force)) return;
        byte[] bytes;
        try
        {
            bytes = OnnxExporter.Export(model, Format);
        }
        catch (OnnxExportException e)
        {
            WriteError(EngineErrors.Record(e, model));
            return;
        }
        if (!ShouldProcess(target, $"Write {bytes.Length:N0}-byte {Format} ONNX of '{model.Name}'")) return;
        Csk6Tools.Engine.AtomicFile.Write(target, bytes);
        if (PassThru) WriteObject(FilePaths.Item(this, target));
    }
}
