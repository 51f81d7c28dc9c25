using Csk6Tools.Engine;
using System.Management.Automation;
using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Imaging;
using Csk6Tools.Engine.Inference;

namespace Csk6Tools.Commands;

/// <summary>ConvertTo-Csk6Input: images to the int8 NCHW tensor (input.bin) a package expects.</summary>
[Cmdlet(VerbsData.ConvertTo, "Csk6Input", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(PreparedInput))]
public sealed class ConvertToCsk6InputCommand : FileInputCommand
{
    private InputSpec _spec = null!;
    private string? _outFile, _outputDirectory;
    private int _written;

    /// <summary>The package whose input to produce (shape, exponent, and the normalization in its model.json);
    /// CIFAR-100's 3×32×32 at Q6 without it.</summary>
    [Parameter]
    public object? Package { get; set; }

    /// <summary>Per-channel mean of [0, 1] pixels; the package's model.json, else CIFAR-100's.</summary>
    [Parameter]
    public float[]? Mean { get; set; }

    /// <summary>Per-channel standard deviation of [0, 1] pixels; the package's model.json, else CIFAR-100's.</summary>
    [Parameter]
    public float[]? Std { get; set; }

    /// <summary>Saturate (default) clamps to −128…127; Wrap reproduces the reference script's astype(int8).</summary>
    [Parameter]
    public OverflowMode Overflow { get; set; } = OverflowMode.Saturate;

    /// <summary>Writes the tensor of the one image to this file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    /// <summary>Writes one &lt;image name&gt;.bin per image into this folder.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputDirectory { get; set; }

    /// <summary>Overwrites existing output files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Refuses images with more pixels than this before decoding them (decompression bombs).</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long MaxPixels { get; set; } = InputPreprocessor.DefaultMaxPixels;

    protected override void BeginProcessing()
    {
        if (OutFile is not null && OutputDirectory is not null)
            ThrowTerminatingError(
                new ErrorRecord(
                    new ArgumentException("Give -OutFile for one image or -OutputDirectory for many, not both."),
                    ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, null));
        try
        {
            _spec = Package is null
                ? InputSpec.Create(3, 32, 32, 6, Mean, Std)
                : PackageInput.ImageSpec(PackageArgument.Resolve(this, Package), Mean, Std);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, Package));
        }
        if (OutFile is not null) _outFile = FilePaths.ResolveOutput(this, OutFile);
        if (OutputDirectory is not null)
        {
            _outputDirectory = FilePaths.ResolveOutput(this, System.IO.Path.Combine(OutputDirectory, "x"));
            _outputDirectory = System.IO.Path.GetDirectoryName(_outputDirectory);
        }
        WriteVerbose($"Input {_spec.Channels}×{_spec.Height}×{_spec.Width} int8 at Q{_spec.Exponent}, mean " +
            $"({string.Join(", ", _spec.Mean)}), std ({string.Join(", ", _spec.Std)}), {Overflow}.");
    }

    protected override void ProcessRecord()
    {
        foreach (var file in InputFiles())
                Convert(file);
    }

    private void Convert(string file)
    {
        PreparedInput input;
        try
        {
            input = InputPreprocessor.FromFile(file, _spec, Overflow, MaxPixels);
        }
        catch (DatasetException e)
        {
            WriteError(EngineErrors.Record(e, file));
            return;
        }
        if (input.OutOfRange > 0)
            WriteVerbose($"{file}: {input.OutOfRange} value(s) beyond int8 were " +
                $"{(Overflow == OverflowMode.Saturate ? "clamped" : "wrapped")}.");
        string? target = _outFile ?? (_outputDirectory is null
            ? null
            : System.IO.Path.Combine(_outputDirectory, System.IO.Path.GetFileNameWithoutExtension(file) + ".bin"));
        if (target is not null && Write(target, input.Bytes)) input = input with { Path = target };
        WriteObject(input);
    }

    private bool Write(string target, byte[] bytes)
    {
        if (_outFile is not null && ++_written > 1)
        {
            WriteError(
                new ErrorRecord(
                    new InvalidOperationException($"-OutFile takes one image; use -OutputDirectory for several. " +
                        $"'{target}' already holds the first."),
                    ErrorIds.InvalidArgument, ErrorCategory.InvalidOperation, target));
            return false;
        }
        if (FilePaths.RefusesOverwrite(this, target, Force)) return false;
        if (!ShouldProcess(target, $"Write {bytes.Length:N0}-byte input tensor")) return false;
        Csk6Tools.Engine.AtomicFile.Write(target, bytes);
        return true;
    }
}
