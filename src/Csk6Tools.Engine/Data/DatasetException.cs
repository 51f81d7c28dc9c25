namespace Csk6Tools.Engine.Data;

/// <summary>
/// A data set that cannot be read: a missing or unknown file, a truncated record, a label out of range.
/// The message names the file and, for bad contents, the byte offset.
/// </summary>
public sealed class DatasetException(string errorId, string message, string? path = null, long? offset = null)
    : Csk6Exception(errorId, message)
{
    /// <summary>The file or folder at fault.</summary>
    public string? Path { get; } = path;

    /// <summary>Where in the file (in its decompressed bytes for a .gz file) the problem starts.</summary>
    public long? Offset { get; } = offset;

    public override object? Target => Path;
}
