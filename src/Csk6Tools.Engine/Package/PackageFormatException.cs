namespace Csk6Tools.Engine.Package;

/// <summary>A model.bin that is not a readable thinker package; <see cref="ErrorId"/> is stable, <see cref="Offset"/> the byte at fault.</summary>
public sealed class PackageFormatException(string errorId, string message, long offset = -1) : Exception(message)
{
    public string ErrorId { get; } = errorId;
    public long Offset { get; } = offset;

    public const string NotAPackage = "PackageNotThinker";
    public const string Truncated = "PackageTruncated";
    public const string CrcMismatch = "PackageCrcMismatch";
    public const string Corrupt = "PackageCorrupt";
    public const string Unsupported = "PackageUnsupported";
}
