using Csk6Tools.Engine;
using System.Management.Automation;
using Csk6Tools.Engine.Data;

namespace Csk6Tools.Commands;

/// <summary>Import-Csk6Dataset: reads a labelled image data set (CIFAR-100/10
/// binary, IDX, image folder) for training and testing.</summary>
[Cmdlet(VerbsData.Import, "Csk6Dataset", DefaultParameterSetName = PathSet)]
[OutputType(typeof(Dataset))]
public sealed class ImportCsk6DatasetCommand : PSCmdlet, IDisposable
{
    private const string PathSet = "Path", NameSet = "Name";
    private readonly BackgroundWork _work = new();

    #region Parameters

    /// <summary>The data set's folder (or one of its files), a folder that holds it one level down, or the archive as
    /// downloaded (.tar.gz, .tgz, .tar, .zip).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true,
        ValueFromPipelineByPropertyName = true,
        HelpMessage = "The folder or the archive (.tar.gz, .zip) that holds the data set.")]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>A data set installed by a Debian package: FashionMnist (dataset-fashion-mnist).</summary>
    [Parameter(Mandatory = true, ParameterSetName = NameSet,
        HelpMessage = "A data set installed by a Debian package: FashionMnist.")]
    [ValidateSet(FashionMnistName)]
    public string? Name { get; set; }
    private const string FashionMnistName = "FashionMnist";

    [Parameter(ParameterSetName = PathSet)]
    public DatasetFormat Format { get; set; } = DatasetFormat.Auto;

    [Parameter(ParameterSetName = PathSet)]
    public CifarLabel Label { get; set; } = CifarLabel.Fine;

    [Parameter]
    public DatasetSplits Split { get; set; } = DatasetSplits.Both;

    /// <summary>At most this many images per split; 0 reads all.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxCount { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TrainCount { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TestCount { get; set; }

    /// <summary>Image folders: 1 or 3; 0 takes what most images are.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [ValidateSet("1", "3")]
    public int Channels { get; set; }

    /// <summary>Image folders: the side images are resized to; 0 takes the most common size.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [ValidateRange(1, 4096)]
    public int Size { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [ValidateRange(1, long.MaxValue)]
    public long MaxImagePixels { get; set; } = new DatasetLoadOptions().MaxImagePixels;

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        string folder;
        if (ParameterSetName == NameSet)
            folder = FashionMnist.DebianFolder;
        else if (FilePaths.ResolveFileSystem(this, Path) is { } resolved)
            folder = resolved;
        else
            return;

        bool named = ParameterSetName == NameSet;
        var channel = new ProgressChannel();
        var options = Options(channel);
        var record = new ProgressRecord(1, $"Import-Csk6Dataset {folder}", "Opening");
        var shown = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            if (_work.TryRun<Dataset, object>(this, folder, progress =>
                {
                    channel.Target = progress;
                    return named
                        ? DatasetLoader.LoadFashionMnist(options, _work.Cancellation)
                        : DatasetLoader.Load(folder, options, _work.Cancellation);
                }, Report, out var dataset))
                WriteObject(dataset);
        }
        catch (ArgumentException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, folder));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(e, ErrorIds.DatasetReadFailed, ErrorCategory.ReadError, folder));
        }
        finally
        {
            record.RecordType = ProgressRecordType.Completed;
            WriteProgress(record);
        }

        // Log lines as verbose messages; progress at most ten times a second (image folders report every image).
        void Report(object item)
        {
            if (item is string line)
            {
                WriteVerbose(line);
            }
            else if (item is DatasetProgress p && (shown.ElapsedMilliseconds >= 100 || p.Done == p.Total))
            {
                record.StatusDescription = $"{p.Activity}: {p.Done:N0} of {p.Total:N0}";
                record.PercentComplete = p.Total > 0 ? (int)(100 * p.Done / p.Total) : -1;
                WriteProgress(record);
                shown.Restart();
            }
        }
    }

    protected override void StopProcessing() => _work.Cancel();

    public void Dispose() => _work.Dispose();

    #endregion

    #region Private

    private DatasetLoadOptions Options(ProgressChannel channel)
    {
        var bound = MyInvocation.BoundParameters;
        int? Count(string name, int value) => bound.ContainsKey(name)
            ? value
            : bound.ContainsKey(nameof(MaxCount))
            ? MaxCount
            : null;
        return new DatasetLoadOptions
        {
            Format = Format,
            Label = Label,
            Splits = Split,
            TrainCount = Count(nameof(TrainCount), TrainCount),
            TestCount = Count(nameof(TestCount), TestCount),
            Channels = Channels == 0 ? null : Channels,
            Size = Size == 0 ? null : Size,
            MaxImagePixels = MaxImagePixels,
            Progress = channel,
            Log = channel.Report,
        };
    }

    /// <summary>The loader's progress and log lines, both through
    /// the work's one progress channel once it runs.</summary>
    private sealed class ProgressChannel : IProgress<DatasetProgress>
    {
        public IProgress<object>? Target { get; set; }

        public void Report(DatasetProgress value) => Target?.Report(value);

        public void Report(string line) => Target?.Report(line);
    }

    #endregion
}
