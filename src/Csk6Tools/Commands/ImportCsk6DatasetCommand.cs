using System.Collections.Concurrent;
using System.Management.Automation;
using Csk6Tools.Engine.Data;

namespace Csk6Tools.Commands;

/// <summary>Import-Csk6Dataset: reads a labelled image data set (CIFAR-100/10 binary, IDX, image folder) for training and testing.</summary>
[Cmdlet(VerbsData.Import, "Csk6Dataset", DefaultParameterSetName = PathSet)]
[OutputType(typeof(Dataset))]
public sealed class ImportCsk6DatasetCommand : PSCmdlet, IDisposable
{
    private const string PathSet = "Path", NameSet = "Name";
    private readonly CancellationTokenSource _stop = new();

    #region Parameters

    /// <summary>The data set's folder (or one of its files), a folder that holds it one level down, or the archive as downloaded (.tar.gz, .tgz, .tar, .zip).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true,
        HelpMessage = "The folder or the archive (.tar.gz, .zip) that holds the data set.")]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>A data set installed by a Debian package: FashionMnist (dataset-fashion-mnist).</summary>
    [Parameter(Mandatory = true, ParameterSetName = NameSet, HelpMessage = "A data set installed by a Debian package: FashionMnist.")]
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
        else if (!TryResolve(Path, out folder))
            return;

        var progress = new LatestProgress();
        var log = new ConcurrentQueue<string>();
        var options = Options(progress, log);
        var load = Task.Run(() => ParameterSetName == NameSet
            ? DatasetLoader.LoadFashionMnist(options, _stop.Token)
            : DatasetLoader.Load(folder, options, _stop.Token));

        // The engine works on a task; only this (the pipeline) thread writes to PowerShell.
        var record = new ProgressRecord(1, $"Import-Csk6Dataset {folder}", "Opening");
        var finished = load.ContinueWith(_ => { }, TaskScheduler.Default);
        while (!finished.Wait(100))
        {
            Drain(log);
            if (progress.Take() is { } p)
            {
                record.StatusDescription = $"{p.Activity}: {p.Done:N0} of {p.Total:N0}";
                record.PercentComplete = p.Total > 0 ? (int)(100 * p.Done / p.Total) : -1;
                WriteProgress(record);
            }
        }
        Drain(log);
        record.RecordType = ProgressRecordType.Completed;
        WriteProgress(record);

        if (load.IsCanceled || _stop.IsCancellationRequested) return;
        if (load.Exception?.InnerException is { } error)
        {
            WriteError(ToErrorRecord(error, folder) ?? Rethrow(error));
            return;
        }
        WriteObject(load.Result);
    }

    protected override void StopProcessing() => _stop.Cancel();

    public void Dispose() => _stop.Dispose();

    #endregion

    #region Private

    private DatasetLoadOptions Options(IProgress<DatasetProgress> progress, ConcurrentQueue<string> log)
    {
        var bound = MyInvocation.BoundParameters;
        int? Count(string name, int value) => bound.ContainsKey(name) ? value : bound.ContainsKey(nameof(MaxCount)) ? MaxCount : null;
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
            Progress = progress,
            Log = log.Enqueue,
        };
    }

    private bool TryResolve(string path, out string folder)
    {
        folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
        if (provider.ImplementingType == typeof(Microsoft.PowerShell.Commands.FileSystemProvider)) return true;
        WriteError(new ErrorRecord(new ArgumentException($"'{path}' is on the {provider.Name} provider; Import-Csk6Dataset reads data sets from the file system."),
            ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, path));
        return false;
    }

    private void Drain(ConcurrentQueue<string> log)
    {
        while (log.TryDequeue(out var line)) WriteVerbose(line);
    }

    private static ErrorRecord? ToErrorRecord(Exception error, string folder) => error switch
    {
        DatasetException e => new ErrorRecord(e, e.ErrorId, e.ErrorId switch
        {
            DatasetErrorIds.DatasetFileNotFound or DatasetErrorIds.DatasetNotInstalled => ErrorCategory.ObjectNotFound,
            DatasetErrorIds.UnknownDatasetFormat => ErrorCategory.InvalidArgument,
            DatasetErrorIds.ImageTooLarge => ErrorCategory.LimitsExceeded,
            _ => ErrorCategory.InvalidData,
        }, e.Path ?? folder),
        ArgumentException e => new ErrorRecord(e, ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, folder),
        IOException or UnauthorizedAccessException => new ErrorRecord(error, ErrorIds.DatasetReadFailed, ErrorCategory.ReadError, folder),
        _ => null,
    };

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static ErrorRecord Rethrow(Exception error)
    {
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return null!;
    }

    /// <summary>Keeps only the newest report: the pipeline thread shows the state when it looks, not every step.</summary>
    private sealed class LatestProgress : IProgress<DatasetProgress>
    {
        private DatasetProgress? _latest;
        public void Report(DatasetProgress value) => Interlocked.Exchange(ref _latest, value);
        public DatasetProgress? Take() => Interlocked.Exchange(ref _latest, null);
    }

    #endregion
}
