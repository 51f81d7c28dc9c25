namespace Csk6Tools.Engine.Package;

/// <summary>A parameter blob to write: the constants of one memory type, each padded to 16 bytes, in tensor order.</summary>
public sealed record ParameterBlobData(MemoryKind Memory, byte[] Data);

/// <summary>Everything a v2 thinker package holds, ready for <see cref="PackageWriter"/>.</summary>
public sealed record PackageContent(
    IReadOnlyList<PackageMemory> Memories,
    IReadOnlyList<PackageTensor> Tensors,
    IReadOnlyList<PackageOperator> Operators,
    IReadOnlyList<PackageIO> Inputs,
    IReadOnlyList<PackageIO> Outputs,
    IReadOnlyList<ParameterBlobData> Blobs,
    IReadOnlyList<PackageDma> Dma)
{
    /// <summary>The content of a package that was read (to rewrite or compare it).</summary>
    public static PackageContent From(ThinkerPackage p) => new(p.Memories, p.Tensors, p.Operators, p.Inputs, p.Outputs,
        p.ParameterBlobs.Select(b => new ParameterBlobData(b.Memory, p.Bytes.Slice((int)b.FileOffset, (int)b.Size).ToArray())).ToList(), p.Dma);
}
