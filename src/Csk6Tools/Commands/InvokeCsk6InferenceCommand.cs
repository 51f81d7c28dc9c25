using System.Diagnostics;
using System.Management.Automation;
using Csk6Tools.Engine;
using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Imaging;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Commands;

/// <summary>Invoke-Csk6Inference: runs a package on the host with the chip's
/// int8 arithmetic, on input.bin files, images or a data set.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "Csk6Inference", SupportsShouldProcess = true)]
[OutputType(typeof(Prediction))]
public sealed class InvokeCsk6InferenceCommand : PSCmdlet
{
    private const string InputSet = "InputPath";
    private const string PreparedSet = "InputObject";
    private const string DatasetSet = "Dataset";

    private Int8Engine _engine = null!;
    private IReadOnlyList<string>? _labels;
    private string? _outFile;
    private InputSpec? _imageSpec;
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The package: a model.bin path or an object from Get-Csk6Package.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public object Package { get; set; } = null!;

    /// <summary>Raw input tensors (input.bin) or images (preprocessed as ConvertTo-Csk6Input does).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = InputSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] InputPath { get; set; } = [];

    /// <summary>Inputs from ConvertTo-Csk6Input.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PreparedSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PreparedInput[] InputObject { get; set; } = [];

    /// <summary>A data set from Import-Csk6Dataset: its test images
    /// are run and each prediction carries the true class.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DatasetSet)]
    [ValidateNotNull]
    public Dataset? Dataset { get; set; }

    /// <summary>How many test images of the data set to run (all by default).</summary>
    [Parameter(ParameterSetName = DatasetSet)]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = int.MaxValue;

    /// <summary>Engines run in parallel on the data set, one per thread; 0 (the default): one per core.</summary>
    [Parameter(ParameterSetName = DatasetSet)]
    [ValidateRange(0, 1024)]
    public int Threads { get; set; }

    /// <summary>Per-channel mean for images; the package's model.json, else the data set's, else CIFAR-100's.</summary>
    [Parameter]
    public float[]? Mean { get; set; }

    /// <summary>Per-channel standard deviation for images; the package's
    /// model.json, else the data set's, else CIFAR-100's.</summary>
    [Parameter]
    public float[]? Std { get; set; }

    /// <summary>Class names in output order; the package's model.json, the data
    /// set's, CIFAR-100's for a 100-class output, else the index.</summary>
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
            ThrowTerminatingError(EngineErrors.Record(e, package));
        }
        _labels = Label ?? package.Description?.Classes ?? Dataset?.Classes ?? package.Classes;
        if (package.Description is { } d)
            WriteVerbose($"Described by {PackageDescription.PathFor(package.Path!)}: {d}.");
        if (OutFile is not null) _outFile = FilePaths.ResolveOutput(this, OutFile);
        WriteVerbose($"Package {package.Path ?? "(in memory)"}: input {string.Join("×", package.InputTensor.Shape)} " +
            $"{package.InputTensor.DType} at Q{package.InputTensor.Exponent}, output {package.OutputTensor.Elements} " +
            $"values at Q{package.OutputTensor.Exponent}.");
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case PreparedSet:
                foreach (var input in InputObject) Run(input.Source, input.Bytes);
                break;
            case DatasetSet:
                RunDataset(Dataset!);
                break;
            default:
                foreach (var path in InputPath)
                    foreach (var file in FilePaths.ResolveExisting(this, path, literal: false))
                        RunFile(file);
                break;
        }
    }

    private void RunFile(string file)
    {
        if (!InputPreprocessor.IsImageFile(file))
        {
            Run(file, File.ReadAllBytes(file));
            return;
        }
        try
        {
            Run(file, InputPreprocessor.FromFile(file, ImageSpec(null)).Bytes);
        }
        catch (DatasetException e)
        {
            WriteError(EngineErrors.Record(e, file));
        }
    }

    private void RunDataset(Dataset dataset)
    {
        var test = dataset.Test;
        var spec = ImageSpec(new Normalization(dataset.Mean, dataset.Std));
        if (test.Height != spec.Height || test.Width != spec.Width)
            ThrowTerminatingError(
                new ErrorRecord(
                    new ArgumentException($"The data set's images are {test.Height}×{test.Width}; the package " +
                        $"expects {spec.Height}×{spec.Width}."),
                    ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, dataset));
        int count = Math.Min(Count, test.Count);
        var runner = new DatasetRunner(_engine.Package, Threads);
        var progress = new ProgressRecord(1, "Invoke-Csk6Inference",
            $"{dataset.Name}: {count:N0} test images on {runner.Threads} thread(s)");
        var clock = Stopwatch.StartNew();
        // Blocks of images run on every core; their predictions go down the pipeline in order as each block ends.
        int block = 64 * runner.Threads;
        for (int start = 0; start < count; start += block)
        {
            progress.PercentComplete = 100 * start / count;
            WriteProgress(progress);
            byte[][] outputs;
            try
            {
                outputs = runner.Run(test, spec, start, Math.Min(block, count - start), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (InferenceException e)
            {
                ThrowTerminatingError(EngineErrors.Record(e, dataset));
                return;
            }
            for (int i = 0; i < outputs.Length; i++)
                Emit($"{dataset.Name} test {start + i}", outputs[i], test.Labels[start + i]);
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        double seconds = clock.Elapsed.TotalSeconds;
        WriteVerbose($"{count:N0} images in {seconds:F2} s: {(seconds > 0 ? count / seconds : 0):N0} images/s on " +
            $"{runner.Threads} thread(s) ({runner.Path}).");
    }

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>-Mean and -Std, else the package's description,
    /// else <paramref name="fallback"/>, else CIFAR-100's.</summary>
    private InputSpec ImageSpec(Normalization? fallback)
    {
        try
        {
            return _imageSpec ??= PackageInput.ImageSpec(_engine.Package, Mean, Std, fallback);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(
                new ErrorRecord(e, ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, _engine.Package));
            return null!;
        }
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
            WriteError(EngineErrors.Record(e, source, source));
            return;
        }
        Emit(source, output, null);
    }

    private void Emit(string source, byte[] output, int? expected)
    {
        if (_outFile is not null && ShouldProcess(_outFile, $"Append {output.Length} output bytes"))
            using (var stream = new FileStream(_outFile, FileMode.Append, FileAccess.Write)) stream.Write(output);
        WriteObject(Prediction.From(source, output, _engine.OutputTensor, _labels, Top) with { Expected = expected });
    }
}
