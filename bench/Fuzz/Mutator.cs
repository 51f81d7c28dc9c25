using System.Buffers.Binary;

namespace Csk6Tools.Fuzz;

/// <summary>
/// Mutates a valid file: bit flips, byte overwrites, insertions, deletions, truncations, chunk duplication, and
/// field-aware edits that write boundary integers (0, ±1, the type's limits, the file's length ± 1, huge values) at the
/// offsets where the format keeps lengths, counts and offsets, or digit runs of a JSON header replaced by such numbers.
/// </summary>
public sealed class Mutator(Random random)
{
    private static readonly long[] Interesting =
        [0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 1023, 1024, 4095, 4096, 32767, 32768, 65535,
         65536, int.MaxValue, (long)int.MaxValue + 1, uint.MaxValue, -1, -2, -128, -32768, int.MinValue,
         long.MaxValue / 2, long.MaxValue, long.MinValue];

    /// <summary>One to four stacked mutations of <paramref name="seed"/>; <paramref name="fields"/> are offsets of
    /// integer fields.</summary>
    public byte[] Mutate(byte[] seed, IReadOnlyList<Field> fields, bool bigEndian = false)
    {
        var data = new List<byte>(seed);
        int count = 1 + random.Next(4);
        for (int m = 0; m < count; m++) MutateOnce(data, fields, bigEndian);
        return [.. data];
    }

    private void MutateOnce(List<byte> data, IReadOnlyList<Field> fields, bool bigEndian)
    {
        int n = data.Count;
        switch (random.Next(n == 0 ? 1 : 9))
        {
            case 0:   // insert random bytes
            {
                int at = random.Next(n + 1), len = 1 + random.Next(random.Next(2) == 0 ? 4 : 64);
                var bytes = new byte[len];
                random.NextBytes(bytes);
                data.InsertRange(at, bytes);
                break;
            }
            case 1: data[random.Next(n)] ^= (byte)(1 << random.Next(8)); break;   // bit flip
            case 2: data[random.Next(n)] = (byte)random.Next(256); break;
            case 3:   // delete a range
            {
                int at = random.Next(n), len = Math.Min(n - at, 1 + random.Next(random.Next(2) == 0 ? 4 : 256));
                data.RemoveRange(at, len);
                break;
            }
            case 4:   // truncate
            {
                int keep = random.Next(n);
                data.RemoveRange(keep, n - keep);
                break;
            }
            case 5:   // duplicate a chunk elsewhere
            {
                int from = random.Next(n), len = Math.Min(n - from, 1 + random.Next(128));
                data.InsertRange(random.Next(n + 1), data.GetRange(from, len));
                break;
            }
            default:   // field-aware: a boundary integer at a field offset (or an aligned random offset)
            {
                var field = fields.Count > 0 && random.Next(4) != 0
                    ? fields[random.Next(fields.Count)]
                    : new Field(random.Next(n) & ~3, 1 << random.Next(4));
                if (field.Text) EditNumberText(data, field);
                else if (field.Varint) ReplaceVarint(data, field, Pick(n));
                else WriteInteger(data, field, Pick(n), bigEndian);
                break;
            }
        }
    }

    private long Pick(int length)
    {
        int k = random.Next(Interesting.Length + 4);
        return k < Interesting.Length
            ? Interesting[k]
            : length + random.Next(-2, 3) + (k - Interesting.Length) * (long)random.Next(1 << 20);
    }

    private static void WriteInteger(List<byte> data, Field field, long value, bool bigEndian)
    {
        if (field.Offset < 0 || field.Offset + field.Size > data.Count) return;
        Span<byte> bytes = stackalloc byte[8];
        if (bigEndian) BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        else BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        var part = bigEndian ? bytes[(8 - field.Size)..] : bytes[..field.Size];
        for (int i = 0; i < field.Size; i++) data[field.Offset + i] = part[i];
    }

    /// <summary>Replaces a protobuf varint (a length) with the encoding of another value: the message grows or
    /// shrinks.</summary>
    private static void ReplaceVarint(List<byte> data, Field field, long value)
    {
        if (field.Offset + field.Size > data.Count) return;
        var encoded = new List<byte>();
        ulong v = (ulong)value;
        do { encoded.Add((byte)(v & 0x7F | (v > 0x7F ? 0x80u : 0))); v >>= 7; } while (v != 0);
        data.RemoveRange(field.Offset, field.Size);
        data.InsertRange(field.Offset, encoded);
    }

    /// <summary>Replaces the digit run at the field's offset (a number in a JSON header) with another number.</summary>
    private void EditNumberText(List<byte> data, Field field)
    {
        int start = field.Offset, end = start;
        if (start >= data.Count) return;
        while (end < data.Count && (char.IsAsciiDigit((char)data[end]) || data[end] == '-')) end++;
        string text = Pick(data.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        data.RemoveRange(start, end - start);
        data.InsertRange(start, text.Select(c => (byte)c));
    }
}

/// <summary>
/// An integer field of <see cref="Size"/> bytes at <see cref="Offset"/>; or (Text) a decimal number written out in a
/// text header; or (Varint) a protobuf varint of <see cref="Size"/> bytes.
/// </summary>
public readonly record struct Field(int Offset, int Size, bool Text = false, bool Varint = false)
{
    /// <summary>Every decimal number in <paramref name="bytes"/>[from, to): the lengths, shapes and offsets of a JSON
    /// header.</summary>
    public static IEnumerable<Field> NumbersIn(byte[] bytes, int from, int to)
    {
        for (int i = from; i < Math.Min(to, bytes.Length); i++)
            if (char.IsAsciiDigit((char)bytes[i]) && (i == from || !char.IsAsciiDigit((char)bytes[i - 1])))
                yield return new Field(i, 0, Text: true);
    }
}
