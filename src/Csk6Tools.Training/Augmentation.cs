namespace Csk6Tools.Training;

/// <summary>The random transforms applied to training images;
/// <see cref="Standard"/> is pytorch-cifar100's set.</summary>
[Flags]
public enum Augmentations
{
    None = 0,
    /// <summary>RandomCrop(size, padding 4): a shift of up to 4 pixels, zero fill.</summary>
    Crop = 1,
    /// <summary>RandomHorizontalFlip (wrong for digits and text).</summary>
    Flip = 2,
    /// <summary>RandomRotation(15°), nearest sampling, zero fill.</summary>
    Rotate = 4,
    Standard = Crop | Flip | Rotate,
}

/// <summary>
/// pytorch-cifar100's training transform in one inverse mapping per pixel: RandomCrop(size, padding 4),
/// RandomHorizontalFlip, RandomRotation(15°) with nearest sampling and zero fill, then ToTensor and Normalize; each
/// transform can be left out. Works for any channel count.
/// </summary>
internal static class Augmentation
{
    public const int Padding = 4;
    public const double MaxDegrees = 15;

    /// <summary>
    /// Writes one normalized image (C×H×W floats) into <paramref name="output"/>. Every image draws the same four
    /// numbers whichever transforms are on, so each transform sees the same draws in every combination.
    /// </summary>
    public static void Apply(ReadOnlySpan<byte> image, int channels, int height, int width, float[] mean, float[] std,
        Augmentations kinds, Random? random, Span<float> output)
    {
        int dy = 0, dx = 0;
        bool flip = false;
        double cos = 1, sin = 0;
        if (random is not null && kinds != Augmentations.None)
        {
            int shiftY = random.Next(2 * Padding + 1) - Padding, shiftX = random.Next(2 * Padding + 1) - Padding;
            bool mirror = random.NextDouble() < 0.5;
            double angle = (random.NextDouble() * 2 - 1) * MaxDegrees * Math.PI / 180;
            if (kinds.HasFlag(Augmentations.Crop)) (dy, dx) = (shiftY, shiftX);
            flip = mirror && kinds.HasFlag(Augmentations.Flip);
            if (kinds.HasFlag(Augmentations.Rotate)) (sin, cos) = Math.SinCos(angle);
        }
        double cy = (height - 1) / 2.0, cx = (width - 1) / 2.0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                // Rotation about the centre (inverse), then the flip, then the crop offset into the zero-padded image.
                int sy = (int)Math.Round(cy + (y - cy) * cos - (x - cx) * sin, MidpointRounding.ToEven);
                int sx = (int)Math.Round(cx + (y - cy) * sin + (x - cx) * cos, MidpointRounding.ToEven);
                bool inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
                if (flip) sx = width - 1 - sx;
                sy += dy;
                sx += dx;
                inside &= sy >= 0 && sy < height && sx >= 0 && sx < width;
                for (int c = 0; c < channels; c++)
                {
                    float pixel = inside ? image[(c * height + sy) * width + sx] / 255f : 0f;
                    output[(c * height + y) * width + x] = (pixel - mean[c]) / std[c];
                }
            }
        }
    }
}
