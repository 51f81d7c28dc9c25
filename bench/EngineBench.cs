using System.Diagnostics;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Onnx;
using Csk6Tools.Engine.Package;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

/// <summary>
/// The int8 engine against ONNX Runtime on the same network: LISTENAI's depthwise CIFAR-100 ResNet-18 (the linger demo),
/// packed by us for the engine and exported as QDQ ONNX (int8 QuantizeLinear/DequantizeLinear) for ONNX Runtime.
/// Batch 1 and batch 64, one thread and all cores; throughput ratio and GMAC/s.
/// </summary>
internal static class EngineBench
{
    public static void Run(string demoFolder)
    {
        var model = OnnxImporter.Import(Path.Combine(demoFolder, "resnet18-12-regular.onnx"));
        var package = ThinkerPackage.Read(PackageBuilder.Build(model).Bytes);
        var input = File.ReadAllBytes(Path.Combine(demoFolder, "apple_input_q6.bin"));
        double gmac = model.Graph.Macs / 1e9;
        var qdq = OnnxExporter.Export(model, OnnxFormat.Qdq);
        int cores = Environment.ProcessorCount;
        Console.WriteLine($"int8 engine vs ONNX Runtime {typeof(InferenceSession).Assembly.GetName().Version} (QDQ), demo ResNet-18: " +
                          $"{model.Graph.Macs / 1e6:F1} M MACs per image; engine path {KernelPaths.Best} " +
                          $"(this CPU: {string.Join(", ", KernelPaths.Supported)})");

        Console.WriteLine("| batch, threads | engine img/s | engine GMAC/s | ONNX Runtime img/s | engine/ORT |");
        Console.WriteLine("|---|---|---|---|---|");
        var ratios = new List<double>();
        foreach (var (batch, threads) in new[] { (1, 1), (64, 1), (64, cores) })
        {
            double engine = EngineImagesPerSecond(package, KernelPaths.Best, input, batch, threads);
            double ort = OrtImagesPerSecond(qdq, input, batch, threads);
            ratios.Add(engine / ort);
            Console.WriteLine($"| {batch}, {threads} | {engine:F0} | {engine * gmac:F1} | {ort:F0} | {engine / ort:F2}x |");
        }
        Console.WriteLine($"target: engine/ORT at least 1.0 in every row: {(ratios.Min() >= 1.0 ? "met" : "NOT met")} (lowest {ratios.Min():F2}x)");
        // Each path this CPU has, batch 1 on one thread: what the wider instructions buy over the scalar reference.
        var byPath = KernelPaths.Supported.Select(path => (path, rate: EngineImagesPerSecond(package, path, input, 1, 1))).ToList();
        Console.WriteLine("by path, batch 1, 1 thread: " + string.Join(", ", byPath.Select(p =>
            $"{p.path} {p.rate:F0} img/s ({p.rate / byPath[0].rate:F1}x scalar)")));
    }

    private static double EngineImagesPerSecond(ThinkerPackage package, KernelPath path, byte[] input, int batch, int threads)
    {
        var engines = Enumerable.Range(0, threads).Select(_ => new Int8Engine(package, path)).ToArray();
        void Batch() => Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, w =>
        {
            for (int i = w; i < batch; i += threads) engines[w].Run(input);
        });
        return batch * Rounds(batch) / Best(Batch, Rounds(batch));
    }

    private static double OrtImagesPerSecond(byte[] onnx, byte[] input, int batch, int threads)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(onnx, options);
        var meta = session.InputMetadata.First();
        bool dynamicBatch = meta.Value.Dimensions[0] <= 0;
        int perRun = dynamicBatch ? batch : 1;
        // The QDQ graph takes the normalized float image; the apple input dequantized at Q6 is exactly what it quantizes back.
        var data = new float[perRun * input.Length];
        for (int i = 0; i < data.Length; i++) data[i] = (sbyte)input[i % input.Length] / 64f;
        var tensor = new DenseTensor<float>(data, [perRun, .. meta.Value.Dimensions[1..]]);
        var feed = new[] { NamedOnnxValue.CreateFromTensor(meta.Key, tensor) };
        void Batch()
        {
            for (int i = 0; i < batch / perRun; i++) using (session.Run(feed)) { }
        }
        return batch * Rounds(batch) / Best(Batch, Rounds(batch));
    }

    /// <summary>Batches per timed run: at least 32 images, so that batch 1 is timed over many calls too.</summary>
    private static int Rounds(int batch) => Math.Max(1, 32 / batch);

    /// <summary>
    /// Seconds of the fastest of several timed runs of <paramref name="rounds"/> batches, after warming up long enough
    /// for the JIT to finish tiering (the machine is shared and noisy).
    /// </summary>
    private static double Best(Action batch, int rounds)
    {
        for (int i = 0; i < 3 * rounds; i++) batch();
        double best = double.MaxValue;
        for (int r = 0; r < 5; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < rounds; i++) batch();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }
}
