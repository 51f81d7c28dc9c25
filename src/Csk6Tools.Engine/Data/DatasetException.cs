namespace Csk6Tools.Engine.Data;

/// <summary>
/// A data set that cannot be read: a missing or unknown file, a truncated record, a label out of range.
/// The message names the file and, for bad contents, the byte offset; <see cref="ErrorId"/> is stable
/// (one of <see cref="DatasetErrorIds"/>) so that scripts can match on it.
/// </summary>
public sealed class DatasetException(string errorId, string message, string? path = null, long? offset = null)
    : Exception(message)
{
    public string ErrorId { get; } = errorId;

    /// <summary>The file or folder at fault.</summary>
    public string? Path { get; } = path;

    /// <summary>Where in the file (in its decompressed bytes for a .gz file) the problem starts.</summary>
    public long? Offset { get; } = offset;
}

/// <summary>The error ids a <see cref="DatasetException"/> carries.</summary>
public static class DatasetErrorIds
{
    /// <summary>The path, or a file the format needs, does not exist.</summary>
    public const string DatasetFileNotFound = nameof(DatasetFileNotFound);
    /// <summary>A known data set (-Name) is not installed; the message names the Debian package.</summary>
    public const string DatasetNotInstalled = nameof(DatasetNotInstalled);
    /// <summary>The folder holds no data set in a format this module reads.</summary>
    public const string UnknownDatasetFormat = nameof(UnknownDatasetFormat);
    /// <summary>A file (or an archive) ends inside a record, an entry, or before the data its header promises.</summary>
    public const string TruncatedDatasetFile = nameof(TruncatedDatasetFile);
    /// <summary>A folder or archive that holds several data sets one level down: the path must name one.</summary>
    public const string AmbiguousDataset = nameof(AmbiguousDataset);
    /// <summary>A header that is not what the format requires (IDX magic, dimensions).</summary>
    public const string InvalidDatasetHeader = nameof(InvalidDatasetHeader);
    /// <summary>A compressed file or an archive that does not decompress or whose structure is broken; the message names the entry.</summary>
    public const string CorruptDatasetFile = nameof(CorruptDatasetFile);
    /// <summary>A label is not below the number of classes.</summary>
    public const string LabelOutOfRange = nameof(LabelOutOfRange);
    /// <summary>An image file and its label file disagree on the number of items, or splits on the image size.</summary>
    public const string DatasetCountMismatch = nameof(DatasetCountMismatch);
    /// <summary>An image file that cannot be decoded.</summary>
    public const string InvalidImage = nameof(InvalidImage);
    /// <summary>An image with more pixels than allowed (a guard against decompression bombs).</summary>
    public const string ImageTooLarge = nameof(ImageTooLarge);
}
