using System.Buffers.Binary;

namespace Csk6Tools.Engine.Data;

/// <summary>
/// One IDX file (MNIST's format), raw or gzip-compressed: a big-endian u32 magic (0x0000_08_NN: unsigned bytes,
/// NN dimensions), NN big-endian u32 dimensions, then the bytes. Offsets in errors count decompressed bytes.
/// </summary>
internal static class IdxFile
{
    public const uint ImagesMagic = 0x00000803, LabelsMagic = 0x00000801;
    private const int ChunkBytes = 1 << 20;

    /// <summary>The dimensions as the header gives them, and the
    /// bytes of the first <paramref name="limit"/> items.</summary>
    /// <summary>Reads from <paramref name="stream"/> (already
    /// decompressed); <paramref name="path"/> names it in errors.</summary>
    public static (int[] Dims, byte[] Data) Read(Stream stream, string path, uint magic, int? limit, string activity,
        IProgress<DatasetProgress>? progress, CancellationToken cancel)
    {
        var header = new byte[4 + 4 * (int)(magic & 0xFF)];
        int got = DataFiles.ReadAtMost(stream, path, header);
        uint actual = got >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(header) : 0;
        if (got >= 4 && actual != magic)
            throw new DatasetException(ErrorIds.InvalidDatasetHeader,
                $"'{path}' is not an IDX {Describe(magic)} file: it starts with 0x{actual:X8} at byte offset 0, " +
                $"expected 0x{magic:X8}" +
                (actual is ImagesMagic or LabelsMagic
                    ? $" (0x{actual:X8} is an IDX {Describe(actual)} file: are the file names swapped?)."
                    : "."),
                path, 0);
        if (got < header.Length)
            throw Truncated(path, got, $"its {header.Length}-byte IDX header");

        var dims = new int[header.Length / 4 - 1];
        for (int d = 0; d < dims.Length; d++)
        {
            uint value = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4 + 4 * d));
            if (value > int.MaxValue || (d > 0 && value == 0))
                throw new DatasetException(ErrorIds.InvalidDatasetHeader,
                    $"'{path}' has an impossible dimension {value} at byte offset {4 + 4 * d}.", path, 4 + 4 * d);
            dims[d] = (int)value;
        }
        long itemBytes = dims.Skip(1).Aggregate(1L, (a, b) => a * b);
        int count = Math.Min(dims[0], limit ?? int.MaxValue);
        // also where count × itemBytes overflows
        if (itemBytes > Array.MaxLength || count > Array.MaxLength / itemBytes)
            throw new DatasetException(ErrorIds.InvalidDatasetHeader,
                $"'{path}' promises {dims[0]:N0} items of {itemBytes:N0} bytes, more than one array holds; read " +
                $"fewer with a count limit.", path, 4);

        long expected = count * itemBytes;
        string items = dims.Length == 1 ? "labels" : $"items of {string.Join("×", dims.Skip(1))} bytes";
        string promise = $"the {dims[0]:N0} {items} its header promises ({dims[0] * itemBytes:N0} " +
            $"bytes after the header)";
        // A raw file must hold what its header promises before anything is allocated; a .gz file's buffer grows with
        // the data that actually decompresses. Either way a few corrupt header bytes cannot make us allocate gigabytes.
        if (stream.CanSeek && stream.Length - header.Length < expected) throw Truncated(path, stream.Length, promise);
        var data = new byte[stream.CanSeek ? expected : Math.Min(expected, ChunkBytes)];
        for (int done = 0; done < expected; )
        {
            cancel.ThrowIfCancellationRequested();
            if (done == data.Length) Array.Resize(ref data, (int)Math.Min(expected, 2L * data.Length));
            int want = Math.Min(ChunkBytes, data.Length - done);
            int read = DataFiles.ReadAtMost(stream, path, data.AsSpan(done, want));
            done += read;
            if (read < want) throw Truncated(path, header.Length + done, promise);
            progress?.Report(new DatasetProgress(activity, done / itemBytes, count));
        }
        return (dims, data);
    }

    private static string Describe(uint magic) => magic == ImagesMagic
        ? "image (idx3)"
        : magic == LabelsMagic
        ? "label (idx1)"
        : $"{magic & 0xFF}-dimension";

    private static DatasetException Truncated(string path, long offset, string expected)
        => new(ErrorIds.TruncatedDatasetFile,
            $"'{path}' is truncated: it ends at byte offset " +
            $"{offset:N0}" +
            $"{(path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? " of the decompressed data" : "")}, " +
            $"before {expected}.",
            path, offset);
}
