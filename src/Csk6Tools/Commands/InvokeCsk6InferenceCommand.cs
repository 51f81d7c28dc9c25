using System.Management.Automation;
using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Commands;

/// <summary>Invoke-Csk6Inference: runs a package on the host with the chip's int8 arithmetic, on input.bin files.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "Csk6Inference", SupportsShouldProcess = true, DefaultParameterSetName = InputSet)]
[OutputType(typeof(Prediction))]
public sealed class InvokeCsk6InferenceCommand : PSCmdlet
{
    private const string InputSet = "InputPath";

    private Int8Engine _engine = null!;
    private IReadOnlyList<string>? _labels;
    private string? _outFile;

    /// <summary>The package: a model.bin path or an object from Get-Csk6Package.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public object Package { get; set; } = null!;

    /// <summary>Raw input tensors (input.bin: the package's input bytes, int8 NCHW at its input exponent).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = InputSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] InputPath { get; set; } = [];

    /// <summary>Class names in output order; CIFAR-100's for a 100-class output by default, else the index.</summary>
    [Parameter]
    public string[]? Label { get; set; }

    /// <summary>How many classes to list in Top (5 by default).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int Top { get; set; } = 5;

    /// <summary>Appends each raw output to this file, as test_thinker does (delete it first for one result).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    protected override void BeginProcessing()
    {
        var package = PackageArgument.Resolve(this, Package);
        try
        {
            _engine = new Int8Engine(package);
        }
        catch (InferenceException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, ErrorCategory.NotImplemented, package));
        }
        catch (PackageFormatException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, ErrorCategory.InvalidData, package));
        }
        _labels = Label ?? (package.OutputTensor.Elements == 100 ? Cifar100.FineLabels : null);
        if (OutFile is not null) _outFile = FilePaths.ResolveOutput(this, OutFile);
        WriteVerbose($"Package {package.Path ?? "(in memory)"}: input {string.Join("×", package.InputTensor.Shape)} {package.InputTensor.DType} at Q{package.InputTensor.Exponent}, output {package.OutputTensor.Elements} values at Q{package.OutputTensor.Exponent}.");
    }

    protected override void ProcessRecord()
    {
        foreach (var path in InputPath)
            foreach (var file in FilePaths.ResolveExisting(this, path, literal: false))
                Run(file, File.ReadAllBytes(file));
    }

    private void Run(string source, byte[] input)
    {
        byte[] output;
        try
        {
            output = _engine.Run(input);
        }
        catch (InferenceException e)
        {
            WriteError(new ErrorRecord(new InvalidDataException($"{source}: {e.Message}", e), e.ErrorId, ErrorCategory.InvalidData, source));
            return;
        }
        if (_outFile is not null && ShouldProcess(_outFile, $"Append {output.Length} output bytes"))
            using (var stream = new FileStream(_outFile, FileMode.Append, FileAccess.Write)) stream.Write(output);
        WriteObject(Prediction.From(source, output, _engine.OutputTensor.Exponent ?? 0, _labels, Top));
    }
}
