namespace Csk6Tools.Engine.Package;

/// <summary>A parameter blob to write: the constants of one memory
/// type, each padded to 16 bytes, in tensor order.</summary>
public sealed record ParameterBlobData(MemoryKind Memory, byte[] Data);

/// <summary>Everything a thinker package holds, ready for <see cref="PackageWriter"/>.</summary>
public sealed record PackageContent(
    IReadOnlyList<PackageMemory> Memories,
    IReadOnlyList<PackageTensor> Tensors,
    IReadOnlyList<PackageOperator> Operators,
    IReadOnlyList<PackageIO> Inputs,
    IReadOnlyList<PackageIO> Outputs,
    IReadOnlyList<ParameterBlobData> Blobs,
    IReadOnlyList<PackageDma> Dma)
{
    /// <summary>V2 (thinker 2.1.1, the default) or V3 (thinker 3.x:
    /// a shape-infer section and the platform field).</summary>
    public PackageLayout Layout { get; init; } = PackageLayout.V2;

    /// <summary>The v3 platform field: 0 venus (the CSK6), 1 mars, 2 arcs, 3 venusA; always 0 in v2.</summary>
    public int Platform { get; init; }

    /// <summary>The content of a package that was read (to rewrite or compare it).</summary>
    public static PackageContent From(ThinkerPackage p) => new(p.Memories, p.Tensors, p.Operators, p.Inputs, p.Outputs,
        p.ParameterBlobs.Select(b =>
            new ParameterBlobData(b.Memory, p.Bytes.Slice((int)b.FileOffset, (int)b.Size).ToArray())).ToList(), p.Dma)
    {
        Layout = p.Layout,
        Platform = p.Platform,
    };
}
