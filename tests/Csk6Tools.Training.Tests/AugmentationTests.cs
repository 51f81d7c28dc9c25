namespace Csk6Tools.Training.Tests;

/// <summary>Each transform of the training augmentation on its own, on a 2-channel 6×8 image with distinct
/// pixels.</summary>
public class AugmentationTests
{
    private const int C = 2, H = 6, W = 8;
    private static readonly byte[] Image = Enumerable.Range(0, C * H * W).Select(i => (byte)(3 * i + 1)).ToArray();
    private static readonly float[] Mean = [0f, 0f], Std = [1f, 1f];   // normalized value = byte / 255

    private static float[] Apply(Augmentations kinds, int seed)
    {
        var output = new float[C * H * W];
        Augmentation.Apply(Image, C, H, W, Mean, Std, kinds, new Random(seed), output);
        return output;
    }

    private static float Pixel(int c, int y, int x) =>
        y is >= 0 and < H && x is >= 0 and < W ? Image[(c * H + y) * W + x] / 255f : 0f;

    private static float[] Transformed(Func<int, int, (int Y, int X)> source)
    {
        var result = new float[C * H * W];
        for (int c = 0; c < C; c++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                {
                    var (sy, sx) = source(y, x);
                    result[(c * H + y) * W + x] = Pixel(c, sy, sx);
                }
        return result;
    }

    [Fact]
    public void NoneKeepsTheImage() => Assert.Equal(Transformed((y, x) => (y, x)), Apply(Augmentations.None, 1));

    [Fact]
    public void FlipAloneMirrorsOrKeeps()
    {
        var identity = Transformed((y, x) => (y, x));
        var mirror = Transformed((y, x) => (y, W - 1 - x));
        var seen = Enumerable.Range(0, 40).Select(seed => Apply(Augmentations.Flip, seed)).ToList();
        Assert.All(seen, o => Assert.True(o.SequenceEqual(identity) || o.SequenceEqual(mirror)));
        Assert.Contains(seen, o => o.SequenceEqual(mirror));
        Assert.Contains(seen, o => o.SequenceEqual(identity));
    }

    private static readonly (int Dy, int Dx)[] Shifts =
        [.. from dy in Enumerable.Range(-4, 9) from dx in Enumerable.Range(-4, 9) select (dy, dx)];

    private static (int Dy, int Dx) ShiftOf(float[] output) =>
        Shifts.Single(s => Transformed((y, x) => (y + s.Dy, x + s.Dx)).SequenceEqual(output));

    [Fact]
    public void CropAloneShiftsByAtMostFourWithZeroFill()
    {
        var drawn = Enumerable.Range(0, 200).Select(seed => ShiftOf(Apply(Augmentations.Crop, seed))).ToHashSet();
        Assert.True(drawn.Count > 40, $"{drawn.Count} of 81 shifts drawn in 200 images");
    }

    [Fact]
    public void EachTransformSeesTheSameDrawsInEveryCombination()
    {
        for (int seed = 0; seed < 40; seed++)
        {
            bool flipped = !Apply(Augmentations.Flip, seed).SequenceEqual(Apply(Augmentations.None, seed));
            var (dy, dx) = ShiftOf(Apply(Augmentations.Crop, seed));
            // The inverse mapping mirrors the source column, then adds the crop offset.
            var expected = Transformed((y, x) => (y + dy, (flipped ? W - 1 - x : x) + dx));
            Assert.Equal(expected, Apply(Augmentations.Crop | Augmentations.Flip, seed));
        }
    }
}
