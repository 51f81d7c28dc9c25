using System.Collections;
using Csk6Tools.Engine;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Csk6Tools.Training;

/// <summary>
/// A PyTorch state_dict brought back for a graph: a <c>torch.save</c> file (read with TorchSharp.PyBridge) or a
/// safetensors file. Returns a Float-stage model ready for constrained training and QAT.
/// </summary>
public static class PyTorchWeights
{
    public static Csk6Model Import(string path, ModelGraph graph)
        => IsSafeTensors(path)
            ? ModelFile.LoadStateDict(path, graph)
            : new Csk6Model { Graph = graph, Weights = StateDict.Match(graph, ReadPickle(path), path) };

    /// <summary>The tensors of a torch.save'd state_dict (the zip
    /// format PyTorch writes since 1.6), as float32.</summary>
    public static Dictionary<string, WeightTensor> ReadPickle(string path)
    {
        TorchRuntime.Prepare("cpu", 0);
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or TypeInitializationException))
        {
            throw new StateDictException(ErrorIds.StateDictUnreadable,
                $"'{path}' is not a PyTorch state_dict that torch.save wrote ({e.Message}). " +
                "Save model.state_dict(), not the model, in PyTorch's default (zip) format, " +
                "or as safetensors.", path, [], e);
        }
        var tensors = new Dictionary<string, WeightTensor>();
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is not string name || entry.Value is not Tensor t)
                throw new StateDictException(ErrorIds.StateDictUnreadable,
                    $"'{path}' holds '{entry.Key}' = {entry.Value?.GetType().Name ?? "null"}; a state_dict " +
                    $"maps names to tensors.",
                    path, [$"{entry.Key}"]);
            using (t)
            using (var scope = NewDisposeScope())
                tensors[name] = GraphNetwork.ToWeight(t.to(ScalarType.Float32));
        }
        return tensors;
    }

    /// <summary>By extension, else by content: a safetensors file has its JSON
    /// header's '{' at byte 8; a torch.save file is a zip ("PK").</summary>
    /// <summary>A safetensors file (read without libtorch) rather than a torch.save pickle.</summary>
    public static bool IsSafeTensors(string path)
    {
        if (Path.GetExtension(path).Equals(".safetensors", StringComparison.OrdinalIgnoreCase)) return true;
        Span<byte> head = stackalloc byte[9];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == 9 &&
            head[8] == (byte)'{' && head[0] != (byte)'P';
    }
}
