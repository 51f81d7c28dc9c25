using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Csk6Tools.Engine.Data;

/// <summary>
/// Decodes untrusted image files with ImageSharp: the header is read first and oversized images are refused
/// before any pixel is decoded; multi-frame GIF and TIFF files decode only their first frame; any decoder failure
/// becomes an <see cref="ErrorIds.InvalidImage"/> error naming the file.
/// </summary>
internal static class ImageDecoding
{
    private static readonly Configuration FirstFrameOnly = CreateConfiguration();

    /// <summary>Width and height from the file's header.</summary>
    public static (int Width, int Height) Identify(string path, long maxPixels)
    {
        using var stream = Open(path);
        return Identify(stream, path, maxPixels);
    }

    /// <summary>Width and height from the header of an image read from <paramref name="stream"/>;
    /// <paramref name="path"/> names it.</summary>
    public static (int Width, int Height) Identify(Stream stream, string path, long maxPixels)
    {
        CheckBmpPixelOffset(stream, path);
        var info = Guard(path, () => Image.Identify(FirstFrameOnly, stream, out _))
                   ?? throw Invalid(path,
                       "its format is not one ImageSharp reads (PNG, JPEG, BMP, GIF, TGA, TIFF, WebP, PBM)");
        if ((long)info.Width * info.Height > maxPixels)
            throw new DatasetException(ErrorIds.ImageTooLarge,
                $"The image '{path}' is {info.Width:N0}×{info.Height:N0} = {(long)info.Width * info.Height:N0} " +
                $"pixels, more than the {maxPixels:N0} allowed; " +
                "it was not decoded (raise the limit if the image is genuine).", path);
        return (info.Width, info.Height);
    }

    /// <summary>The image resized to width×height as planar R, G, B
    /// bytes, and whether every pixel is grey (R = G = B).</summary>
    public static (byte[] Rgb, bool IsGray) DecodeRgb(string path, int width, int height)
    {
        using var stream = Open(path);
        return DecodeRgb(stream, path, width, height);
    }

    public static (byte[] Rgb, bool IsGray) DecodeRgb(Stream stream, string path, int width, int height)
    {
        using var image = Guard(path, () => Image.Load<Rgb24>(FirstFrameOnly, stream));
        if (image.Width != width || image.Height != height)
            // bilinear with antialiasing, as PIL and torchvision resize
            image.Mutate(x => x.Resize(width, height, KnownResamplers.Triangle));
        int plane = width * height;
        var rgb = new byte[3 * plane];
        bool gray = true;
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    var p = row[x];
                    int i = y * width + x;
                    (rgb[i], rgb[plane + i], rgb[2 * plane + i]) = (p.R, p.G, p.B);
                    gray &= p.R == p.G && p.G == p.B;
                }
            }
        });
        return (rgb, gray);
    }

    /// <summary>ITU-R 601-2 luma in PIL's integer form (convert('L'));
    /// exact for grey pixels (the weights sum to 2^16).</summary>
    public static byte Luma(byte r, byte g, byte b) => (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);

    /// <summary>
    /// ImageSharp 2.1's BMP decoder skips to the header's pixel-data offset by reading into a buffer that size: a
    /// 200-byte file claiming offset 2^31 made it allocate a gigabyte (found by bench/fuzz.ps1). The offset must lie in
    /// the file. The stream is left where it was.
    /// </summary>
    private static void CheckBmpPixelOffset(Stream stream, string path)
    {
        if (!stream.CanSeek) return;
        Span<byte> header = stackalloc byte[14];
        long start = stream.Position, length = stream.Length - start;
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        stream.Position = start;
        if (read < header.Length || header[0] != 'B' || header[1] != 'M') return;
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(header[10..]);
        if (offset > length)
            throw Invalid(path,
                $"it is a BMP file whose pixel data starts at byte {offset:N0}, beyond its {length:N0} bytes");
    }

    private static FileStream Open(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DatasetException(ErrorIds.DatasetFileNotFound, $"The image '{path}' does not exist.", path);
        }
    }

    private static T Guard<T>(string path, Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            // Crafted files can make decoders throw anything; the
            // user needs the file name, not the decoder's internals.
            throw Invalid(path, e.Message);
        }
    }

    private static DatasetException Invalid(string path, string reason)
        => new(ErrorIds.InvalidImage, $"The image '{path}' cannot be decoded: {reason}", path);

    private static Configuration CreateConfiguration()
    {
        var configuration = Configuration.Default.Clone();
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance,
            new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance,
            new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        return configuration;
    }
}
