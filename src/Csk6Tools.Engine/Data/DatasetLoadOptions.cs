namespace Csk6Tools.Engine.Data;

/// <summary>The on-disk formats <see cref="DatasetLoader"/> reads;
/// Auto detects the format from the folder's files.</summary>
public enum DatasetFormat { Auto, Cifar100, Cifar10, Idx, ImageFolder }

/// <summary>Which of CIFAR-100's two labels the models learn: the 100 fine classes or the 20 superclasses.</summary>
public enum CifarLabel { Fine, Coarse }

/// <summary>The splits to read; a split not read is empty.</summary>
[Flags]
public enum DatasetSplits { Train = 1, Test = 2, Both = Train | Test }

/// <summary>How far a load has come: items of the current activity done out of total.</summary>
public sealed record DatasetProgress(string Activity, long Done, long Total);

public sealed class DatasetLoadOptions
{
    public DatasetFormat Format { get; init; } = DatasetFormat.Auto;
    public CifarLabel Label { get; init; } = CifarLabel.Fine;
    public DatasetSplits Splits { get; init; } = DatasetSplits.Both;

    /// <summary>Read only the first N training images (null: all). Subsets are deterministic.</summary>
    public int? TrainCount { get; init; }
    /// <summary>Read only the first N test images (null: all).</summary>
    public int? TestCount { get; init; }

    /// <summary>Image folders: 1 (grey-scale) or 3 (RGB); null takes what most images are.</summary>
    public int? Channels { get; init; }
    /// <summary>Image folders: resize every image to Size×Size; null takes the most common size.</summary>
    public int? Size { get; init; }
    /// <summary>Image folders without train/test subfolders: the share of each class held out for testing.</summary>
    public double TestFraction { get; init; } = 0.2;
    /// <summary>Image folders: images with more pixels are refused before they are decoded.</summary>
    public long MaxImagePixels { get; init; } = 40_000_000;

    public IProgress<DatasetProgress>? Progress { get; init; }
    /// <summary>Receives a sentence for each decision the loader
    /// makes (format found, sizes chosen, constants used).</summary>
    public Action<string>? Log { get; init; }

    internal int? CountFor(DatasetSplits split) => split == DatasetSplits.Train ? TrainCount : TestCount;
}
