namespace Csk6Tools.Engine.Data;

/// <summary>
/// A folder of image files, one subfolder per class (see <see cref="ImageFolderLayout"/>), decoded and resized to
/// one size with ImageSharp. The size and the channel count are the options' or, by default, what most images have.
/// </summary>
internal static class ImageFolderReader
{
    public static DatasetParts Read(DatasetSource source, string root, DatasetLoadOptions options,
        CancellationToken cancel)
    {
        var layout = ImageFolderLayout.Find(source, root, options.TestFraction);
        var train = Select(layout.Train, options, DatasetSplits.Train);
        var test = Select(layout.Test, options, DatasetSplits.Test);
        var files = train.Concat(test).ToArray();
        if (files.Length == 0)
            throw new DatasetException(ErrorIds.UnknownDatasetFormat,
                $"'{source.Describe(root)}' has no image files in the splits asked for.", source.Describe(root));
        options.Log?.Invoke(layout.HasSplitFolders
            ? $"{layout.Classes.Length} classes from the train and test folders of '{source.Describe(root)}'."
            : $"{layout.Classes.Length} classes in '{source.Describe(root)}' and no train/test folders: " +
                $"{options.TestFraction:P0} of each class held out for testing ({layout.Test.Count} of " +
                $"{layout.Train.Count + layout.Test.Count} images).");

        var (width, height) = ChooseSize(source, files, options, cancel);
        var decoded = new (byte[] Rgb, bool IsGray)[files.Length];
        int done = 0;
        source.Read(files.Select(f => f.Path).ToList(), (i, stream) =>
        {
            decoded[i] = ImageDecoding.DecodeRgb(Buffered(stream), source.Describe(files[i].Path), width, height);
            options.Progress?.Report(new DatasetProgress("Decoding images", ++done, files.Length));
        }, cancel);
        int grey = decoded.Count(d => d.IsGray);
        int channels = options.Channels ?? (2 * grey > files.Length ? 1 : 3);
        if (options.Channels is null)
            options.Log?.Invoke($"{channels} channel(s): {grey} of {files.Length} images are grey-scale.");

        return new DatasetParts(source.FolderName(root), layout.Classes,
            ToSplit(train, decoded.AsSpan(0, train.Count), channels, height, width),
            ToSplit(test, decoded.AsSpan(train.Count), channels, height, width));
    }

    /// <summary>The file's bytes in memory: an archive's damage then
    /// surfaces as such, not as an image the decoder rejects.</summary>
    private static MemoryStream Buffered(Stream stream)
    {
        var memory = new MemoryStream();
        stream.CopyTo(memory);
        memory.Position = 0;
        return memory;
    }

    private static List<LabelledFile> Select(IReadOnlyList<LabelledFile> files,
        DatasetLoadOptions options, DatasetSplits split)
        => options.Splits.HasFlag(split) ? files.Take(options.CountFor(split) ?? int.MaxValue).ToList() : [];

    /// <summary>Reads every header (refusing oversized images before decoding any) and picks the size.</summary>
    private static (int Width, int Height) ChooseSize(DatasetSource source, LabelledFile[] files,
        DatasetLoadOptions options, CancellationToken cancel)
    {
        var sizes = new (int Width, int Height)[files.Length];
        int done = 0;
        source.Read(files.Select(f => f.Path).ToList(), (i, stream) =>
        {
            sizes[i] = ImageDecoding.Identify(Buffered(stream), source.Describe(files[i].Path), options.MaxImagePixels);
            options.Progress?.Report(new DatasetProgress("Reading image headers", ++done, files.Length));
        }, cancel);
        if (options.Size is int side) return (side, side);
        var common = sizes.GroupBy(s => s).MaxBy(g => g.Count())!;
        options.Log?.Invoke($"Images resized to {common.Key.Width}×{common.Key.Height}, the size of {common.Count()} " +
            $"of {files.Length} images.");
        return common.Key;
    }

    private static DatasetSplit ToSplit(List<LabelledFile> files, ReadOnlySpan<(byte[] Rgb, bool IsGray)> decoded,
        int channels, int height, int width)
    {
        int plane = height * width, imageBytes = channels * plane;
        var images = new byte[files.Count * imageBytes];
        for (int i = 0; i < files.Count; i++)
        {
            var rgb = decoded[i].Rgb;
            var target = images.AsSpan(i * imageBytes, imageBytes);
            if (channels == 3) rgb.CopyTo(target);
            else ToGray(rgb, plane, target);
        }
        return new DatasetSplit(images, files.Select(f => f.Label).ToArray(), channels, height, width);
    }

    private static void ToGray(byte[] rgb, int plane, Span<byte> target)
    {
        for (int i = 0; i < plane; i++) target[i] = ImageDecoding.Luma(rgb[i], rgb[plane + i], rgb[2 * plane + i]);
    }
}
