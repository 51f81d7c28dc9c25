using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Quant;

namespace Csk6Tools.Engine.Imaging;

/// <summary>How values beyond int8 are stored: clamped, or
/// wrapped as the reference script's astype(int8) does.</summary>
public enum OverflowMode { Saturate, Wrap }

/// <summary>An image made into a package input: the raw bytes and how many values left the int8 range.</summary>
public sealed record PreparedInput(string Source, InputSpec Spec, byte[] Bytes, int OutOfRange, OverflowMode Overflow)
{
    public string? Path { get; init; }

    public override string ToString() => $"{System.IO.Path.GetFileName(Source)}: {Spec}";
}

/// <summary>
/// Image to input.bin as LISTENAI's preprocessing does it: resize (bilinear with antialiasing), pixels to [0, 1],
/// normalize per channel, q = floor(x · 2^Q + 0.5), then saturate (or wrap, to match old reference files).
/// </summary>
public static class InputPreprocessor
{
    /// <summary>The default pixel limit against decompression bombs: 40 megapixels.</summary>
    public const long DefaultMaxPixels = 40_000_000;

    /// <summary>Whether a file is an image by its extension (jpg, png,
    /// bmp, gif, webp, tga, tiff, pbm …), else a raw tensor.</summary>
    public static bool IsImageFile(string path) => ImageFolderLayout.IsImage(path);

    public static PreparedInput FromFile(string path, InputSpec spec, OverflowMode overflow = OverflowMode.Saturate,
        long maxPixels = DefaultMaxPixels)
    {
        ImageDecoding.Identify(path, maxPixels);
        var (rgb, _) = ImageDecoding.DecodeRgb(path, spec.Width, spec.Height);
        return FromPlanar(path, rgb, 3, spec, overflow);
    }

    /// <summary>From planar pixels (1 or 3 channels) already at the
    /// input size; grey is replicated, RGB made grey by luma.</summary>
    public static PreparedInput FromPlanar(string source, ReadOnlySpan<byte> pixels, int pixelChannels,
        InputSpec spec, OverflowMode overflow)
    {
        int plane = spec.Height * spec.Width;
        if (pixelChannels is not (1 or 3) || pixels.Length != pixelChannels * plane)
            throw new ArgumentException($"Expected {pixelChannels}×{spec.Height}×{spec.Width} planar pixels, got " +
                $"{pixels.Length} bytes.");
        var output = new byte[spec.Bytes];
        int outOfRange = 0;
        for (int c = 0; c < spec.Channels; c++)
            for (int i = 0; i < plane; i++)
            {
                int pixel = pixelChannels == spec.Channels ? pixels[c * plane + i]
                    : pixelChannels == 1 ? pixels[i]
                    : ImageDecoding.Luma(pixels[i], pixels[plane + i], pixels[2 * plane + i]);
                float x = (pixel / 255f - spec.Mean[c]) / spec.Std[c];
                long q = Int8Arithmetic.QuantizeUnsaturated(x, spec.Exponent);
                if (q is > 127 or < -128) outOfRange++;
                output[c * plane + i] =
                    (byte)(overflow == OverflowMode.Wrap ? (sbyte)unchecked((byte)q) : Int8Arithmetic.Sat8(q));
            }
        return new PreparedInput(source, spec, output, outOfRange, overflow);
    }
}
