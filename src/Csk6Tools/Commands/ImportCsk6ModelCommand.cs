using Csk6Tools.Engine;
using System.Management.Automation;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Onnx;
using Csk6Tools.Training;

namespace Csk6Tools.Commands;

/// <summary>
/// Import-Csk6Model: reads a model written by Save-Csk6Model (or a training checkpoint), or an ONNX file (float, or
/// linger's quantized dialect); with -Graph, a PyTorch state_dict (torch.save or safetensors) trained for that graph.
/// </summary>
[Cmdlet(VerbsData.Import, "Csk6Model", DefaultParameterSetName = FileSet)]
[OutputType(typeof(Csk6Model))]
public sealed class ImportCsk6ModelCommand : PSCmdlet
{
    private const string FileSet = "File", StateDictSet = "StateDict";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>The graph a PyTorch state_dict was trained for (a graph, or a
    /// model whose graph is meant): the file is read as a state_dict.</summary>
    [Parameter(Mandatory = true, ParameterSetName = StateDictSet)]
    [ValidateNotNull]
    public object Graph { get; set; } = null!;

    protected override void ProcessRecord()
    {
        string path;
        try
        {
            path = SessionState.Path.GetResolvedProviderPathFromPSPath(Path, out var provider).Single();
            if (provider.Name != "FileSystem")
            {
                WriteError(
                    new ErrorRecord(
                        new ArgumentException($"'{Path}' is on the {provider.Name} provider; models are read from " +
                            $"the file system."),
                        ErrorIds.PathNotFileSystem, ErrorCategory.InvalidArgument, Path));
                return;
            }
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException
            or InvalidOperationException)
        {
            WriteError(
                new ErrorRecord(new FileNotFoundException($"No model file at '{Path}'.", Path, e),
                    ErrorIds.ModelFileNotFound, ErrorCategory.ObjectNotFound, Path));
            return;
        }
        try
        {
            WriteObject(ParameterSetName == StateDictSet ? ImportStateDict(path) : ModelImporter.Import(path));
        }
        catch (TorchUnavailableException e)
        {
            ThrowTerminatingError(EngineErrors.Record(e, path));
        }
        catch (Csk6Exception e)
        {
            WriteError(EngineErrors.Record(e, path));
        }
    }

    /// <summary>The state_dict fitted to the graph; a model given as -Graph
    /// lends its classes and normalization when the file has none.</summary>
    private Csk6Model ImportStateDict(string path)
    {
        var value = Graph is PSObject pso ? pso.BaseObject : Graph;
        var template = value as Csk6Model;
        var graph = value as ModelGraph ?? template?.Graph;
        if (graph is null)
        {
            ThrowTerminatingError(
                new ErrorRecord(
                    new ArgumentException($"-Graph expects a model graph (New-Csk6ResNet, Convert-ToDepthwise, " +
                        $"Import-Csk6Model), got {value?.GetType().FullName ?? "null"}."),
                ErrorIds.ModelExpected, ErrorCategory.InvalidType, value));
        }
        if (!PyTorchWeights.IsSafeTensors(path)) TorchModule.Require(this, "reads a torch.save pickle with libtorch");
        var model = PyTorchWeights.Import(path, graph!);
        return template is null ? model : model with
        {
            Normalization = model.Normalization ?? template.Normalization,
            Classes = model.Classes.Count > 0 ? model.Classes : template.Classes,
        };
    }
}
