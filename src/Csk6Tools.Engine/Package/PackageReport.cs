using Csk6Tools.Engine.Deploy;

namespace Csk6Tools.Engine.Package;

/// <summary>One memory region of a package: what it needs against what the chip has.</summary>
public sealed record RegionUsage(MemoryKind Region, long Bytes, long Capacity)
{
    public bool Fits => Bytes <= Capacity;
    public double Share => Capacity == 0 ? 0 : (double)Bytes / Capacity;

    public override string ToString() => $"{Region} {Bytes:N0} of {Capacity:N0} B";
}

/// <summary>What New-Csk6Package decided: memory per region, the
/// SHARE_MEM plan (lifetimes and offsets), the splits.</summary>
public sealed record PackageReport(IReadOnlyList<RegionUsage> Regions, MemoryPlan ShareMemPlan,
    IReadOnlyList<string> Splits)
{
    public override string ToString() => $"{string.Join(", ", Regions)}; SHARE_MEM plan {ShareMemPlan}";
}

/// <summary>A packed model: the file's bytes, the report, and the description that goes beside the file.</summary>
public sealed record PackResult(byte[] Bytes, PackageContent Content, PackageReport Report,
    PackageDescription Description)
{
    /// <summary>Writes <c>x.bin</c>, then its sidecar <c>x.json</c>, each through the atomic writer.</summary>
    public void WriteTo(string path)
    {
        AtomicFile.Write(path, Bytes);
        Description.Write(path);
    }
}
