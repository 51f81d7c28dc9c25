using System.Buffers.Binary;
using System.Text;

namespace Csk6Tools.Engine.Package;

/// <summary>
/// Reads a thinker package with every offset and count checked against the file, so a corrupt or truncated
/// file gives a <see cref="PackageFormatException"/> and never an out-of-range read (docs/thinker-model-bin.md).
/// </summary>
internal static class PackageReader
{
    public static ThinkerPackage Read(byte[] bytes, string? path)
    {
        var r = new Region(bytes, 0, bytes.Length, "file");
        if (bytes.Length < ThinkerPackage.HeaderSize)
            throw new PackageFormatException(ErrorIds.PackageTruncated,
                $"The file has {bytes.Length} bytes, less than the {ThinkerPackage.HeaderSize}-byte thinker header.",
                bytes.Length);
        string label = r.Text(0, 16);
        if (label != ThinkerPackage.Label)
            throw new PackageFormatException(ErrorIds.PackageNotThinker,
                $"Not a thinker package: the label is '{Printable(label)}', expected '{ThinkerPackage.Label}'.", 0);

        uint crc = r.U32(16);
        long memoryAt = r.U32(20), tensorAt = r.U32(24), opAt = r.U32(32), ioAt = r.U32(36), debugAt = r.U32(44);
        long shapeInferAt = r.U32(48), paramAt = r.U32(52), dmaAt = r.U32(56);
        int platform = (int)r.U32(60);
        long total = (long)r.U64(64);
        if (total > bytes.Length)
            throw new PackageFormatException(ErrorIds.PackageTruncated,
                $"The header says the package has {total:N0} bytes but the file has {bytes.Length:N0}: it is " +
                $"truncated.", bytes.Length);
        if (total < bytes.Length)
            throw new PackageFormatException(ErrorIds.PackageCorrupt,
                $"The file has {bytes.Length - total:N0} bytes after the package's end ({total:N0}); the runtime's " +
                $"CRC would fail.", total);
        if (crc != 0)
        {
            uint actual = Crc24.Compute(bytes.AsSpan(ThinkerPackage.HeaderSize));
            if (actual != crc)
                throw new PackageFormatException(ErrorIds.PackageCrcMismatch,
                    $"CRC-24 mismatch: the header says 0x{crc:X6}, the content gives 0x{actual:X6}. The " +
                    $"file is damaged.", 16);
        }

        var layout = shapeInferAt != 0 || platform != 0 ? PackageLayout.V3 : PackageLayout.V2;
        var memories = ReadMemories(r.Section(memoryAt, "memory"));
        var tensors = ReadTensors(r.Section(tensorAt, "tensor"), r.Section(debugAt, "debug"));
        var operators = ReadOperators(r.Section(opAt, "operator"), tensors.Length);
        var (inputs, outputs) = ReadIO(r.Section(ioAt, "io"), tensors.Length);
        var blobs = ReadParameters(r.Section(paramAt, "parameter"));
        var dma = dmaAt == 0 ? [] : ReadDma(r.Section(dmaAt, "dma"), tensors.Length);
        CheckTensorsInMemory(tensors, memories, blobs);

        return new ThinkerPackage
        {
            Layout = layout, Platform = platform, Crc = crc, TotalSize = total,
            Memories = memories, Tensors = tensors, Operators = operators, Inputs = inputs, Outputs = outputs,
            ParameterBlobs = blobs, Dma = dma, Bytes = bytes, Path = path,
        };
    }

    private static PackageMemory[] ReadMemories(Region s)
    {
        int shared = s.U16(0), count = s.U16(2);
        var (size, start) = ListGeometry(s, 4, 12, 16, count);
        var list = new PackageMemory[count];
        for (int i = 0; i < count; i++)
        {
            long at = start + (long)i * size;
            list[i] = new PackageMemory(i, Kind(s, at + 4), s.U32(at), i < shared);
        }
        return list;
    }

    private static PackageTensor[] ReadTensors(Region s, Region debug)
    {
        long count = s.U32(0);
        var (size, start) = ListGeometry(s, 4, 12, 64, count);
        long names = debug.U32(16);
        long nameCount = Math.Min(debug.U32(0), count);
        debug.Check(names, 64 * nameCount, "tensor names");
        var list = new PackageTensor[count];
        for (int i = 0; i < count; i++)
        {
            long at = start + (long)i * size;
            uint ndim = s.U32(at + 16);
            if (ndim > 7) throw s.Corrupt(at + 16, $"tensor {i} has {ndim} dimensions (at most 7)");
            var shape = new int[ndim];
            long elements = 1;
            for (int d = 0; d < ndim; d++)
            {
                uint dim = s.U32(at + 20 + 4 * d);
                elements *= dim;
                if (dim > int.MaxValue || elements > uint.MaxValue)
                    throw s.Corrupt(at + 20 + 4 * d, $"tensor {i} has an impossible shape");
                shape[d] = (int)dim;
            }
            ushort dtype = s.U16(at + 2);
            if (!Enum.IsDefined(typeof(ThinkerDType), dtype))
                throw s.Corrupt(at + 2, $"tensor {i} has the unknown data type 0x{dtype:X4}");
            string name = i < nameCount ? debug.Text(names + 64L * i, 64) : $"tensor{i}";
            list[i] = new PackageTensor(i, name, Kind(s, at), s.I32(at + 4) != 0, (ThinkerDType)dtype,
                s.F32(at + 8), shape, (long)s.U64(at + 48), (TensorLayout)s.U8(at + 56));
        }
        return list;
    }

    private static PackageOperator[] ReadOperators(Region s, int tensorCount)
    {
        int opCount = s.U16(0), typeCount = s.U16(2), typeLength = s.U8(4), typeOffset = s.U16(6);
        long recordsAt = s.U32(8);
        s.Check(recordsAt, 16L * opCount, $"{opCount} operator records");
        s.Check(typeOffset, (long)typeCount * typeLength, "operator names");
        var types = new string[typeCount];
        for (int t = 0; t < typeCount; t++) types[t] = s.Text(typeOffset + (long)t * typeLength, typeLength);
        var list = new PackageOperator[opCount];
        long at = recordsAt;
        for (int i = 0; i < opCount; i++)
        {
            int typeIndex = s.U16(at), attrAt = s.U16(at + 2), idsAt = s.U16(at + 4), total = s.U16(at + 8);
            int nIn = s.U16(at + 10), nOut = s.U16(at + 12), nTemp = s.U8(at + 14);
            if (typeIndex >= typeCount) throw s.Corrupt(at, $"operator {i} names type {typeIndex} of {typeCount}");
            if (total < 16 || idsAt < attrAt || idsAt + 4 * (nIn + nOut + nTemp) > total)
                throw s.Corrupt(at, $"operator {i} ({types[typeIndex]}) has an inconsistent record size");
            var ids = new int[nIn + nOut + nTemp];
            for (int k = 0; k < ids.Length; k++)
            {
                ids[k] = s.I32(at + idsAt + 4 * k);
                if ((uint)ids[k] >= (uint)tensorCount)
                    throw s.Corrupt(at + idsAt + 4 * k,
                        $"operator {i} ({types[typeIndex]}) refers to tensor {ids[k]} of {tensorCount}");
            }
            list[i] = new PackageOperator(i, types[typeIndex], s.Bytes(at + attrAt, idsAt - attrAt),
                ids[..nIn], ids[nIn..(nIn + nOut)], ids[(nIn + nOut)..], s.U8(at + 15));
            at += total;
        }
        return list;
    }

    private static (PackageIO[] Inputs, PackageIO[] Outputs) ReadIO(Region s, int tensorCount)
    {
        int nIn = s.U16(0), nOut = s.U16(2), nState = s.U16(4), nameLength = s.U16(6);
        long idsAt = s.U32(8), namesAt = s.U32(12);
        s.Check(idsAt, 4L * (nIn + nOut), "input/output ids");
        s.Check(namesAt, (long)nameLength * (nIn + nOut), "input/output names");
        var all = new PackageIO[nIn + nOut];
        for (int k = 0; k < all.Length; k++)
        {
            int id = s.I32(idsAt + 4 * k);
            if ((uint)id >= (uint)tensorCount)
                throw s.Corrupt(idsAt + 4 * k, $"input/output {k} refers to tensor {id} of {tensorCount}");
            all[k] = new PackageIO(id, s.Text(namesAt + (long)k * nameLength, nameLength));
        }
        _ = nState;
        return (all[..nIn], all[nIn..]);
    }

    private static PackageParameterBlob[] ReadParameters(Region s)
    {
        long count = s.U32(0);
        var (_, start) = ListGeometry(s, 4, 12, 16, count);
        var list = new PackageParameterBlob[count];
        long at = start;
        for (int i = 0; i < count; i++)
        {
            long dataAt = at + s.U32(at + 4), bytes = (long)s.U64(at + 8);
            s.Check(dataAt, bytes, $"parameter blob {i}");
            list[i] = new PackageParameterBlob(Kind(s, at), s.Start + dataAt, bytes);
            at = dataAt + bytes;
        }
        return list;
    }

    private static PackageDma[] ReadDma(Region s, int tensorCount)
    {
        long count = s.U32(0);
        var (size, start) = ListGeometry(s, 4, 12, 16, count);
        var list = new PackageDma[count];
        for (int i = 0; i < count; i++)
        {
            long at = start + (long)i * size;
            int src = s.U16(at + 4), dst = s.U16(at + 6);
            if (src >= tensorCount || dst >= tensorCount)
                throw s.Corrupt(at + 4, $"DMA record {i} refers to a tensor out of range");
            list[i] = new PackageDma(Kind(s, at), Kind(s, at + 2), src, dst, (long)s.U64(at + 8));
        }
        return list;
    }

    private static void CheckTensorsInMemory(PackageTensor[] tensors, PackageMemory[] memories,
        PackageParameterBlob[] blobs)
    {
        foreach (var t in tensors)
        {
            long capacity = t.InArena
                ? memories.Where(m => !m.IsParameterBlob && m.Kind == t.Memory).Sum(m => m.Size)
                : blobs.Where(b => b.Memory == t.Memory).Sum(b => b.Size);
            // not Offset + Bytes: a u64 offset near 2^63 would wrap
            if (t.Offset < 0 || t.Offset > capacity - t.Bytes)
                throw new PackageFormatException(ErrorIds.PackageCorrupt,
                    $"Tensor {t.Index} '{t.Name}' ({t.Bytes:N0} bytes at offset {t.Offset:N0}) lies outside its " +
                    $"{t.Memory} {(t.InArena ? "arena" : "parameter blob")} of {capacity:N0} bytes.");
        }
    }

    /// <summary>Element size and first element of a list whose
    /// <paramref name="count"/> elements must all lie in the section.</summary>
    private static (long Size, long Start) ListGeometry(Region s, long elemSizeAt, long offsetAt,
        int expectedSize, long count)
    {
        long size = s.U32(elemSizeAt), start = s.U32(offsetAt);
        if (size < expectedSize) throw s.Corrupt(elemSizeAt, $"element size {size} is below {expectedSize}");
        s.Check(start, count * size, $"list of {count:N0} elements");
        return (size, start);
    }

    private static MemoryKind Kind(Region s, long at)
    {
        byte k = s.U8(at);
        return k <= 3 ? (MemoryKind)k : throw s.Corrupt(at, $"memory type {k} is not FLASH, PSRAM or SHARE_MEM");
    }

    private static string Printable(string s) => new(s.Select(c => c < ' ' || c > '~' ? '?' : c).ToArray());

    /// <summary>A bounds-checked window on the file: offsets are relative to <see cref="Start"/>.</summary>
    private readonly struct Region(byte[] bytes, long start, long end, string name)
    {
        public long Start => start;

        public Region Section(long offset, string section)
        {
            if (offset < ThinkerPackage.HeaderSize || offset >= end)
                throw new PackageFormatException(ErrorIds.PackageCorrupt,
                    $"The {section} section's offset {offset:N0} lies outside the package (80…{end:N0}).", offset);
            return new Region(bytes, offset, end, section);
        }

        public void Check(long at, long count, string what)
        {
            if (at < 0 || count < 0 || start + at + count > end)
                throw new PackageFormatException(ErrorIds.PackageTruncated,
                    $"The {name} section's {what} at file offset {start + at:N0} ({count:N0} bytes) runs past the " +
                    $"end of the package ({end:N0}).", start + at);
        }

        public PackageFormatException Corrupt(long at, string what) =>
            new(ErrorIds.PackageCorrupt, $"Corrupt {name} section at file offset {start + at:N0}: {what}.", start + at);

        private ReadOnlySpan<byte> Span(long at, int count)
        {
            Check(at, count, "record");
            return bytes.AsSpan((int)(start + at), count);
        }
        public byte U8(long at) => Span(at, 1)[0];
        public ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(Span(at, 2));
        public uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(Span(at, 4));
        public int I32(long at) => BinaryPrimitives.ReadInt32LittleEndian(Span(at, 4));
        public ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(Span(at, 8));
        public float F32(long at) => BinaryPrimitives.ReadSingleLittleEndian(Span(at, 4));
        public byte[] Bytes(long at, int count) => Span(at, count).ToArray();
        public string Text(long at, int count)
        {
            var span = Span(at, count);
            int nul = span.IndexOf((byte)0);
            return Encoding.ASCII.GetString(nul < 0 ? span : span[..nul]);
        }
    }
}
