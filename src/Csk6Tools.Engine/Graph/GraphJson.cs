using System.Text.Json;
using System.Text.Json.Serialization;

namespace Csk6Tools.Engine.Graph;

internal static class GraphJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The file form: name, outputs and nodes; shapes are
    /// written for readers and inferred again on load.</summary>
    internal sealed record GraphDocument(string Name, IReadOnlyList<string> Outputs, IReadOnlyList<Node> Nodes);
}

internal sealed class ModelGraphJsonConverter : JsonConverter<ModelGraph>
{
    public override ModelGraph Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var doc = JsonSerializer.Deserialize<GraphJson.GraphDocument>(ref reader, options)
                  ?? throw new JsonException("A graph must be a JSON object.");
        if (doc.Nodes is not [InputNode input, ..])
            throw new GraphException("A graph's first node must be its Input.");
        var b = new GraphBuilder(doc.Name ?? "model", input.Shape, input.Name);
        foreach (var n in doc.Nodes.Skip(1)) b.Add(n);
        return b.Build(doc.Outputs?.ToArray() ?? []);
    }

    public override void Write(Utf8JsonWriter writer, ModelGraph value, JsonSerializerOptions options)
        => JsonSerializer.Serialize(writer,
            new GraphJson.GraphDocument(value.Name, value.Outputs, value.Nodes), options);
}
