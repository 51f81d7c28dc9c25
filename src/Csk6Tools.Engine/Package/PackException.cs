namespace Csk6Tools.Engine.Package;

/// <summary>A model that cannot be packed (ModelNotQuantized, Pack*, PackageOverCapacity).</summary>
public sealed class PackException(string errorId, string message) : Csk6Exception(errorId, message);
