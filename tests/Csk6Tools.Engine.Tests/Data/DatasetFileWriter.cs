using System.Buffers.Binary;
using System.IO.Compression;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Csk6Tools.Engine.Tests.Data;

/// <summary>A temporary folder, deleted afterwards, with writers for each data set format exactly as it is laid out on
/// disk.</summary>
internal sealed class DatasetFileWriter : IDisposable
{
    public DatasetFileWriter() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "csk6-dataset-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The file's path under <see cref="Root"/>; its folder is created.</summary>
    public string PathOf(string name)
    {
        string path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Pixel value of image i, channel c, pixel p: varied and easy to check.</summary>
    public static byte Pixel(int i, int c, int p) => (byte)((i * 31 + c * 85 + p * 7) % 256);

    public static byte[] Image(int i, int channels, int pixels)
        => Enumerable.Range(0, channels * pixels).Select(k => Pixel(i, k / pixels, k % pixels)).ToArray();

    /// <summary>CIFAR-100 binary: per record coarse label, fine label, 3,072 planar pixels.</summary>
    public void WriteCifar100(string file, int count, Func<int, int> fine, Func<int, int> coarse)
        => File.WriteAllBytes(PathOf(file), Enumerable.Range(0, count)
            .SelectMany(i => new[] { (byte)coarse(i), (byte)fine(i) }.Concat(Image(i, 3, 1024))).ToArray());

    /// <summary>CIFAR-10 binary: per record one label, 3,072 planar pixels; image numbers start at
    /// <paramref name="first"/>.</summary>
    public void WriteCifar10(string file, int first, int count, Func<int, int> label)
        => File.WriteAllBytes(PathOf(file), Enumerable.Range(first, count)
            .SelectMany(i => new[] { (byte)label(i) }.Concat(Image(i, 3, 1024))).ToArray());

    public void WriteLines(string file, IEnumerable<string> lines) => File.WriteAllLines(PathOf(file), lines);

    public static byte[] IdxHeader(uint magic, params int[] dims)
    {
        var header = new byte[4 + 4 * dims.Length];
        BinaryPrimitives.WriteUInt32BigEndian(header, magic);
        for (int d = 0; d < dims.Length; d++)
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + 4 * d), (uint)dims[d]);
        return header;
    }

    public void WriteIdxImages(string file, int count, int rows, int cols, bool gzip)
        => Write(file, IdxHeader(0x803, count, rows, cols)
            .Concat(Enumerable.Range(0, count).SelectMany(i => Image(i, 1, rows * cols)))
            .ToArray(), gzip);

    public void WriteIdxLabels(string file, int count, Func<int, int> label, bool gzip)
        => Write(file, IdxHeader(0x801, count)
            .Concat(Enumerable.Range(0, count).Select(i => (byte)label(i)))
            .ToArray(), gzip);

    public void Write(string file, byte[] bytes, bool gzip = false)
    {
        string path = PathOf(file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!gzip) { File.WriteAllBytes(path, bytes); return; }
        using var stream = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        stream.Write(bytes);
    }

    /// <summary>A .tar.gz (or .tar) of <paramref name="folder"/> with the folder itself as the top entry, as downloads
    /// are made.</summary>
    public string TarGz(string folder, string archive, bool gzip = true)
    {
        string path = PathOf(archive);
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        System.Formats.Tar.TarFile.CreateFromDirectory(PathOf(folder + "/x")[..^2], stream, includeBaseDirectory: true);
        return path;
    }

    /// <summary>A .zip of <paramref name="folder"/> with the folder itself as the top entry.</summary>
    public string Zip(string folder, string archive)
    {
        string path = PathOf(archive);
        ZipFile.CreateFromDirectory(PathOf(folder + "/x")[..^2], path, CompressionLevel.Fastest,
            includeBaseDirectory: true);
        return path;
    }

    /// <summary>A PNG whose every pixel is <paramref name="color"/>.</summary>
    public void WritePng(string file, int width, int height, Rgb24 color)
    {
        string path = PathOf(file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(width, height, color);
        image.SaveAsPng(path);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
