using Csk6Tools.Engine;
using System.Management.Automation;
using Csk6Tools.Engine.Model;

namespace Csk6Tools.Commands;

/// <summary>Save-Csk6Model: one safetensors file with the weights,
/// and the graph, stage, exponents and history as metadata.</summary>
[Cmdlet(VerbsData.Save, "Csk6Model", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class SaveCsk6ModelCommand : WeightedModelCommand
{
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write the file's FileInfo to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessModel(Csk6Model model)
    {
        if (FilePaths.ResolveFileSystem(this, Path) is not { } path) return;
        if (FilePaths.RefusesOverwrite(this, path, Force, ErrorIds.ModelFileExists)) return;
        if (!ShouldProcess(path, $"Save model '{model.Name}' ({model.Stage}, {model.Weights.Count} tensors)")) return;
        try
        {
            ModelFile.Save(model, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(e, ErrorIds.ModelFileWriteFailed, ErrorCategory.WriteError, path));
            return;
        }
        if (PassThru) WriteObject(FilePaths.Item(this, path));
    }
}
