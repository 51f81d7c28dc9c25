namespace Csk6Tools.Engine.Data;

/// <summary>
/// A folder of IDX files as MNIST and Fashion-MNIST ship them: train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (or with ".idx3-ubyte"), each raw or .gz.
/// </summary>
internal static class IdxReader
{
    private const string TrainPrefix = "train", TestPrefix = "t10k";

    public static bool Holds(DatasetSource source, string folder)
        => Find(source, folder, TrainPrefix, "images", 3) is not null ||
            Find(source, folder, TestPrefix, "images", 3) is not null;

    /// <summary>Reads the folder; without <paramref name="classes"/> the
    /// folder's name decides between Fashion-MNIST and MNIST.</summary>
    public static DatasetParts Read(DatasetSource source, string folder, DatasetLoadOptions options,
        CancellationToken cancel,
        string? name = null, string[]? classes = null)
    {
        bool fashion = source.FolderName(folder).Contains("fashion", StringComparison.OrdinalIgnoreCase);
        name ??= fashion ? "Fashion-MNIST" : "MNIST";
        classes ??= fashion ? FashionMnist.Classes : Enumerable.Range(0, 10).Select(d => d.ToString()).ToArray();

        var train = options.Splits.HasFlag(DatasetSplits.Train)
            ? ReadSplit(source, folder, TrainPrefix, options, classes, cancel)
            : null;
        var test = options.Splits.HasFlag(DatasetSplits.Test)
            ? ReadSplit(source, folder, TestPrefix, options, classes, cancel)
            : null;
        var shape = train ?? test!;
        if (train is not null && test is not null && (train.Height, train.Width) != (test.Height, test.Width))
            throw new DatasetException(ErrorIds.DatasetCountMismatch,
                $"The training images in '{source.Describe(folder)}' are {train.Height}×{train.Width} but the test " +
                $"images {test.Height}×{test.Width}.", source.Describe(folder));
        return new DatasetParts(name, classes,
            train ?? DatasetSplit.Empty(1, shape.Height, shape.Width),
            test ?? DatasetSplit.Empty(1, shape.Height, shape.Width));
    }

    private static DatasetSplit ReadSplit(DatasetSource source, string folder, string prefix,
        DatasetLoadOptions options, string[] classes, CancellationToken cancel)
    {
        var split = prefix == TrainPrefix ? DatasetSplits.Train : DatasetSplits.Test;
        string images = Find(source, folder, prefix, "images", 3) ?? Missing(source, folder, prefix, "images", 3);
        string labels = Find(source, folder, prefix, "labels", 1) ?? Missing(source, folder, prefix, "labels", 1);
        (int[] Dims, byte[] Data) Read(string path, uint magic)
        {
            (int[], byte[]) result = default;
            source.Read([path],
                (_, stream) => result = IdxFile.Read(stream, source.Describe(path), magic, options.CountFor(split),
                $"Reading {DatasetSource.LastPart(path)}", options.Progress, cancel), cancel);
            return result;
        }
        var (dims, imageBytes) = Read(images, IdxFile.ImagesMagic);
        var (labelDims, labelBytes) = Read(labels, IdxFile.LabelsMagic);
        string imagesPath = source.Describe(images), labelsPath = source.Describe(labels);
        if (labelDims[0] != dims[0])
            throw new DatasetException(ErrorIds.DatasetCountMismatch,
                $"'{imagesPath}' holds {dims[0]:N0} images but '{labelsPath}' {labelDims[0]:N0} labels (the count at " +
                $"byte offset 4 of each).", labelsPath, 4);

        var labelValues = new int[labelBytes.Length];
        for (int i = 0; i < labelValues.Length; i++)
        {
            if (labelBytes[i] >= classes.Length)
                throw new DatasetException(ErrorIds.LabelOutOfRange,
                    $"'{labelsPath}' has label {labelBytes[i]} at byte offset {8 + i:N0}, but there are only " +
                    $"{classes.Length} classes (0–{classes.Length - 1}).",
                    labelsPath, 8 + i);
            labelValues[i] = labelBytes[i];
        }
        return new DatasetSplit(imageBytes, labelValues, 1, dims[1], dims[2]);
    }

    private static string? Find(DatasetSource source, string folder, string prefix, string kind, int dimensions)
    {
        string[] names = [$"{prefix}-{kind}-idx{dimensions}-ubyte", $"{prefix}-{kind}.idx{dimensions}-ubyte"];
        return names.SelectMany(n => new[] { n, n + ".gz" })
            .Select(n => DatasetSource.Join(folder, n))
            .FirstOrDefault(source.FileExists);
    }

    private static string Missing(DatasetSource source, string folder, string prefix, string kind, int dimensions)
        => throw new DatasetException(ErrorIds.DatasetFileNotFound,
            $"'{source.Describe(folder)}' has no {prefix}-{kind}-idx{dimensions}-ubyte (or .gz) file.",
            source.Describe(DatasetSource.Join(folder, $"{prefix}-{kind}-idx{dimensions}-ubyte")));
}
