using System.Runtime.InteropServices;
using Csk6Tools.Engine.Package;

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
        _file = MemoryMarshal.TryGetArray(package.Bytes, out var segment) && segment.Offset == 0 ? segment.Array! : package.Bytes.ToArray();
        foreach (var blob in package.ParameterBlobs)
            if (!_blobs.TryAdd(blob.Memory, ((int)blob.FileOffset, (int)blob.Size)))
                throw new InferenceException(ErrorIds.EngineInvalidPackage, $"The package has two {blob.Memory} parameter blobs; thinker packs one per memory type.");
        foreach (var kind in package.Memories.Where(m => !m.IsParameterBlob).Select(m => m.Kind).Distinct())
            _arenas[kind] = new byte[package.Memories.Where(m => !m.IsParameterBlob && m.Kind == kind).Sum(m => m.Size)];
    }

    public Span<byte> Bytes(PackageTensor t)
    {
        if (t.InArena)
            return _arenas.TryGetValue(t.Memory, out var arena) ? arena.AsSpan((int)t.Offset, (int)t.Bytes)
                : throw new InferenceException(ErrorIds.EngineInvalidPackage, $"Tensor '{t.Name}' lives in a {t.Memory} arena the package does not declare.");
        return _blobs.TryGetValue(t.Memory, out var blob) ? _file.AsSpan(blob.Start + (int)t.Offset, (int)t.Bytes)
            : throw new InferenceException(ErrorIds.EngineInvalidPackage, $"Tensor '{t.Name}' lives in a {t.Memory} parameter blob the package does not have.");
    }

    public Span<sbyte> Int8(PackageTensor t) => MemoryMarshal.Cast<byte, sbyte>(Bytes(t));
    public Span<int> Int32(PackageTensor t) => MemoryMarshal.Cast<byte, int>(Bytes(t));
    public Span<float> Float32(PackageTensor t) => MemoryMarshal.Cast<byte, float>(Bytes(t));

    /// <summary>The DMA transfer before an op: weight and bias, contiguous in PSRAM, into a share-memory buffer.</summary>
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
        var whole = t.InArena ? _arenas[t.Memory].AsSpan() : _file.AsSpan(_blobs[t.Memory].Start, _blobs[t.Memory].Size);
        if (t.Offset + bytes > whole.Length)
            throw new InferenceException(ErrorIds.EngineInvalidPackage, $"A DMA transfer of {bytes:N0} bytes at '{t.Name}' runs past its memory.");
        return whole.Slice((int)t.Offset, (int)bytes);
    }
}
