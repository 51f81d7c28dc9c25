using System.Collections.Concurrent;

namespace Csk6Tools.Commands;

/// <summary>Long work on a task, its progress handed back to the pipeline thread: the only one that may write to PowerShell.</summary>
internal static class BackgroundWork
{
    /// <summary>Runs <paramref name="work"/> on a task and hands each progress report to <paramref name="report"/> on this thread.</summary>
    public static T Run<T, TProgress>(Func<IProgress<TProgress>, T> work, Action<TProgress> report)
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
            // A stopping pipeline throws out of report(); the work (cancelled by StopProcessing) finishes its batch and checkpoint first.
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
        }
        return task.GetAwaiter().GetResult();
    }

    private sealed class QueueProgress<TProgress>(BlockingCollection<TProgress> queue) : IProgress<TProgress>
    {
        public void Report(TProgress value) => queue.Add(value);
    }
}
