using System.Diagnostics;
using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Imaging;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Inference;

/// <summary>Top-1 and top-5 of a package on a data split, computed by the int8 engine, and how fast it ran.</summary>
public sealed record EngineAccuracy(
    double Top1, double Top5, int Samples, double ImagesPerSecond, int Threads, KernelPath Path);

/// <summary>
/// Runs a package over many images on every core: one engine per thread (an engine owns its memory, planned
/// size), images split between them, outputs kept in the data set's order.
/// </summary>
public sealed class DatasetRunner
{
    private readonly Int8Engine[] _engines;

    /// <param name="package">The package.</param>
    /// <param name="threads">Engines run in parallel; 0 or less: one per core.</param>
    public DatasetRunner(ThinkerPackage package, int threads = 0)
    {
        threads = threads <= 0 ? Environment.ProcessorCount : threads;
        _engines = new Int8Engine[threads];
        for (int i = 0; i < threads; i++) _engines[i] = new Int8Engine(package);
    }

    public int Threads => _engines.Length;
    public KernelPath Path => _engines[0].Path;
    public ThinkerPackage Package => _engines[0].Package;

    /// <summary>The raw outputs of <paramref name="count"/> images
    /// of a split from <paramref name="start"/>, in order.</summary>
    public byte[][] Run(DatasetSplit split, InputSpec spec, int start, int count, CancellationToken cancel = default)
    {
        count = Math.Max(0, Math.Min(count, split.Count - start));
        var outputs = new byte[count][];
        int workers = Math.Clamp(count, 1, _engines.Length);
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancel };
        Parallel.For(0, workers, options, worker =>
        {
            for (int i = worker; i < count; i += workers)
            {
                cancel.ThrowIfCancellationRequested();
                var image = split.Image(start + i);
                var input = InputPreprocessor.FromPlanar("", image, split.Channels, spec, OverflowMode.Saturate);
                outputs[i] = _engines[worker].Run(input.Bytes);
            }
        });
        return outputs;
    }

    /// <summary>Top-1 and top-5 over the first <paramref name="count"/> images of a split.</summary>
    public static EngineAccuracy Accuracy(
        ThinkerPackage package, DatasetSplit split, InputSpec spec, int count, int threads,
        CancellationToken cancel = default)
    {
        var runner = new DatasetRunner(package, threads);
        var clock = Stopwatch.StartNew();
        var outputs = runner.Run(split, spec, 0, count, cancel);
        double seconds = clock.Elapsed.TotalSeconds;
        int top1 = 0, top5 = 0;
        for (int i = 0; i < outputs.Length; i++)
        {
            var top = Prediction.From(null, outputs[i], package.OutputTensor, null, 5).Top;
            if (top[0].Index == split.Labels[i]) top1++;
            if (top.Any(t => t.Index == split.Labels[i])) top5++;
        }
        int n = outputs.Length;
        double rate = n == 0 || seconds <= 0 ? 0 : n / seconds;
        return n == 0 ? new EngineAccuracy(0, 0, 0, 0, runner.Threads, runner.Path)
            : new EngineAccuracy((double)top1 / n, (double)top5 / n, n, rate, runner.Threads, runner.Path);
    }
}
