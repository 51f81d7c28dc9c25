using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Csk6Tools.Engine.Model;

/// <summary>A file that is not a readable safetensors file, or not a Csk6Tools model; says which and why.</summary>
public sealed class ModelFileException(string message, string path, bool foreign = false)
    : Csk6Exception(foreign ? ErrorIds.ModelFileForeign : ErrorIds.ModelFileCorrupt, message)
{
    public string Path { get; } = path;

    /// <summary>A valid file of another kind (not corrupt): a safetensors file without a Csk6Tools graph.</summary>
    public bool Foreign { get; } = foreign;

    public override object? Target => Path;
}

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header (tensor name → dtype, shape,
/// data_offsets; string metadata under <c>__metadata__</c>), then the raw little-endian tensor bytes. Float32 only.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeader = 100_000_000;

    /// <summary>Writes atomically: a temporary file beside the target, then a move over it.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, WeightTensor> tensors,
        IReadOnlyDictionary<string, string> metadata)
    {
        var header = new JsonObject
        {
            ["__metadata__"] = new JsonObject(metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value)))
        };
        long offset = 0;
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        foreach (var (name, t) in ordered)
        {
            long end = offset + 4L * t.Data.Length;
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode?)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, end),
            };
            offset = end;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;   // the data starts 8-byte aligned; the format allows trailing spaces

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var (_, t) in ordered) WriteFloats(stream, t.Data);
        });
    }

    public static (Dictionary<string, WeightTensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
        long size = stream.Length;
        if (size < 8)
            throw Corrupt(path, $"is {size} bytes long; a safetensors file starts with an 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)Math.Min(size - 8, MaxHeader))
            throw Corrupt(path,
                $"declares a {headerLength:N0}-byte header at offset 0, but only {size - 8:N0} bytes follow");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes)?.AsObject() ?? throw new JsonException("empty header");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            throw Corrupt(path, $"has no valid JSON header at offset 8 ({e.Message})");
        }

        long dataStart = 8 + (long)headerLength;
        var tensors = new Dictionary<string, WeightTensor>();
        var metadata = new Dictionary<string, string>();
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                {
                    if (node is not JsonObject entries)
                        throw Corrupt(path, "has a __metadata__ entry that is not a JSON object");
                    foreach (var (key, value) in entries)
                        metadata[key] = value?.GetValueKind() == JsonValueKind.String
                            ? value.GetValue<string>()
                            : throw Corrupt(path, $"has a non-string metadata value '{key}'");
                    continue;
                }
                tensors[name] = ReadTensor(stream, path, name, node, dataStart, size);
            }
        }
        catch (InvalidOperationException e)   // a name or string that is not valid UTF-8 is found only when it is read
        {
            throw Corrupt(path, $"has a JSON header that is not valid UTF-8 text ({e.Message})");
        }
        return (tensors, metadata);
    }

    private static WeightTensor ReadTensor(FileStream stream, string path, string name, JsonNode? node,
        long dataStart, long fileSize)
    {
        try
        {
            string dtype = node!["dtype"]!.GetValue<string>();
            int size = ElementSize(dtype);
            if (size == 0)
                throw Corrupt(path,
                    $"holds tensor '{name}' as {dtype}; Csk6Tools reads F32, F16, BF16, F64, I64 and I32 " +
                    $"tensors (as float32)");
            int[] shape = node["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();
            long begin = node["data_offsets"]![0]!.GetValue<long>(), end = node["data_offsets"]![1]!.GetValue<long>();
            long count = shape.Aggregate(1L, (a, d) => a * d);
            if (shape.Any(d => d < 0) || end - begin != size * count || begin < 0 || dataStart + end > fileSize)
                throw Corrupt(path,
                    $"has tensor '{name}' at bytes {dataStart + begin:N0}–{dataStart + end:N0} of a " +
                    $"{fileSize:N0}-byte file, shape ({string.Join(", ", shape)})");
            stream.Position = dataStart + begin;
            var data = ReadAsFloats(stream, dtype, count);
            return new WeightTensor(shape, data);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException
            or IndexOutOfRangeException or ArgumentException)
        {
            throw Corrupt(path, $"describes tensor '{name}' without a valid dtype, shape and data_offsets");
        }
    }

    /// <summary>Bytes per element of the dtypes read (0: not read).
    /// PyTorch state_dicts hold F32 weights and I64 counters.</summary>
    private static int ElementSize(string dtype) =>
        dtype switch { "F32" or "I32" => 4, "F16" or "BF16" => 2, "F64" or "I64" => 8, _ => 0 };

    private static float[] ReadAsFloats(Stream stream, string dtype, long count)
    {
        var data = new float[count];
        if (dtype == "F32")
        {
            stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
            if (!BitConverter.IsLittleEndian)
            {
                var ints = MemoryMarshal.Cast<float, int>(data.AsSpan());
                BinaryPrimitives.ReverseEndianness(ints, ints);
            }
            return data;
        }
        var bytes = new byte[count * ElementSize(dtype)];
        stream.ReadExactly(bytes);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = dtype switch
            {
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(2 * i)),
                "BF16" =>
                    BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2 * i)) << 16),
                "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(8 * i)),
                "I64" => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8 * i)),
                _ => BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4 * i)),
            };
        }
        return data;
    }

    private static void WriteFloats(Stream stream, float[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }
        var copy = MemoryMarshal.Cast<float, int>(data.AsSpan()).ToArray();
        BinaryPrimitives.ReverseEndianness(copy, copy);
        stream.Write(MemoryMarshal.AsBytes(copy.AsSpan()));
    }

    private static ModelFileException Corrupt(string path, string what) =>
        new($"'{path}' is not a valid safetensors file: it {what}.", path);
}
