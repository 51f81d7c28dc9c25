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
        var info = Guard(path, () => Image.Identify(FirstFrameOnly, path, out _))
                   ?? throw Invalid(path, "its format is not one ImageSharp reads (PNG, JPEG, BMP, GIF, TGA, TIFF, WebP, PBM)");
        if ((long)info.Width * info.Height > maxPixels)
            throw new DatasetException(ErrorIds.ImageTooLarge,
                $"The image '{path}' is {info.Width:N0}×{info.Height:N0} = {(long)info.Width * info.Height:N0} pixels, more than the {maxPixels:N0} allowed; " +
                "it was not decoded (raise the limit if the image is genuine).", path);
        return (info.Width, info.Height);
    }

    /// <summary>The image resized to width×height as planar R, G, B bytes, and whether every pixel is grey (R = G = B).</summary>
    public static (byte[] Rgb, bool IsGray) DecodeRgb(string path, int width, int height)
    {
        using var image = Guard(path, () => Image.Load<Rgb24>(FirstFrameOnly, path));
        if (image.Width != width || image.Height != height)
            image.Mutate(x => x.Resize(width, height, KnownResamplers.Triangle)); // bilinear with antialiasing, as PIL and torchvision resize
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

    /// <summary>ITU-R 601-2 luma in PIL's integer form (convert('L')); exact for grey pixels (the weights sum to 2^16).</summary>
    public static byte Luma(byte r, byte g, byte b) => (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);

    private static T Guard<T>(string path, Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            // Crafted files can make decoders throw anything; the user needs the file name, not the decoder's internals.
            throw Invalid(path, e.Message);
        }
    }

    private static DatasetException Invalid(string path, string reason)
        => new(ErrorIds.InvalidImage, $"The image '{path}' cannot be decoded: {reason}", path);

    private static Configuration CreateConfiguration()
    {
        var configuration = Configuration.Default.Clone();
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        return configuration;
    }
}
