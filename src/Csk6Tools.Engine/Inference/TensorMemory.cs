using System.Runtime.InteropServices;
using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Inference;

/// <summary>
/// The chip's memories on the host: parameter blobs read in place from the package, one runtime arena per
/// memory type at the planned size. Tensors are views at their planned offsets, so a bad memory plan
/// corrupts results here exactly as it would on the chip.
/// </summary>
internal sealed class TensorMemory
{
    private readonly ThinkerPackage _package;
    private readonly Dictionary<MemoryKind, byte[]> _arenas = [];
    private readonly Dictionary<MemoryKind, (int Start, int Size)> _blobs = [];
    private readonly byte[] _file;

    public TensorMemory(ThinkerPackage package)
    {
        _package = package;
        _file = MemoryMarshal.TryGetArray(package.Bytes, out var segment) && segment.Offset == 0
            ? segment.Array!
            : package.Bytes.ToArray();
        foreach (var blob in package.ParameterBlobs)
            if (!_blobs.TryAdd(blob.Memory, ((int)blob.FileOffset, (int)blob.Size)))
                throw new InferenceException(ErrorIds.EngineInvalidPackage,
                    $"The package has two {blob.Memory} parameter blobs; thinker packs one per memory type.");
        var arenas = package.Memories.Where(m => !m.IsParameterBlob)
            .GroupBy(m => m.Kind)
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Size));
        long total = arenas.Values.Sum();
        if (total > MaxRuntimeBytes)
            throw new InferenceException(ErrorIds.EngineInvalidPackage,
                $"The package asks for {total:N0} bytes of runtime memory; the CSK6 has " +
                $"{Csk6.PsramCapacity + Csk6.ShareMemCapacity:N0} " +
                $"(PSRAM and SHARE_MEM) and the engine allocates at most {MaxRuntimeBytes:N0}.");
        foreach (var (kind, size) in arenas) _arenas[kind] = new byte[size];
    }

    /// <summary>
    /// Four times the chip's memory: room for packages planned with raised limits, while a corrupt memory record
    /// (a few bytes of a small file) cannot make the engine allocate gigabytes.
    /// </summary>
    public const long MaxRuntimeBytes = 4 * (Csk6.PsramCapacity + Csk6.ShareMemCapacity);

    public Span<byte> Bytes(PackageTensor t)
    {
        if (t.InArena)
            return _arenas.TryGetValue(t.Memory, out var arena) ? arena.AsSpan((int)t.Offset, (int)t.Bytes)
                : throw new InferenceException(ErrorIds.EngineInvalidPackage,
                    $"Tensor '{t.Name}' lives in a {t.Memory} arena the package does not declare.");
        return _blobs.TryGetValue(t.Memory, out var blob) ? _file.AsSpan(blob.Start + (int)t.Offset, (int)t.Bytes)
            : throw new InferenceException(ErrorIds.EngineInvalidPackage,
                $"Tensor '{t.Name}' lives in a {t.Memory} parameter blob the package does not have.");
    }

    public Span<sbyte> Int8(PackageTensor t) => MemoryMarshal.Cast<byte, sbyte>(Bytes(t));
    public Span<int> Int32(PackageTensor t) => MemoryMarshal.Cast<byte, int>(Bytes(t));
    public Span<float> Float32(PackageTensor t) => MemoryMarshal.Cast<byte, float>(Bytes(t));

    /// <summary>Throws <see cref="ErrorIds.EngineInvalidPackage"/>
    /// unless both ends of the transfer lie in their memories.</summary>
    public void CheckTransfer(PackageDma dma)
    {
        SpanAt(_package.Tensors[dma.SourceTensor], dma.Bytes);
        SpanAt(_package.Tensors[dma.DestinationTensor], dma.Bytes);
    }

    /// <summary>The DMA transfer before an op: weight and bias,
    /// contiguous in PSRAM, into a share-memory buffer.</summary>
    public void Transfer(PackageDma dma)
    {
        var src = _package.Tensors[dma.SourceTensor];
        var dst = _package.Tensors[dma.DestinationTensor];
        var from = SpanAt(src, dma.Bytes);
        var to = SpanAt(dst, dma.Bytes);
        from.CopyTo(to);
    }

    private Span<byte> SpanAt(PackageTensor t, long bytes)
    {
        Span<byte> whole;
        if (t.InArena && _arenas.TryGetValue(t.Memory, out var arena)) whole = arena;
        else if (!t.InArena && _blobs.TryGetValue(t.Memory, out var blob)) whole = _file.AsSpan(blob.Start, blob.Size);
        else throw new InferenceException(ErrorIds.EngineInvalidPackage,
            $"A DMA transfer reaches '{t.Name}' in a {t.Memory} memory the package does not have.");
        if (bytes < 0 || t.Offset > whole.Length - bytes)
            throw new InferenceException(ErrorIds.EngineInvalidPackage,
                $"A DMA transfer of {bytes:N0} bytes at '{t.Name}' runs past its memory.");
        return whole.Slice((int)t.Offset, (int)bytes);
    }
}
