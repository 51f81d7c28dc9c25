using Csk6Tools.Engine;
using System.Management.Automation;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Onnx;

namespace Csk6Tools.Commands;

/// <summary>Import-Csk6Model: reads a model written by Save-Csk6Model (or a training checkpoint), or an ONNX file (float, or linger's quantized dialect).</summary>
[Cmdlet(VerbsData.Import, "Csk6Model")]
[OutputType(typeof(Csk6Model))]
public sealed class ImportCsk6ModelCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    protected override void ProcessRecord()
    {
        string path;
        try
        {
            path = SessionState.Path.GetResolvedProviderPathFromPSPath(Path, out var provider).Single();
            if (provider.Name != "FileSystem")
            {
                WriteError(new ErrorRecord(new ArgumentException($"'{Path}' is on the {provider.Name} provider; models are read from the file system."), ErrorIds.PathNotFileSystem, ErrorCategory.InvalidArgument, Path));
                return;
            }
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or InvalidOperationException)
        {
            WriteError(new ErrorRecord(new FileNotFoundException($"No model file at '{Path}'.", Path, e), ErrorIds.ModelFileNotFound, ErrorCategory.ObjectNotFound, Path));
            return;
        }
        try
        {
            WriteObject(ModelImporter.Import(path));
        }
        catch (Csk6Exception e)
        {
            WriteError(EngineErrors.Record(e, path));
        }
    }
}
