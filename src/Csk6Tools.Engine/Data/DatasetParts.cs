namespace Csk6Tools.Engine.Data;

/// <summary>What a format reader returns; <see cref="DatasetLoader"/> adds the normalization constants.</summary>
internal sealed record DatasetParts(string Name, string[] Classes, DatasetSplit Train, DatasetSplit Test)
{
    public string[]? CoarseClasses { get; init; }
    /// <summary>Published constants for this data set; null means they are computed from the images.</summary>
    public (float[] Mean, float[] Std)? Normalization { get; init; }

    /// <summary>Reads a split when the options ask for it, else returns it empty.</summary>
    public static DatasetSplit ReadIf(DatasetLoadOptions options, DatasetSplits split, Func<DatasetSplit> read,
        int channels, int height, int width)
        => options.Splits.HasFlag(split) ? read() : DatasetSplit.Empty(channels, height, width);
}
