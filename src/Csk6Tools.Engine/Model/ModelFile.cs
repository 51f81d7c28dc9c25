using System.Text.Json;
using System.Text.Json.Serialization;
using Csk6Tools.Engine.Graph;

namespace Csk6Tools.Engine.Model;

/// <summary>
/// One model, one safetensors file: the weights as tensors, and the graph, stage, quantization exponents,
/// normalization, classes and history as JSON strings under <c>__metadata__</c> (keys <c>csk6tools.*</c>), so
/// PyTorch's <c>safetensors.torch.load_file</c> opens it too.
/// </summary>
public static class ModelFile
{
    public const string FormatVersion = "1";
    private const string Prefix = "csk6tools.";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Save(Csk6Model model, string path,
        IReadOnlyDictionary<string, WeightTensor>? extraTensors = null,
        IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            [Prefix + "version"] = FormatVersion,
            [Prefix + "graph"] = model.Graph.ToJson(),
            [Prefix + "stage"] = model.Stage.ToString(),
            [Prefix + "classes"] = JsonSerializer.Serialize(model.Classes, Json),
            [Prefix + "history"] = JsonSerializer.Serialize(model.History, Json),
        };
        if (model.Quantization is not null)
            metadata[Prefix + "quantization"] = JsonSerializer.Serialize(model.Quantization, Json);
        if (model.Normalization is not null)
            metadata[Prefix + "normalization"] = JsonSerializer.Serialize(model.Normalization, Json);
        if (model.Names is not null) metadata[Prefix + "names"] = JsonSerializer.Serialize(model.Names, Json);
        foreach (var (k, v) in extraMetadata ?? new Dictionary<string, string>()) metadata[k] = v;
        var tensors = new Dictionary<string, WeightTensor>(model.Weights);
        foreach (var (k, v) in extraTensors ?? new Dictionary<string, WeightTensor>()) tensors[k] = v;
        SafeTensors.Write(path, tensors, metadata);
    }

    public static Csk6Model Load(string path) => Load(path, out _, out _);

    /// <summary>Reads a model; tensors and metadata that are not the
    /// model's (a checkpoint's optimizer state) come back apart.</summary>
    public static Csk6Model Load(string path, out Dictionary<string, WeightTensor> otherTensors,
        out Dictionary<string, string> otherMetadata)
    {
        var (tensors, metadata) = SafeTensors.Read(path);
        if (!metadata.TryGetValue(Prefix + "graph", out var graphJson))
            throw new ModelFileException($"'{path}' is a safetensors file but not a Csk6Tools model: its metadata " +
                $"has no '{Prefix}graph' (save models with Save-Csk6Model; for a PyTorch state_dict pass the graph " +
                $"with -Graph).", path, foreign: true);
        if (metadata.GetValueOrDefault(Prefix + "version") != FormatVersion)
            throw new ModelFileException($"'{path}' is a Csk6Tools model of format version " +
                $"'{metadata.GetValueOrDefault(Prefix + "version")}'; this version reads {FormatVersion}.", path,
                foreign: true);
        try
        {
            var graph = ModelGraph.FromJson(graphJson);
            var stage = Enum.Parse<ModelStage>(metadata[Prefix + "stage"]);
            var model = new Csk6Model
            {
                Graph = graph,
                Stage = stage,
                Classes = Deserialize<string[]>(metadata, "classes") ?? [],
                History = Deserialize<EpochRecord[]>(metadata, "history") ?? [],
                Quantization = Deserialize<QuantizationState>(metadata, "quantization"),
                Normalization = Deserialize<Normalization>(metadata, "normalization"),
                Names = Deserialize<TensorNames>(metadata, "names"),
                Weights = tensors.Where(t => !IsOther(graph, t.Key)).ToDictionary(),
            };
            otherTensors = tensors.Where(t => IsOther(graph, t.Key)).ToDictionary();
            otherMetadata = metadata
                .Where(m => m.Key.StartsWith(Prefix, StringComparison.Ordinal) &&
                    !KnownKeys.Contains(m.Key[Prefix.Length..]))
                .ToDictionary();
            return model;
        }
        catch (Exception e) when (e is JsonException or GraphException or ArgumentException or KeyNotFoundException
            or NotSupportedException)
        {
            // NotSupportedException: System.Text.Json's answer to a node without its type discriminator.
            throw new ModelFileException($"'{path}' has Csk6Tools metadata that cannot be read: {e.Message}", path);
        }
    }

    /// <summary>
    /// A Float-stage model from a safetensors state_dict (train.py's, or safetensors.torch.save_file's) fitted to
    /// <paramref name="graph"/> (<see cref="StateDict.Match"/>); the normalization, classes and history train.py
    /// writes as metadata come along when they are there.
    /// </summary>
    public static Csk6Model LoadStateDict(string path, ModelGraph graph)
    {
        var (tensors, metadata) = SafeTensors.Read(path);
        try
        {
            return new Csk6Model
            {
                Graph = graph,
                Weights = StateDict.Match(graph, tensors, path),
                Normalization = Deserialize<Normalization>(metadata, "normalization"),
                Classes = Deserialize<string[]>(metadata, "classes") ?? [],
                History = Deserialize<EpochRecord[]>(metadata, "history") ?? [],
            };
        }
        catch (JsonException e)
        {
            throw new ModelFileException($"'{path}' has Csk6Tools metadata that cannot be read: {e.Message}", path);
        }
    }

    private static readonly HashSet<string> KnownKeys = ["version", "graph", "stage", "classes", "history",
        "quantization", "normalization", "names"];

    /// <summary>Model tensors are named after a graph node ("conv1.0.weight"); anything else is extra state.</summary>
    private static bool IsOther(ModelGraph graph, string tensor)
    {
        int dot = tensor.LastIndexOf('.');
        return dot <= 0 || !graph.Contains(tensor[..dot]);
    }

    private static T? Deserialize<T>(Dictionary<string, string> metadata, string key) where T : class
        => metadata.TryGetValue(Prefix + key, out var json) ? JsonSerializer.Deserialize<T>(json, Json) : null;
}
