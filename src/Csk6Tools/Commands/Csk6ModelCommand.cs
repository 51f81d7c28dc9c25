using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using System.Management.Automation;
using Csk6Tools.Training;

namespace Csk6Tools.Commands;

/// <summary>
/// A cmdlet that works on the model with its weights: a bare graph from New-Csk6ResNet arrives as a model without
/// weights. Long work runs on a task; progress comes back to the pipeline thread, the only one that writes.
/// </summary>
public abstract class Csk6ModelCommand : ModelCommand, IDisposable
{
    private readonly CancellationTokenSource _cancel = new();

    protected CancellationToken Cancellation => _cancel.Token;

    protected sealed override void ProcessModel(ModelGraph model) => ProcessModel(Csk6Model.FromGraph(model));

    protected abstract override void ProcessModel(Csk6Model model);

    protected override void StopProcessing() => _cancel.Cancel();

    public void Dispose() => _cancel.Dispose();

    /// <summary>Runs <paramref name="work"/> on a task and hands each progress report to <paramref name="report"/> on this thread.</summary>
    protected static T RunWithProgress<T, TProgress>(Func<IProgress<TProgress>, T> work, Action<TProgress> report) => BackgroundWork.Run(work, report);

    /// <summary>Turns the engine's exceptions into error records; returns false when the record failed.</summary>
    protected bool Try(Action action, object target)
    {
        try
        {
            action();
            return true;
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            return false;
        }
        catch (TorchUnavailableException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.NativeRuntimeLoadFailed, ErrorCategory.ResourceUnavailable, target));
        }
        catch (TrainingException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.TrainingFailed, ErrorCategory.InvalidArgument, target));
        }
        catch (NotSupportedException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.UnsupportedOperator, ErrorCategory.InvalidData, target));
        }
        catch (InvalidOperationException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.TrainingFailed, ErrorCategory.InvalidOperation, target));
        }
        catch (ModelFileException e)
        {
            WriteError(new ErrorRecord(e, e.Foreign ? ErrorIds.ModelFileForeign : ErrorIds.ModelFileCorrupt, ErrorCategory.InvalidData, e.Path));
        }
        return false;
    }
}
