using System.Management.Automation;
using Csk6Tools.Engine.Data;

namespace Csk6Tools.Commands;

/// <summary>
/// A cmdlet that runs the model's network on a data set with libtorch (training and accuracy): the data set and
/// device parameters, and the run as <see cref="BackgroundWork"/> (progress, Ctrl+C).
/// </summary>
public abstract class DatasetCommand : WeightedModelCommand, IDisposable
{
    private readonly BackgroundWork _work = new();

    private protected BackgroundWork Work => _work;

    protected CancellationToken Cancellation => _work.Cancellation;

    protected override void StopProcessing() => _work.Cancel();

    public void Dispose() => _work.Dispose();

    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public Dataset Dataset { get; set; } = null!;

    /// <summary>At most this many batches per epoch and per
    /// evaluation (0: all): quick runs on part of the data.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaxBatches { get; set; }

    /// <summary>libtorch threads; 0 keeps libtorch's default (one per core).</summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int Threads { get; set; }

    [Parameter]
    [ValidateSet("cpu", "cuda")]
    public string Device { get; set; } = "cpu";

    protected int? BatchLimit => MaxBatches > 0 ? MaxBatches : null;

    /// <summary>Stops before any libtorch call when the Csk6Tools.Torch module is missing.</summary>
    protected override void BeginProcessing() => TorchModule.Require(this, "runs on libtorch");
}
