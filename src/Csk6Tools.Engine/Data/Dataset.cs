namespace Csk6Tools.Engine.Data;

/// <summary>One split of a labelled image data set: uint8 images N×C×H×W (planar) and class labels.</summary>
public sealed class DatasetSplit
{
    public DatasetSplit(byte[] images, int[] labels, int channels, int height, int width)
    {
        if (images.Length != (long)labels.Length * channels * height * width)
            throw new ArgumentException($"{labels.Length} labels need " +
                $"{(long)labels.Length * channels * height * width} image bytes, got {images.Length}.");
        Images = images; Labels = labels; Channels = channels; Height = height; Width = width;
    }

    public byte[] Images { get; }
    public int[] Labels { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Count => Labels.Length;
    public int ImageBytes => Channels * Height * Width;
    public ReadOnlySpan<byte> Image(int index) => Images.AsSpan(index * ImageBytes, ImageBytes);

    /// <summary>CIFAR-100's superclass of each image (indexes
    /// <see cref="Dataset.CoarseClasses"/>); null for other data sets.</summary>
    public int[]? CoarseLabels
    {
        get => _coarseLabels;
        init
        {
            if (value is not null && value.Length != Labels.Length)
                throw new ArgumentException($"{Labels.Length} labels need as many coarse labels, got {value.Length}.");
            _coarseLabels = value;
        }
    }
    private readonly int[]? _coarseLabels;

    public override string ToString() => $"{Count} images of {Channels}×{Height}×{Width}";

    /// <summary>A split with no images, of the given shape.</summary>
    public static DatasetSplit Empty(int channels, int height, int width) => new([], [], channels, height, width);

    /// <summary>The first <paramref name="count"/> images (all of them when there are fewer).</summary>
    public DatasetSplit Take(int count)
    {
        if (count >= Count) return this;
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new DatasetSplit(Images[..(count * ImageBytes)], Labels[..count], Channels, Height, Width)
        {
            CoarseLabels = CoarseLabels?[..count],
        };
    }
}

/// <summary>
/// A labelled image data set as the training, accuracy and inference cmdlets consume it.
/// Mean and Std are per channel, for pixels scaled to [0, 1].
/// </summary>
public sealed class Dataset
{
    public required string Name { get; init; }
    public required string Source { get; init; }
    public required string[] Classes { get; init; }
    public required DatasetSplit Train { get; init; }
    public required DatasetSplit Test { get; init; }
    public required float[] Mean { get; init; }
    public required float[] Std { get; init; }

    /// <summary>CIFAR-100's 20 superclass names, which
    /// <see cref="DatasetSplit.CoarseLabels"/> index; null for other data sets.</summary>
    public string[]? CoarseClasses { get; init; }

    public int Channels => Train.Channels;
    public int Height => Train.Height;
    public int Width => Train.Width;
    public override string ToString() => $"{Name} {Channels}×{Height}×{Width}, {Classes.Length} classes, " +
        $"{Train.Count} train / {Test.Count} test";
}
