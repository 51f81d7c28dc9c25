using System.Text;
using Csk6Tools.Engine.Model;

namespace Csk6Tools.Engine.PyTorch;

/// <summary>
/// A folder a PyTorch user trains from: <c>model.py</c> (the graph as an nn.Module, <see cref="ModelPy"/>),
/// <c>train.py</c> (Invoke-ModelTraining's recipe under torchrun and DistributedDataParallel) and, for a model that has
/// weights, <c>initial.safetensors</c> (a Csk6Tools model file train.py --initial starts from).
/// </summary>
public static class PyTorchExport
{
    public const string ModelFileName = "model.py", TrainFileName = "train.py", InitialFileName = "initial.safetensors";

    /// <summary>The files <see cref="Write"/> writes for <paramref name="model"/>, in order.</summary>
    public static IReadOnlyList<string> FileNames(Csk6Model model)
        => model.Weights.Count > 0 ? [ModelFileName, TrainFileName, InitialFileName] : [ModelFileName, TrainFileName];

    /// <summary>Writes every file atomically (each through a temporary
    /// file); the folder is created if it is missing.</summary>
    public static IReadOnlyList<string> Write(Csk6Model model, string folder)
    {
        if (model.Stage != ModelStage.Float)
            throw new PyTorchExportException(ErrorIds.PyTorchExportNotFloat,
                $"Model '{model.Name}' is {model.Stage}; PyTorch trains the float network. Export the float model " +
                $"(or its graph) before constrained training and QAT.");
        string modelPy = ModelPy.Generate(model.Graph, Version);
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        string Target(string name) { string path = Path.Combine(folder, name); written.Add(path); return path; }
        AtomicFile.Write(Target(ModelFileName), Encoding.UTF8.GetBytes(modelPy));
        AtomicFile.Write(Target(TrainFileName), Encoding.UTF8.GetBytes(TrainPy()));
        if (model.Weights.Count > 0) ModelFile.Save(model, Target(InitialFileName));
        return written;
    }

    /// <summary>The training script; it reads everything graph-specific from model.py.</summary>
    public static string TrainPy()
    {
        using var stream =
            typeof(PyTorchExport).Assembly.GetManifestResourceStream("Csk6Tools.Engine.PyTorch.train.py")!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Replace("{{VERSION}}", Version);
    }

    private static string Version => typeof(PyTorchExport).Assembly.GetName().Version?.ToString(3) ?? "0";
}
