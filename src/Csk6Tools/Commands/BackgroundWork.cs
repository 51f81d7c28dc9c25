using System.Collections.Concurrent;
using System.Management.Automation;
using Csk6Tools.Engine;
using Csk6Tools.Training;

namespace Csk6Tools.Commands;

/// <summary>
/// Long engine work of a cmdlet: it runs on a task while the pipeline thread, the only one that may write to
/// PowerShell, hands on its progress; the cmdlet's StopProcessing (Ctrl+C) calls <see cref="Cancel"/>; the engine's
/// errors become error records. Any other exception is a bug and surfaces as one.
/// </summary>
internal sealed class BackgroundWork : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();

    public CancellationToken Cancellation => _cancel.Token;

    public void Cancel() => _cancel.Cancel();

    public void Dispose() => _cancel.Dispose();

    /// <summary>
    /// Runs <paramref name="work"/> on a task and hands each progress report to <paramref name="report"/> on this
    /// thread. False when the work was cancelled or failed with an engine error, which is written as a
    /// non-terminating error about <paramref name="target"/> (NativeRuntimeLoadFailed terminates).
    /// </summary>
    public bool TryRun<T, TProgress>(PSCmdlet cmdlet, object? target, Func<IProgress<TProgress>, T> work,
        Action<TProgress> report, out T result)
    {
        result = default!;
        try
        {
            result = Run(work, report);
            return true;
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            return false;
        }
        catch (TorchUnavailableException e)
        {
            cmdlet.ThrowTerminatingError(EngineErrors.Record(e, target));
        }
        catch (Csk6Exception e)
        {
            cmdlet.WriteError(EngineErrors.Record(e, target));
        }
        return false;
    }

    private static T Run<T, TProgress>(Func<IProgress<TProgress>, T> work, Action<TProgress> report)
    {
        using var queue = new BlockingCollection<TProgress>();
        var task = Task.Run(() =>
        {
            try { return work(new QueueProgress<TProgress>(queue)); }
            finally { queue.CompleteAdding(); }
        });
        try
        {
            foreach (var item in queue.GetConsumingEnumerable()) report(item);
        }
        finally
        {
            // A stopping pipeline throws out of report(); the work (cancelled
            // by StopProcessing) finishes its batch and checkpoint first.
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
        }
        return task.GetAwaiter().GetResult();
    }

    private sealed class QueueProgress<TProgress>(BlockingCollection<TProgress> queue) : IProgress<TProgress>
    {
        public void Report(TProgress value) => queue.Add(value);
    }
}
