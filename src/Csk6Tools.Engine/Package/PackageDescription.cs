using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Csk6Tools.Engine.Model;

namespace Csk6Tools.Engine.Package;

/// <summary>A package input or output as the sidecar records it:
/// shape and power-of-two exponent (value = q / 2^Q).</summary>
public sealed record DescribedTensor(string Name, int[] Shape, int? Exponent)
{
    public override string ToString() => $"{string.Join("×", Shape)}{(Exponent is int q ? $" at Q{q}" : "")}";
}

/// <summary>
/// The <c>model.json</c> New-Csk6Package writes beside <c>model.bin</c>: what the bin does not say (the classes, the
/// normalization of the training images, the model it came from) and, for people reading it, its input and output.
/// <see cref="Crc"/> is the bin's CRC-24: a sidecar whose CRC
/// is not the bin's belongs to another package and is ignored.
/// </summary>
public sealed record PackageDescription
{
    /// <summary>The value of <see cref="Format"/> this version writes and reads.</summary>
    public const string CurrentFormat = "csk6tools-package-description/1";

    public string Format { get; init; } = CurrentFormat;
    /// <summary>The thinker package's CRC-24 (header offset 16), written as a number.</summary>
    public required uint Crc { get; init; }
    public IReadOnlyList<string>? Classes { get; init; }
    public Normalization? Normalization { get; init; }
    public required DescribedTensor Input { get; init; }
    public required DescribedTensor Output { get; init; }
    /// <summary>The model the package was made from: its file, else its name.</summary>
    public string? SourceModel { get; init; }
    public string? ModuleVersion { get; init; }

    /// <summary>The sidecar of a package file: <c>x.bin</c> → <c>x.json</c>.</summary>
    public static string PathFor(string packagePath) =>
        Path.GetExtension(packagePath).Equals(".json", StringComparison.OrdinalIgnoreCase)
            ? packagePath + ".json" : Path.ChangeExtension(packagePath, ".json");

    /// <summary>The description of a package made from <paramref name="model"/>.</summary>
    public static PackageDescription For(ThinkerPackage package, Csk6Model model) => new()
    {
        Crc = package.Crc,
        Classes = model.Classes.Count > 0 ? model.Classes : null,
        Normalization = model.Normalization,
        Input = Describe(package.InputTensor),
        Output = Describe(package.OutputTensor),
        SourceModel = model.Source ?? model.Name,
        ModuleVersion = typeof(PackageDescription).Assembly.GetName().Version?.ToString(3),
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    /// <summary>Writes the sidecar of <paramref name="packagePath"/> through the atomic writer.</summary>
    public void Write(string packagePath) => AtomicFile.Write(PathFor(packagePath), ToJson());

    /// <summary>
    /// Reads the sidecar beside <paramref name="package"/>'s file. No sidecar: null and no warning (LISTENAI's
    /// packages). A sidecar that is unreadable, of another format or
    /// of another bin: null and a warning saying why it was ignored.
    /// </summary>
    public static PackageDescription? ReadBeside(ThinkerPackage package, out string? warning)
    {
        warning = null;
        if (package.Path is null) return null;
        string path = PathFor(package.Path);
        if (!File.Exists(path)) return null;
        PackageDescription? d;
        try
        {
            var bytes = File.ReadAllBytes(path).AsSpan();
            if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..]; // a byte-order mark, as some editors write
            d = JsonSerializer.Deserialize<PackageDescription>(bytes, Options);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            warning = $"'{path}' is ignored: it is not a readable package description ({e.Message}).";
            return null;
        }
        if (d is null || d.Format != CurrentFormat)
            warning = $"'{path}' is ignored: its format is '{d?.Format}', this version reads '{CurrentFormat}'.";
        else if (d.Crc != package.Crc)
            warning = $"'{path}' is ignored: it describes a package with CRC-24 0x{d.Crc:X6}, but '{package.Path}' " +
                $"has 0x{package.Crc:X6} (the bin was replaced or rewritten).";
        else if (d.Normalization is { } n &&
            (n.Mean is null || n.Std is null || n.Mean.Length != n.Std.Length || n.Std.Any(s => !(s > 0))))
            warning = $"'{path}' is ignored: its normalization needs as many mean as std values, every std positive.";
        else if (d.Classes is { } c && c.Count != package.OutputTensor.Elements)
            warning = $"'{path}' is ignored: it names {c.Count} classes, but the package has " +
                $"{package.OutputTensor.Elements} outputs.";
        return warning is null ? d : null;
    }

    private static DescribedTensor Describe(PackageTensor t) => new(t.Name, t.Shape, t.Exponent);

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public override string ToString()
    {
        var parts = new List<string> { $"input {Input}", $"output {Output}" };
        if (Classes is { Count: > 0 } c)
            parts.Insert(0, $"{c.Count} classes ({string.Join(", ", c.Take(3))}{(c.Count > 3 ? ", …" : "")})");
        if (Normalization is { } n)
            parts.Add($"mean " +
                $"{string.Join("/", n.Mean.Select(v => v.ToString("0.###", CultureInfo.InvariantCulture)))}, std " +
                $"{string.Join("/", n.Std.Select(v => v.ToString("0.###", CultureInfo.InvariantCulture)))}");
        if (SourceModel is not null) parts.Add($"from {SourceModel}");
        return string.Join("; ", parts);
    }
}
