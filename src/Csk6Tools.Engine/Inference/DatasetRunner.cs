using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Imaging;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Inference;

/// <summary>Top-1 and top-5 of a package on a data split, computed by the int8 engine.</summary>
public sealed record EngineAccuracy(double Top1, double Top5, int Samples);

/// <summary>Runs a package over many images: one engine per thread (an engine owns its memory), images split between them.</summary>
public static class DatasetRunner
{
    /// <summary>The raw outputs of the first <paramref name="count"/> images of a split, in order.</summary>
    public static byte[][] Run(ThinkerPackage package, DatasetSplit split, InputSpec spec, int count, int threads, CancellationToken cancel = default)
    {
        count = Math.Min(count, split.Count);
        threads = Math.Clamp(threads <= 0 ? Environment.ProcessorCount : threads, 1, Math.Max(1, count));
        var outputs = new byte[count][];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancel }, worker =>
        {
            var engine = new Int8Engine(package);
            for (int i = worker; i < count; i += threads)
            {
                cancel.ThrowIfCancellationRequested();
                var input = InputPreprocessor.FromPlanar("", split.Image(i), split.Channels, spec, OverflowMode.Saturate);
                outputs[i] = engine.Run(input.Bytes);
            }
        });
        return outputs;
    }

    public static EngineAccuracy Accuracy(ThinkerPackage package, DatasetSplit split, InputSpec spec, int count, int threads, CancellationToken cancel = default)
    {
        var outputs = Run(package, split, spec, count, threads, cancel);
        int top1 = 0, top5 = 0;
        for (int i = 0; i < outputs.Length; i++)
        {
            var top = Prediction.From(null, outputs[i], package.OutputTensor, null, 5).Top;
            if (top[0].Index == split.Labels[i]) top1++;
            if (top.Any(t => t.Index == split.Labels[i])) top5++;
        }
        int n = outputs.Length;
        return n == 0 ? new EngineAccuracy(0, 0, 0) : new EngineAccuracy((double)top1 / n, (double)top5 / n, n);
    }
}
