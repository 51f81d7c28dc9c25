using System.Management.Automation;
using Csk6Tools.Engine;
using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Search;
using Csk6Tools.Engine.Target;
using Csk6Tools.Engine.Transforms;
using Csk6Tools.Training;

namespace Csk6Tools.Commands;

/// <summary>Find-Csk6Network: the networks that fit the chip, on the Pareto
/// front of parameters and MACs; -Train short-trains the best.</summary>
[Cmdlet(VerbsCommon.Find, "Csk6Network", DefaultParameterSetName = FamilySet)]
[OutputType(typeof(NetworkCandidate))]
public sealed class FindCsk6NetworkCommand : PSCmdlet, IDisposable
{
    private const string FamilySet = "Family", ModelSet = "Model";
    private readonly BackgroundWork _work = new();

    /// <summary>A graph (or trained model) whose width and depthwise
    /// conversion to search instead of the ResNet family.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ModelSet)]
    [Alias("InputObject")]
    [ValidateNotNull]
    public object Model { get; set; } = null!;

    /// <summary>C, H, W of one input; by default the data set's, else 3, 32, 32.</summary>
    [Parameter(ParameterSetName = FamilySet)]
    public int[]? InputShape { get; set; }

    /// <summary>Classes; by default the data set's, else 100.</summary>
    [Parameter(ParameterSetName = FamilySet)]
    public int Classes { get; set; }

    [Parameter(ParameterSetName = FamilySet)]
    public int[] Depth { get; set; } = [.. Engine.Zoo.ResNet.Depths];

    [Parameter]
    public double[] Width { get; set; } = [0.25, 0.5, 0.75, 1.0];

    [Parameter]
    public ShortcutStyle[] Shortcut { get; set; } = [ShortcutStyle.DepthwiseSeparable];

    [Parameter]
    public SwitchParameter IncludeStem { get; set; }

    /// <summary>Gives the input shape and classes, and the data for -Train.</summary>
    [Parameter]
    public Dataset? Dataset { get; set; }

    [Parameter]
    public long PsramCapacity { get; set; } = Csk6.PsramCapacity;

    [Parameter]
    public long ShareMemCapacity { get; set; } = Csk6.ShareMemCapacity;

    [Parameter]
    public long MaxMacs { get; set; }

    [Parameter]
    public long MaxParameters { get; set; }

    [Parameter]
    public int RescaledAddInputs { get; set; } = 2;

    [Parameter]
    public SwitchParameter All { get; set; }

    [Parameter]
    public SwitchParameter Train { get; set; }

    [Parameter]
    [ValidateRange(1, 1000)]
    public int Top { get; set; } = 3;

    [Parameter]
    [ValidateRange(1, 100000)]
    public int Epochs { get; set; } = 1;

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int TrainCount { get; set; }

    [Parameter]
    [ValidateRange(1, 65536)]
    public int BatchSize { get; set; } = 64;

    [Parameter]
    [ValidateRange(0, 1024)]
    public int Threads { get; set; }

    [Parameter]
    public int Seed { get; set; }

    protected override void ProcessRecord()
    {
        var options = Options();
        if (options is null) return;
        try
        {
            if (Train && Dataset is null)
                throw new SearchException(ErrorIds.SearchDatasetRequired,
                    "-Train needs -Dataset: the data set to short-train the candidates on.");
            NetworkSearch.Specs(options);   // bad input stops here, before any work
        }
        catch (SearchException e) { ThrowTerminatingError(EngineErrors.Record(e, options)); }

        const string activity = "Find-Csk6Network";
        if (!_work.TryRun<IReadOnlyList<NetworkCandidate>, SearchProgress>(this, options,
            p => NetworkSearch.Run(options, p, _work.Cancellation),
            p => WriteProgress(new ProgressRecord(1, activity, $"Budgeted {p.Done}/{p.Total}: {p.Last}")
                { PercentComplete = 100 * p.Done / p.Total }),
            out var found))
            return;
        WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
        WriteVerbose($"{found.Count} candidate(s){(All ? "" : " fit")}, " +
            $"{found.Count(c => c.OnFront && c.Fits)} on the front.");

        // Rows are written as they finish: Ctrl+C during a training keeps those before it.
        int train = Train ? Math.Min(Top, found.Count(c => c.Fits)) : 0;
        for (int i = 0; i < found.Count; i++)
        {
            var row = i < train ? TrainOne(found[i], i, train) : found[i];
            if (row is null) return;
            WriteObject(row);
        }
    }

    protected override void StopProcessing() => _work.Cancel();

    public void Dispose() => _work.Dispose();

    private NetworkSearchOptions? Options()
    {
        var o = new NetworkSearchOptions
        {
            Widths = Width ?? [], Shortcuts = Shortcut ?? [], IncludeStem = IncludeStem,
            Limits = new Csk6Limits { PsramBytes = PsramCapacity, ShareMemBytes = ShareMemCapacity },
            MaxMacs = MaxMacs, MaxParameters = MaxParameters, RescaledAddInputs = RescaledAddInputs, KeepAll = All,
        };
        if (ParameterSetName == ModelSet)
        {
            var value = Model is PSObject pso ? pso.BaseObject : Model;
            if (value is NetworkCandidate c) value = c.Model;
            var graph = value as ModelGraph ?? (value as Csk6Model)?.Graph;
            if (graph is null)
            {
                WriteError(
                    new ErrorRecord(
                        new ArgumentException($"Find-Csk6Network -Model expects a model graph or a trained model; " +
                            $"got {value?.GetType().FullName ?? "null"}."),
                    ErrorIds.ModelExpected, ErrorCategory.InvalidType, Model));
                return null;
            }
            return o with { Model = graph };
        }
        if (InputShape is { Length: not 3 } s)
            ThrowTerminatingError(
                EngineErrors.Record(
                    new SearchException(ErrorIds.SearchInvalidInput,
                        $"-InputShape takes C, H, W (three numbers), got {s.Length}."), s));
        var shape = InputShape is { } given ? new TensorShape(given)
            : Dataset is { } d ? new TensorShape(d.Channels, d.Height, d.Width) : new TensorShape(3, 32, 32);
        int classes = Classes != 0 || MyInvocation.BoundParameters.ContainsKey(nameof(Classes))
            ? Classes
            : Dataset?.Classes.Length ?? 100;
        return o with { InputShape = shape, Classes = classes, Depths = Depth ?? [] };
    }

    /// <summary>Short-trains one candidate; null when the pipeline stops (Ctrl+C
    /// keeps the rows written before), the row untrained when it failed.</summary>
    private NetworkCandidate? TrainOne(NetworkCandidate candidate, int index, int count)
    {
        string activity = $"Training candidate {index + 1}/{count}: {candidate.Name}";
        var options = new CandidateTrainingOptions
        {
            Dataset = Dataset!, Epochs = Epochs, TrainCount = TrainCount, BatchSize = BatchSize,
            Threads = Threads, Seed = Seed,
            Limits = new Csk6Limits { PsramBytes = PsramCapacity, ShareMemBytes = ShareMemCapacity },
        };
        bool done = _work.TryRun<NetworkCandidate, CandidateTrainingProgress>(this, candidate,
            p => CandidateTraining.Train(candidate, options, p, _work.Cancellation), p =>
        {
            var record = new ProgressRecord(2, activity, p.Phase) { PercentComplete = 100 * index / count };
            if (p.Training is { } t)
                record.StatusDescription = $"{p.Phase}: epoch {t.Epoch}/{t.Epochs}, batch " +
                    $"{t.Batch}/{t.Batches}, loss {t.Loss:F4}";
            WriteProgress(record);
        }, out var trained);
        WriteProgress(new ProgressRecord(2, activity, "Done") { RecordType = ProgressRecordType.Completed });
        if (!done) return _work.Cancellation.IsCancellationRequested ? null : candidate;
        var a = trained.Accuracy!;
        WriteVerbose($"{candidate.Name}: float {a.Float:P2}, fake-quant {a.FakeQuant:P2}, int8 engine {a.Engine:P2} " +
            $"over {a.Samples} test images.");
        return trained;
    }
}
