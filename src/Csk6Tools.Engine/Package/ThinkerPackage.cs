namespace Csk6Tools.Engine.Package;

/// <summary>A thinker <c>model.bin</c> (label thinker10) as read from its bytes.</summary>
public sealed record ThinkerPackage
{
    public const string Label = "thinker10";
    public const int HeaderSize = 80;

    public required PackageLayout Layout { get; init; }
    /// <summary>v3 platform field: 0 venus, 1 mars, 2 arcs, 3 venusA (always 0 in v2).</summary>
    public required int Platform { get; init; }
    public required uint Crc { get; init; }
    public required long TotalSize { get; init; }
    public required IReadOnlyList<PackageMemory> Memories { get; init; }
    public required IReadOnlyList<PackageTensor> Tensors { get; init; }
    public required IReadOnlyList<PackageOperator> Operators { get; init; }
    public required IReadOnlyList<PackageIO> Inputs { get; init; }
    public required IReadOnlyList<PackageIO> Outputs { get; init; }
    public required IReadOnlyList<PackageParameterBlob> ParameterBlobs { get; init; }
    public required IReadOnlyList<PackageDma> Dma { get; init; }
    /// <summary>The whole file; parameter blobs are read from it in place, as the runtime does.</summary>
    public required ReadOnlyMemory<byte> Bytes { get; init; }
    /// <summary>The file it was read from, if any.</summary>
    public string? Path { get; init; }

    /// <summary>For a package New-Csk6Package just made: memory per region, the SHARE_MEM plan, the splits.</summary>
    public PackageReport? Report { get; init; }

    /// <summary>The sidecar (<c>model.json</c>) beside the file:
    /// classes, normalization, source; null without one.</summary>
    public PackageDescription? Description { get; init; }

    /// <summary>Why a sidecar beside the file was ignored (unreadable, or of another bin); null otherwise.</summary>
    public string? DescriptionWarning { get; init; }

    /// <summary>Class names in output order: the sidecar's, CIFAR-100's
    /// for LISTENAI's 100-class packages, else null.</summary>
    public IReadOnlyList<string>? Classes => Description?.Classes is { Count: > 0 } c ? c
        : OutputTensor.Elements == 100 ? Data.Cifar100.FineLabels : null;

    public long PsramBytes => MemoryNeed(MemoryKind.Psram);
    public long ShareMemBytes => MemoryNeed(MemoryKind.ShareMem);
    /// <summary>Operator counts by type, most frequent first: "110 Conv2dInt, 10 iqCat, …".</summary>
    public string OperatorSummary =>
        string.Join(", ",
            Operators.GroupBy(o => o.Type).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}"));

    public string Runtime => Layout == PackageLayout.V2
        ? "thinker v2.1.1 (test_thinker <input.bin> <model.bin> <output.bin> C H W Q)"
        : "thinker 3.x (test_thinker <model.bin> <input.bin> <output.bin>)";

    public string PlatformName =>
        Platform switch { 0 => "venus", 1 => "mars", 2 => "arcs", 3 => "venusA", _ => $"platform {Platform}" };

    public long MemoryNeed(MemoryKind kind) => Memories.Where(m => m.Kind == kind).Sum(m => m.Size);

    public PackageTensor InputTensor => Tensors[Inputs[0].Tensor];
    public PackageTensor OutputTensor => Tensors[Outputs[0].Tensor];

    public override string ToString() => $"{Path ?? "thinker package"} ({Layout}, {TotalSize:N0} B)";

    /// <summary>A CSK6 package holds at most 8 MiB of PSRAM constants; a file far larger is not one.</summary>
    public const long MaxFileBytes = 256L << 20;

    public static ThinkerPackage Read(string path)
    {
        long length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
            throw new PackageFormatException(ErrorIds.PackageNotThinker,
                $"'{path}' has {length:N0} bytes; a thinker package for the CSK6 is far smaller (at most " +
                $"{MaxFileBytes:N0} bytes are read).", 0);
        var package = PackageReader.Read(File.ReadAllBytes(path), path);
        var description = PackageDescription.ReadBeside(package, out string? warning);
        return package with { Description = description, DescriptionWarning = warning };
    }
    public static ThinkerPackage Read(byte[] bytes) => PackageReader.Read(bytes, null);
}
