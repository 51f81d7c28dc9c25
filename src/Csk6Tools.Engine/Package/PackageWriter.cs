using System.Buffers.Binary;
using System.Text;

namespace Csk6Tools.Engine.Package;

/// <summary>
/// Writes a thinker package (docs/thinker-model-bin.md): header, memory, tensor, operator, io, param, (v3: shape-infer,
/// empty for a static model), debug and dma sections, each 16-aligned, then the CRC-24 of everything after the header.
/// </summary>
public static class PackageWriter
{
    private const int TensorRecord = 64, NameBytes = 64;

    public static byte[] Write(PackageContent c)
    {
        var file = new Buffer();
        file.Skip(ThinkerPackage.HeaderSize);
        long memoryAt = Section(file, () => Memory(file, c));
        long tensorAt = Section(file, () => Tensors(file, c));
        long opAt = Section(file, () => Operators(file, c));
        long ioAt = Section(file, () => IO(file, c));
        long paramAt = Section(file, () => Parameters(file, c));
        long shapeInferAt = c.Layout == PackageLayout.V3 ? file.Length : 0;
        long debugAt = Section(file, () => Debug(file, c));
        long dmaAt = Section(file, () => Dma(file, c));
        var bytes = file.ToArray();

        var h = bytes.AsSpan();
        Encoding.ASCII.GetBytes(ThinkerPackage.Label, h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], (uint)memoryAt);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)tensorAt);
        BinaryPrimitives.WriteUInt32LittleEndian(h[32..], (uint)opAt);
        BinaryPrimitives.WriteUInt32LittleEndian(h[36..], (uint)ioAt);
        BinaryPrimitives.WriteUInt32LittleEndian(h[44..], (uint)debugAt);
        BinaryPrimitives.WriteUInt32LittleEndian(h[48..], (uint)shapeInferAt);
        BinaryPrimitives.WriteUInt32LittleEndian(h[52..], (uint)paramAt);
        BinaryPrimitives.WriteUInt32LittleEndian(h[56..], (uint)dmaAt);
        BinaryPrimitives.WriteUInt32LittleEndian(h[60..], (uint)c.Platform);
        BinaryPrimitives.WriteUInt64LittleEndian(h[64..], (ulong)bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], Crc24.Compute(h[ThinkerPackage.HeaderSize..]));
        return bytes;
    }

    /// <summary>The name the debug section keeps: over 60 characters,
    /// the last 60 of its last '/'-separated part.</summary>
    public static string DebugName(string name)
    {
        if (name.Length <= 60) return name;
        string last = name[(name.LastIndexOf('/') + 1)..];
        return last.Length <= 60 ? last : last[^60..];
    }

    private static long Section(Buffer file, Action write)
    {
        long at = file.Length;
        write();
        file.Align16();
        return at;
    }

    private static void Memory(Buffer f, PackageContent c)
    {
        f.U16(c.Memories.Count(m => m.IsParameterBlob)); f.U16(c.Memories.Count); f.U32(16); f.U32(16); f.U32(16);
        foreach (var m in c.Memories) { f.U32(m.Size); f.U8((byte)m.Kind); f.U8(0); f.U16(0); f.U64(0); }
    }

    private static void Tensors(Buffer f, PackageContent c)
    {
        f.U32(c.Tensors.Count); f.U32(TensorRecord); f.U32(16); f.U32(16);
        foreach (var t in c.Tensors)
        {
            if (t.Shape.Length > 7)
                throw new ArgumentException($"Tensor '{t.Name}' has {t.Shape.Length} dimensions; " +
                    $"thinker stores at most 7.");
            f.U8((byte)t.Memory); f.U8(0); f.U16((ushort)t.DType); f.I32(t.InArena ? 1 : 0); f.F32(t.Scale); f.I32(0);
            f.U32(t.Shape.Length);
            for (int d = 0; d < 7; d++) f.U32(d < t.Shape.Length ? t.Shape[d] : 0);
            f.U64(t.Offset); f.U8((byte)t.Layout); f.Skip(3); f.U32(0);
        }
    }

    private static void Operators(Buffer f, PackageContent c)
    {
        var types = c.Operators.Select(o => o.Type).Distinct().ToList();
        int typeLength = Align16(types.DefaultIfEmpty("").Max(t => t.Length) + 1);
        var records = c.Operators.Select(o => Record(o, (ushort)types.IndexOf(o.Type))).ToList();
        f.U16(c.Operators.Count); f.U16(types.Count); f.U8((byte)typeLength); f.U8(16); f.U16(16);
        f.U32(16 + typeLength * types.Count); f.U32(records.Sum(r => r.Length));
        foreach (var t in types) f.Text(t, typeLength);
        foreach (var r in records) f.Bytes(r);
    }

    private static byte[] Record(PackageOperator o, ushort typeIndex)
    {
        int idsAt = Align16(16 + o.Attributes.Length);
        int[] ids = [.. o.Inputs, .. o.Outputs, .. o.Temps];
        int total = Align16(idsAt + 4 * ids.Length);
        var r = new byte[total];
        var s = r.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(s, typeIndex);
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], (ushort)idsAt);
        BinaryPrimitives.WriteUInt16LittleEndian(s[6..], (ushort)total);
        BinaryPrimitives.WriteUInt16LittleEndian(s[8..], (ushort)total);
        BinaryPrimitives.WriteUInt16LittleEndian(s[10..], (ushort)o.Inputs.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(s[12..], (ushort)o.Outputs.Length);
        r[14] = (byte)o.Temps.Length;
        r[15] = o.Device;
        o.Attributes.CopyTo(s[16..]);
        for (int k = 0; k < ids.Length; k++) BinaryPrimitives.WriteInt32LittleEndian(s[(idsAt + 4 * k)..], ids[k]);
        return r;
    }

    private static void IO(Buffer f, PackageContent c)
    {
        var all = c.Inputs.Concat(c.Outputs).ToList();
        int nameLength = Align16(all.DefaultIfEmpty(new PackageIO(0, "")).Max(io => io.Name.Length) + 1);
        f.U16(c.Inputs.Count); f.U16(c.Outputs.Count); f.U16(0); f.U16(nameLength); f.U32(16);
        f.U32(16 + 4 * all.Count);
        foreach (var io in all) f.I32(io.Tensor);
        foreach (var io in all) f.Text(io.Name, nameLength);
    }

    private static void Parameters(Buffer f, PackageContent c)
    {
        f.U32(c.Blobs.Count); f.U32(16); f.U32(16); f.U32(16);
        foreach (var b in c.Blobs)
        {
            int size = Align16(b.Data.Length);
            f.U8((byte)b.Memory); f.U8(0); f.U16(0); f.U32(16); f.U64(size);
            f.Bytes(b.Data); f.Skip(size - b.Data.Length);
        }
    }

    private static void Debug(Buffer f, PackageContent c)
    {
        f.U32(c.Tensors.Count); f.U32(0); f.U64(0); f.U32(24); f.U32(0);
        foreach (var t in c.Tensors) f.Text(DebugName(t.Name), NameBytes);
    }

    private static void Dma(Buffer f, PackageContent c)
    {
        f.U32(c.Dma.Count); f.U32(16); f.U32(16); f.U32(16);
        foreach (var d in c.Dma)
        {
            f.U8((byte)d.SourceMemory); f.U8(0); f.U8((byte)d.DestinationMemory); f.U8(0);
            f.U16(d.SourceTensor); f.U16(d.DestinationTensor); f.U64(d.Bytes);
        }
    }

    private static int Align16(int v) => (v + 15) & ~15;

    /// <summary>A growing little-endian byte buffer.</summary>
    private sealed class Buffer
    {
        private readonly MemoryStream _s = new();
        public long Length => _s.Length;
        public byte[] ToArray() => _s.ToArray();
        public void Skip(int n) { for (int i = 0; i < n; i++) _s.WriteByte(0); }
        public void Align16() => Skip((int)((16 - _s.Length % 16) % 16));
        public void Bytes(ReadOnlySpan<byte> b) => _s.Write(b);
        public void U8(byte v) => _s.WriteByte(v);
        public void U16(int v)
        {
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b, checked((ushort)v));
            _s.Write(b);
        }
        public void U32(long v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, checked((uint)v));
            _s.Write(b);
        }
        public void I32(int v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, v);
            _s.Write(b);
        }
        public void U64(long v)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(b, checked((ulong)v));
            _s.Write(b);
        }
        public void F32(float v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(b, v);
            _s.Write(b);
        }
        public void Text(string s, int width)
        {
            var bytes = Encoding.ASCII.GetBytes(s);
            if (bytes.Length >= width) throw new ArgumentException($"'{s}' does not fit {width - 1} bytes.");
            _s.Write(bytes); Skip(width - bytes.Length);
        }
    }
}
