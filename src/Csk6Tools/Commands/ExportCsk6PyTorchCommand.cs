using System.Management.Automation;
using Csk6Tools.Engine;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.PyTorch;

namespace Csk6Tools.Commands;

/// <summary>
/// Export-Csk6PyTorch: a folder with model.py (the graph as a PyTorch nn.Module, state_dict names ours), train.py
/// (Invoke-ModelTraining's recipe under torchrun and DistributedDataParallel) and, for a model with weights,
/// initial.safetensors.
/// </summary>
[Cmdlet(VerbsData.Export, "Csk6PyTorch", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportCsk6PyTorchCommand : WeightedModelCommand
{
    /// <summary>The folder to write into; created when it does not exist (its parent must).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Overwrites files of an earlier export.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes the FileInfo of each file written to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessModel(Csk6Model model)
    {
        string folder = FilePaths.ResolveOutput(this, Path);
        if (File.Exists(folder))
        {
            WriteError(
                new ErrorRecord(new IOException($"'{folder}' is a file; Export-Csk6PyTorch writes into a folder."),
                    ErrorIds.FileExists, ErrorCategory.ResourceExists, folder));
            return;
        }
        var names = PyTorchExport.FileNames(model);
        if (names.Count(name => FilePaths.RefusesOverwrite(this, System.IO.Path.Combine(folder, name), Force)) > 0)
            return;
        if (!ShouldProcess(folder, $"Write {string.Join(", ", names)} for '{model.Name}'")) return;
        IReadOnlyList<string> written;
        try
        {
            written = PyTorchExport.Write(model, folder);
        }
        catch (PyTorchExportException e)
        {
            WriteError(EngineErrors.Record(e, model));
            return;
        }
        WriteVerbose($"'{model.Name}' written to {folder}: {string.Join(", ", names)}. Train it with: torchrun " +
            $"--nproc_per_node 2 {System.IO.Path.Combine(folder, PyTorchExport.TrainFileName)} DATA_FOLDER");
        if (PassThru) foreach (var file in written) WriteObject(FilePaths.Item(this, file));
    }
}
