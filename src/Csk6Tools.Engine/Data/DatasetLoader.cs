namespace Csk6Tools.Engine.Data;

/// <summary>Reads a labelled image data set from a folder: CIFAR-100 or CIFAR-10 binary, IDX (MNIST, Fashion-MNIST) or an image folder.</summary>
public static class DatasetLoader
{
    public static Dataset Load(string folder, DatasetLoadOptions options, CancellationToken cancel = default)
    {
        if (options.Channels is not (null or 1 or 3))
            throw new ArgumentException($"Channels must be 1 (grey-scale) or 3 (RGB), got {options.Channels}.", nameof(options));
        if (options.TestFraction is < 0 or >= 1 or double.NaN)
            throw new ArgumentException($"TestFraction must be at least 0 and below 1, got {options.TestFraction}.", nameof(options));
        if (File.Exists(folder))
            folder = Path.GetDirectoryName(Path.GetFullPath(folder))!;
        if (!Directory.Exists(folder))
            throw new DatasetException(ErrorIds.DatasetFileNotFound, $"The data set folder '{folder}' does not exist.", folder);

        var format = options.Format;
        if (format == DatasetFormat.Auto)
        {
            format = DatasetFormatDetector.Detect(folder) ?? throw new DatasetException(ErrorIds.UnknownDatasetFormat,
                $"'{folder}' holds no data set this module reads: expected CIFAR-100 binary ({Cifar100Reader.TrainFile}, {Cifar100Reader.TestFile}), " +
                $"CIFAR-10 binary ({Cifar10Reader.FirstTrainFile} … {Cifar10Reader.TestFile}), IDX files (train-images-idx3-ubyte[.gz] …) " +
                "or one subfolder of images per class.", folder);
            options.Log?.Invoke($"'{folder}' holds a {format} data set.");
        }
        var parts = format switch
        {
            DatasetFormat.Cifar100 => Cifar100Reader.Read(folder, options, cancel),
            DatasetFormat.Cifar10 => Cifar10Reader.Read(folder, options, cancel),
            DatasetFormat.Idx => IdxReader.Read(folder, options, cancel),
            DatasetFormat.ImageFolder => ImageFolderReader.Read(folder, options, cancel),
            _ => throw new ArgumentOutOfRangeException(nameof(options), format, "Unknown data set format."),
        };
        return Complete(parts, folder, options);
    }

    /// <summary>Fashion-MNIST where Debian's dataset-fashion-mnist package installs it.</summary>
    public static Dataset LoadFashionMnist(DatasetLoadOptions options, CancellationToken cancel = default)
        => LoadFashionMnist(FashionMnist.DebianFolder, options, cancel);

    internal static Dataset LoadFashionMnist(string folder, DatasetLoadOptions options, CancellationToken cancel)
    {
        if (!Directory.Exists(folder))
            throw new DatasetException(ErrorIds.DatasetNotInstalled,
                $"Fashion-MNIST is not installed: {folder} does not exist. Install Debian's package with 'apt-get install {FashionMnist.DebianPackage}' " +
                "(as root), or pass the folder that holds the four IDX files as -Path.", folder);
        return Complete(IdxReader.Read(folder, options, cancel, "Fashion-MNIST", FashionMnist.Classes), folder, options);
    }

    private static Dataset Complete(DatasetParts parts, string folder, DatasetLoadOptions options)
    {
        var (mean, std) = parts.Normalization ?? ComputeNormalization(parts, options);
        if (parts.Normalization is not null)
            options.Log?.Invoke($"{parts.Name} normalization: the published training-set constants (mean {Format(mean)}, std {Format(std)}).");
        options.Log?.Invoke($"{parts.Name}: {parts.Train.Count:N0} training and {parts.Test.Count:N0} test images of {parts.Train.Channels}×{parts.Train.Height}×{parts.Train.Width}, {parts.Classes.Length} classes.");
        return new Dataset
        {
            Name = parts.Name,
            Source = Path.GetFullPath(folder),
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
        options.Log?.Invoke($"Normalization computed over the {split.Count:N0} {name} images: mean {Format(mean)}, std {Format(std)}.");
        return (mean, std);
    }

    private static string Format(float[] values) => string.Join(", ", values.Select(v => v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)));
}
