namespace Csk6Tools.Engine.Package;

/// <summary>A model that cannot be packed; <see cref="ErrorId"/> is stable.</summary>
public sealed class PackException(string errorId, string message) : Exception(message)
{
    public string ErrorId { get; } = errorId;

    public const string NotQuantized = "ModelNotQuantized";
    public const string UnsupportedOperator = "PackUnsupportedOperator";
    public const string MissingWeight = "PackMissingWeight";
    public const string OverCapacity = "PackageOverCapacity";
    public const string OptionNotInLayout = "PackOptionNotInLayout";
}
