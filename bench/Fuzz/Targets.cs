using System.Buffers.Binary;
using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Imaging;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Onnx;
using Csk6Tools.Engine.Package;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Csk6Tools.Fuzz;

/// <summary>model.bin: read, build the int8 engine and run it once, as Invoke-Csk6Inference does.</summary>
public sealed class PackageTarget : FuzzTarget
{
    public override string Name => "package";

    public override IReadOnlyList<Seed> Seeds { get; } =
    [
        Package(PackageBuilder.Build(Fuzz.Seeds.QuantizedModel).Bytes),
        Package(PackageBuilder.Build(Fuzz.Seeds.QuantizedModel, new PackOptions { KeepQuantDequant = true }).Bytes),
    ];

    /// <summary>Fields: the header's offsets and sizes, and the first 32 bytes of every section; half the cases get a
    /// repaired size and CRC-24.</summary>
    private static Seed Package(byte[] bytes)
    {
        var fields = new List<Field>();
        for (int at = 16; at < ThinkerPackage.HeaderSize; at += 4) fields.Add(new Field(at, 4));
        for (int at = 20; at < 60; at += 4)
        {
            int section = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
            if (section == 0) continue;
            for (int k = 0; k < 32; k += 2) fields.Add(new Field(section + k, k % 4 == 0 ? 4 : 2));
        }
        return new Seed("model.bin", bytes, fields) { Fixup = Repair };
    }

    private static byte[] Repair(byte[] bytes, Random random)
    {
        if (bytes.Length < ThinkerPackage.HeaderSize || random.Next(2) == 0) return bytes;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(64), (ulong)bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(
            bytes.AsSpan(16), random.Next(4) == 0 ? 0 : Crc24.Compute(bytes.AsSpan(ThinkerPackage.HeaderSize)));
        return bytes;
    }

    public override void Execute(FuzzInput input, string folder)
    {
        var engine = new Int8Engine(ThinkerPackage.Read(input.Bytes));
        var shape = engine.InputTensor;
        if (shape.Bytes <= 1 << 20) engine.Run(new byte[shape.Bytes]);
    }
}

/// <summary>input.bin: raw bytes into the engine of the seed package, int8 and float (Quant/Dequant kept).</summary>
public sealed class InputTarget : FuzzTarget
{
    private readonly Int8Engine _int8 = new(ThinkerPackage.Read(PackageBuilder.Build(Fuzz.Seeds.QuantizedModel).Bytes));
    private readonly Int8Engine _float = new(ThinkerPackage.Read(
        PackageBuilder.Build(Fuzz.Seeds.QuantizedModel, new PackOptions { KeepQuantDequant = true }).Bytes));

    public override string Name => "input";

    public override IReadOnlyList<Seed> Seeds { get; } =
    [
        new("int8.bin", Enumerable.Range(0, 64).Select(i => (byte)(i * 37)).ToArray(), []),
        new("float.bin",
            Enumerable.Range(0, 64).SelectMany(i => BitConverter.GetBytes(MathF.Sin(i))).ToArray(),
            Enumerable.Range(0, 64).Select(i => new Field(4 * i, 4)).ToList()),
    ];

    public override void Execute(FuzzInput input, string folder) =>
        (input.Seed.FileName == "int8.bin" ? _int8 : _float).Run(input.Bytes);
}

/// <summary>ONNX: PyTorch's float exports (tests/fixtures/onnx) and our float, QDQ-free and linger exports of the seed
/// model.</summary>
public sealed class OnnxTarget(string? repository) : FuzzTarget
{
    public override string Name => "onnx";

    public override IReadOnlyList<Seed> Seeds { get; } = CreateSeeds(repository);

    private static List<Seed> CreateSeeds(string? repository)
    {
        var files = new List<(string, byte[])>
        {
            ("float.onnx", OnnxExporter.Export(Fuzz.Seeds.FloatModel, OnnxFormat.Float)),
            ("linger.onnx", OnnxExporter.Export(Fuzz.Seeds.QuantizedModel, OnnxFormat.Linger)),
        };
        string? fixtures = repository is null ? null : Path.Combine(repository, "tests", "fixtures", "onnx");
        if (fixtures is not null && Directory.Exists(fixtures))
            files.AddRange(Directory.GetFiles(fixtures, "*.onnx")
                .Order()
                .Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))));
        return files.Select(f => new Seed(f.Item1, f.Item2, Protobuf.LengthFields(f.Item2))).ToList();
    }

    public override void Execute(FuzzInput input, string folder) => OnnxImporter.Import(input.Bytes, "fuzz");
}

/// <summary>Csk6Tools model files: Import-Csk6Model of a saved .safetensors (quantized and float with
/// BatchNorm).</summary>
public sealed class SafeTensorsTarget : FuzzTarget
{
    public override string Name => "safetensors";

    public override IReadOnlyList<Seed> Seeds { get; } =
        [Saved("quantized.safetensors", Fuzz.Seeds.QuantizedModel), Saved("float.safetensors", Fuzz.Seeds.FloatModel)];

    /// <summary>Fields: the 8-byte header length and every number written in the JSON header (shapes, data offsets,
    /// exponents).</summary>
    private static Seed Saved(string name, Csk6Model model)
    {
        string path = Path.Combine(Path.GetTempPath(), $"csk6-fuzz-seed-{Environment.ProcessId}-{name}");
        try
        {
            ModelFile.Save(model, path);
            var bytes = File.ReadAllBytes(path);
            int header = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            return new Seed(name, bytes, [new Field(0, 8), new Field(0, 4), .. Field.NumbersIn(bytes, 8, header)]);
        }
        finally { File.Delete(path); }
    }

    public override void Execute(FuzzInput input, string folder)
    {
        string path = Path.Combine(folder, input.Seed.FileName);
        File.WriteAllBytes(path, input.Bytes);
        ModelImporter.Import(path);
    }
}

/// <summary>Shared by the data set targets: a folder of valid files, one of which a case replaces before
/// loading.</summary>
public abstract class DatasetTarget : FuzzTarget
{
    protected abstract IReadOnlyDictionary<string, byte[]> ValidFiles { get; }
    protected abstract DatasetFormat Format { get; }

    public override void Prepare(string folder)
    {
        foreach (var (name, bytes) in ValidFiles) File.WriteAllBytes(Path.Combine(folder, name), bytes);
    }

    public override void Execute(FuzzInput input, string folder)
    {
        string path = Path.Combine(folder, input.Seed.FileName);
        File.WriteAllBytes(path, input.Bytes);
        try { DatasetLoader.Load(folder, new DatasetLoadOptions { Format = Format }); }
        finally { File.WriteAllBytes(path, ValidFiles[input.Seed.FileName]); }
    }
}

/// <summary>IDX (MNIST's format), raw and gzip: 5 training and 3 test images of 6×5 pixels.</summary>
public sealed class IdxTarget : DatasetTarget
{
    private readonly Dictionary<string, byte[]> _files = [];

    public override string Name => "idx";
    protected override DatasetFormat Format => DatasetFormat.Idx;
    protected override IReadOnlyDictionary<string, byte[]> ValidFiles => _files;
    public override IReadOnlyList<Seed> Seeds { get; }

    public IdxTarget()
    {
        var seeds = new List<Seed>();
        foreach (var (prefix, count) in new[] { ("train", 5), ("t10k", 3) })
        {
            var images = Idx(0x803, [count, 6, 5],
                Enumerable.Range(0, count * 30).Select(i => (byte)(i * 7)).ToArray());
            var labels = Idx(0x801, [count], Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray());
            // The training files gzip-compressed (the loader prefers a raw file, so these names are taken by them
            // alone).
            var files = prefix == "train"
                ? new[] { ($"{prefix}-images-idx3-ubyte.gz", images), ($"{prefix}-labels-idx1-ubyte.gz", labels) }
                : new[] { ($"{prefix}-images-idx3-ubyte", images), ($"{prefix}-labels-idx1-ubyte", labels) };
            foreach (var (name, raw) in files)
            {
                var fields = Enumerable.Range(0, raw[3] + 1).Select(k => new Field(4 * k, 4)).ToList();
                if (name.EndsWith(".gz"))
                {
                    _files[name] = Fuzz.Seeds.Gzip(raw);
                    // mutate, then compress
                    seeds.Add(new Seed(name, raw, fields, BigEndian: true) { Fixup = (b, _) => Fuzz.Seeds.Gzip(b) });
                    // the compressed bytes
                    seeds.Add(new Seed(name, _files[name], []));
                }
                else
                {
                    _files[name] = raw;
                    seeds.Add(new Seed(name, raw, fields, BigEndian: true));
                }
            }
        }
        Seeds = seeds;
    }

    private static byte[] Idx(int magic, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }
}

/// <summary>CIFAR-10 and CIFAR-100 binary: two records per file, and the class-name files.</summary>
public sealed class CifarTarget : FuzzTarget
{
    private readonly Dictionary<string, byte[]> _ten = [], _hundred = [];

    public override string Name => "cifar";
    public override IReadOnlyList<Seed> Seeds { get; }

    public CifarTarget()
    {
        static byte[] Records(int labelBytes, int seed)
        {
            var bytes = new byte[2 * (labelBytes + 3072)];
            new Random(seed).NextBytes(bytes);
            for (int r = 0; r < 2; r++)
                for (int k = 0; k < labelBytes; k++) bytes[r * (labelBytes + 3072) + k] = (byte)(r + k);
            return bytes;
        }
        for (int i = 1; i <= 5; i++) _ten[$"data_batch_{i}.bin"] = Records(1, i);
        _ten["test_batch.bin"] = Records(1, 6);
        _ten["batches.meta.txt"] =
            "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n"u8.ToArray();
        _hundred["train.bin"] = Records(2, 7);
        _hundred["test.bin"] = Records(2, 8);
        _hundred["fine_label_names.txt"] = "apple\naquarium_fish\nbaby\n"u8.ToArray();
        _hundred["coarse_label_names.txt"] = "fruit\nfish\npeople\n"u8.ToArray();
        Seeds =
        [
            .. new[] { "data_batch_1.bin", "test_batch.bin", "batches.meta.txt" }
                .Select(f => new Seed("10/" + f, _ten[f], [new Field(0, 1), new Field(3073, 1)])),
            .. new[] { "train.bin", "test.bin", "fine_label_names.txt" }
                .Select(f => new Seed("100/" + f, _hundred[f], [new Field(0, 2), new Field(3074, 2)])),
        ];
    }

    public override void Prepare(string folder)
    {
        foreach (var (sub, files) in new[] { ("10", _ten), ("100", _hundred) })
        {
            Directory.CreateDirectory(Path.Combine(folder, sub));
            foreach (var (name, bytes) in files) File.WriteAllBytes(Path.Combine(folder, sub, name), bytes);
        }
    }

    public override void Execute(FuzzInput input, string folder)
    {
        string path = Path.Combine(folder, input.Seed.FileName);
        bool ten = input.Seed.FileName.StartsWith("10/", StringComparison.Ordinal);
        File.WriteAllBytes(path, input.Bytes);
        try
        {
            DatasetLoader.Load(Path.GetDirectoryName(path)!,
                new DatasetLoadOptions { Format = ten ? DatasetFormat.Cifar10 : DatasetFormat.Cifar100 });
        }
        finally { File.WriteAllBytes(path, (ten ? _ten : _hundred)[Path.GetFileName(path)]); }
    }
}

/// <summary>The image decode path of ConvertTo-Csk6Input and Invoke-Csk6Inference: PNG, JPEG, BMP, GIF, TGA, TIFF,
/// WebP.</summary>
public sealed class ImageTarget : FuzzTarget
{
    /// <summary>The pixel limit of the fuzzed calls: a 1 MP image decodes in milliseconds, so hangs stand
    /// out.</summary>
    public const long MaxPixels = 1 << 20;

    private static readonly InputSpec Spec = InputSpec.Create(3, 8, 8, 5, null, null);

    public override string Name => "image";

    public override IReadOnlyList<Seed> Seeds { get; } = CreateSeeds();

    private static List<Seed> CreateSeeds()
    {
        using var image = new Image<Rgb24>(12, 10);
        for (int y = 0; y < 10; y++)
            for (int x = 0; x < 12; x++) image[x, y] = new Rgb24((byte)(20 * x), (byte)(25 * y), (byte)(x * y));
        byte[] Encode(Action<Stream> save) { using var s = new MemoryStream(); save(s); return s.ToArray(); }
        return
        [
            // PNG: IHDR width and height (big-endian) at 16 and 20, the first chunk lengths.
            new("seed.png", Encode(s => image.SaveAsPng(s)),
                [new Field(16, 4), new Field(20, 4), new Field(8, 4), new Field(33, 4)], BigEndian: true),
            new("seed.jpg", Encode(s => image.SaveAsJpeg(s)), []),
            // BMP: file size, pixel offset, header size, width, height, bits per pixel (little-endian).
            new("seed.bmp", Encode(s => image.SaveAsBmp(s)),
                [
                    new Field(2, 4), new Field(10, 4), new Field(14, 4), new Field(18, 4), new Field(22, 4),
                    new Field(28, 2),
                ]),
            new("seed.gif", Encode(s => image.SaveAsGif(s)), [new Field(6, 2), new Field(8, 2)]),
            new("seed.tga", Encode(s => image.SaveAsTga(s)), [new Field(12, 2), new Field(14, 2)]),
            new("seed.tiff", Encode(s => image.SaveAsTiff(s)), [new Field(4, 4)]),
            new("seed.webp", Encode(s => image.SaveAsWebp(s)), [new Field(4, 4)]),
        ];
    }

    public override void Execute(FuzzInput input, string folder)
    {
        string path = Path.Combine(folder, input.Seed.FileName);
        File.WriteAllBytes(path, input.Bytes);
        InputPreprocessor.FromFile(path, Spec, OverflowMode.Saturate, MaxPixels);
    }
}

/// <summary>The protobuf wire format, far enough to find the varint lengths of nested messages and byte
/// strings.</summary>
internal static class Protobuf
{
    public static List<Field> LengthFields(byte[] bytes)
    {
        var fields = new List<Field>();
        Walk(bytes, 0, bytes.Length, fields, depth: 0);
        return fields;
    }

    private static bool Walk(byte[] b, int at, int end, List<Field> fields, int depth)
    {
        while (at < end)
        {
            if (!Varint(b, ref at, end, out ulong key)) return false;
            switch (key & 7)
            {
                case 0: if (!Varint(b, ref at, end, out _)) return false; break;
                case 1: at += 8; break;
                case 5: at += 4; break;
                case 2:
                    int lengthAt = at;
                    if (!Varint(b, ref at, end, out ulong length) || length > (ulong)(end - at)) return false;
                    fields.Add(new Field(lengthAt, at - lengthAt, Varint: true));
                    // kept only when the payload parses as a message (not raw tensor bytes)
                    var inner = new List<Field>();
                    if (depth < 8 && Walk(b, at, at + (int)length, inner, depth + 1)) fields.AddRange(inner);
                    at += (int)length;
                    break;
                default: return false;
            }
        }
        return at == end;
    }

    private static bool Varint(byte[] b, ref int at, int end, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && at < end; shift += 7)
        {
            byte x = b[at++];
            value |= (ulong)(x & 0x7F) << shift;
            if (x < 0x80) return true;
        }
        return false;
    }
}
