using Csk6Tools.Engine;
using System.Management.Automation;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Commands;

/// <summary>A -Package argument: a package object (Get-Csk6Package, New-Csk6Package), a FileInfo or a path.</summary>
internal static class PackageArgument
{
    public static ThinkerPackage Resolve(PSCmdlet cmdlet, object value)
    {
        switch (value is PSObject pso ? pso.BaseObject : value)
        {
            case ThinkerPackage package:
                return package;
            case FileInfo file:
                return Load(cmdlet, file.FullName);
            case string path:
                return Load(cmdlet, FilePaths.ResolveSingle(cmdlet, path));
            case var other:
                cmdlet.ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"-Package expects a model.bin path or a package from Get-Csk6Package; got " +
                        $"{other?.GetType().FullName ?? "null"}."),
                    ErrorIds.PackageExpected, ErrorCategory.InvalidType, value));
                return null!;
        }
    }

    /// <summary>Reads a package; a damaged file becomes an error record with the reader's stable id.</summary>
    public static ThinkerPackage Load(PSCmdlet cmdlet, string path)
    {
        if (TryLoad(cmdlet, path, out var package, out var error)) return package!;
        cmdlet.ThrowTerminatingError(error!);
        return null!;
    }

    /// <summary>Reads a package and its description; a description that was ignored becomes a warning.</summary>
    public static bool TryLoad(PSCmdlet cmdlet, string path, out ThinkerPackage? package, out ErrorRecord? error)
    {
        try
        {
            package = ThinkerPackage.Read(path);
            error = null;
            if (package.DescriptionWarning is { } warning) cmdlet.WriteWarning(warning);
            return true;
        }
        catch (PackageFormatException e)
        {
            package = null;
            error = EngineErrors.Record(e, path, path);
        }
        catch (IOException e)
        {
            package = null;
            error = new ErrorRecord(e, ErrorIds.PathNotFound, ErrorCategory.ReadError, path);
        }
        return false;
    }
}
