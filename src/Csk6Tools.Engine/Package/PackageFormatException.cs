namespace Csk6Tools.Engine.Package;

/// <summary>A model.bin that is not a readable thinker package (ids
/// Package*); <see cref="Offset"/> is the byte at fault.</summary>
public sealed class PackageFormatException(string errorId, string message, long offset = -1)
    : Csk6Exception(errorId, message)
{
    public long Offset { get; } = offset;
}
