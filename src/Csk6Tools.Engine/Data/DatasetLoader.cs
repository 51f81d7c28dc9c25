namespace Csk6Tools.Engine.Data;

/// <summary>Reads a labelled image data set from a folder: CIFAR-100 or
/// CIFAR-10 binary, IDX (MNIST, Fashion-MNIST) or an image folder.</summary>
public static class DatasetLoader
{
    /// <summary>
    /// Reads a data set from a folder, from a folder one level down (the folder a download was extracted into), or
    /// from an archive as downloaded (cifar-100-binary.tar.gz, cifar-10-binary.tar.gz, a .tar.gz or .zip of an image
    /// folder) without extracting it.
    /// </summary>
    public static Dataset Load(string path, DatasetLoadOptions options, CancellationToken cancel = default)
    {
        if (options.Channels is not (null or 1 or 3))
            throw new ArgumentException($"Channels must be 1 (grey-scale) or 3 (RGB), got {options.Channels}.",
                nameof(options));
        if (options.TestFraction is < 0 or >= 1 or double.NaN)
            throw new ArgumentException($"TestFraction must be at least 0 and below 1, got {options.TestFraction}.",
                nameof(options));
        using var source = DatasetSource.Open(path, cancel);
        var (root, format) = FindRoot(source, options);
        if (options.Format == DatasetFormat.Auto)
            options.Log?.Invoke($"'{source.Describe(root)}' holds a {format} data set.");
        var parts = format switch
        {
            DatasetFormat.Cifar100 => Cifar100Reader.Read(source, root, options, cancel),
            DatasetFormat.Cifar10 => Cifar10Reader.Read(source, root, options, cancel),
            DatasetFormat.Idx => IdxReader.Read(source, root, options, cancel),
            DatasetFormat.ImageFolder => ImageFolderReader.Read(source, root, options, cancel),
            _ => throw new ArgumentOutOfRangeException(nameof(options), format, "Unknown data set format."),
        };
        return Complete(parts, source.Describe(root), options);
    }

    /// <summary>The folder inside the source that holds the data
    /// set: the top, else the one subfolder that holds one.</summary>
    private static (string Root, DatasetFormat Format) FindRoot(DatasetSource source, DatasetLoadOptions options)
    {
        bool Wanted(DatasetFormat f) => options.Format == DatasetFormat.Auto || f == options.Format;
        if (DatasetFormatDetector.Detect(source, "") is { } top && Wanted(top)) return ("", top);
        var below = source.Directories("").Select(d => (Root: d, Format: DatasetFormatDetector.Detect(source, d)))
            .Where(x => x.Format is { } f && Wanted(f)).Select(x => (x.Root, Format: x.Format!.Value)).ToList();
        if (below.Count == 1) return below[0];
        if (below.Count > 1)
            throw new DatasetException(ErrorIds.AmbiguousDataset,
                $"'{source.Location}' holds several data sets one level down: " +
                $"{string.Join(", ", below.Select(b => $"{DatasetSource.LastPart(b.Root)} ({b.Format})"))}; " +
                $"give the path of one.",
                source.Location);
        if (options.Format != DatasetFormat.Auto) return ("", options.Format); // its reader names the file it misses
        throw new DatasetException(ErrorIds.UnknownDatasetFormat,
            $"'{source.Location}' holds no data set this module reads, neither at its top nor one folder down: " +
            $"expected CIFAR-100 binary " +
            $"({Cifar100Reader.TrainFile}, {Cifar100Reader.TestFile}), CIFAR-10 binary " +
            $"({Cifar10Reader.FirstTrainFile} … {Cifar10Reader.TestFile}), " +
            "IDX files (train-images-idx3-ubyte[.gz] …) or one subfolder of images per class; as a folder, a " +
            ".tar.gz/.tgz/.tar or a .zip.",
            source.Location);
    }

    /// <summary>Fashion-MNIST where Debian's dataset-fashion-mnist package installs it.</summary>
    public static Dataset LoadFashionMnist(DatasetLoadOptions options, CancellationToken cancel = default)
        => LoadFashionMnist(FashionMnist.DebianFolder, options, cancel);

    internal static Dataset LoadFashionMnist(string folder, DatasetLoadOptions options, CancellationToken cancel)
    {
        if (!Directory.Exists(folder))
            throw new DatasetException(ErrorIds.DatasetNotInstalled,
                $"Fashion-MNIST is not installed: {folder} does not exist. Install Debian's package with 'apt-get " +
                $"install {FashionMnist.DebianPackage}' " +
                "(as root), or pass the folder that holds the four IDX files as -Path.", folder);
        using var source = new FolderSource { Location = Path.GetFullPath(folder) };
        return Complete(IdxReader.Read(source, "", options, cancel, "Fashion-MNIST", FashionMnist.Classes),
            source.Location, options);
    }

    private static Dataset Complete(DatasetParts parts, string source, DatasetLoadOptions options)
    {
        var (mean, std) = parts.Normalization ?? ComputeNormalization(parts, options);
        if (parts.Normalization is not null)
            options.Log?.Invoke($"{parts.Name} normalization: the published training-set constants (mean " +
                $"{Format(mean)}, std {Format(std)}).");
        options.Log?.Invoke($"{parts.Name}: {parts.Train.Count:N0} training and {parts.Test.Count:N0} test images of " +
            $"{parts.Train.Channels}×{parts.Train.Height}×{parts.Train.Width}, {parts.Classes.Length} classes.");
        return new Dataset
        {
            Name = parts.Name,
            Source = source,
            Classes = parts.Classes,
            CoarseClasses = parts.CoarseClasses,
            Train = parts.Train,
            Test = parts.Test,
            Mean = mean,
            Std = std,
        };
    }

    private static (float[] Mean, float[] Std) ComputeNormalization(DatasetParts parts, DatasetLoadOptions options)
    {
        var (split, name) = parts.Train.Count > 0 ? (parts.Train, "training") : (parts.Test, "test");
        var (mean, std) = ChannelStatistics.Compute(split);
        options.Log?.Invoke($"Normalization computed over the {split.Count:N0} {name} images: mean " +
            $"{Format(mean)}, std {Format(std)}.");
        return (mean, std);
    }

    private static string Format(float[] values) =>
        string.Join(", ", values.Select(v => v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)));
}
