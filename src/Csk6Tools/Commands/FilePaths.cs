using Csk6Tools.Engine;
using System.Management.Automation;

namespace Csk6Tools.Commands;

/// <summary>Paths through the PowerShell provider (relative to
/// the current location, PSDrives), FileSystem only.</summary>
internal static class FilePaths
{
    /// <summary>A file just written, as Get-Item returns it: the provider's
    /// properties make the usual file view and PSPath binding work.</summary>
    public static PSObject Item(PSCmdlet cmdlet, string path) => cmdlet.InvokeProvider.Item.Get([path], false, true)[0];

    /// <summary>Existing files: wildcards expand unless <paramref name="literal"/>;
    /// each failure is a non-terminating error.</summary>
    public static IEnumerable<string> ResolveExisting(PSCmdlet cmdlet, string path, bool literal)
    {
        List<string> found = [];
        try
        {
            if (literal)
            {
                string file = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path,
                    out var provider, out _);
                RequireFileSystem(provider, path);
                if (!File.Exists(file)) throw new ItemNotFoundException($"Cannot find the file '{path}'.");
                found.Add(file);
            }
            else
            {
                var files = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out var provider);
                RequireFileSystem(provider, path);
                found.AddRange(files.Where(File.Exists));
                if (found.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(path))
                    throw new ItemNotFoundException($"Cannot find the file '{path}'.");
            }
        }
        catch (ItemNotFoundException e)
        {
            cmdlet.WriteError(new ErrorRecord(e, ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, path));
        }
        catch (NotSupportedException e)
        {
            cmdlet.WriteError(new ErrorRecord(e, ErrorIds.PathNotFileSystem, ErrorCategory.InvalidArgument, path));
        }
        return found;
    }

    /// <summary>One existing file, or a terminating error.</summary>
    public static string ResolveSingle(PSCmdlet cmdlet, string path)
    {
        try
        {
            string file = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            RequireFileSystem(provider, path);
            return File.Exists(file) ? file : throw new ItemNotFoundException($"Cannot find the file '{path}'.");
        }
        catch (ItemNotFoundException e)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(e, ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, path));
        }
        catch (NotSupportedException e)
        {
            cmdlet.ThrowTerminatingError(
                new ErrorRecord(e, ErrorIds.PathNotFileSystem, ErrorCategory.InvalidArgument, path));
        }
        return null!;
    }

    /// <summary>The file system path of a file or folder that need not exist;
    /// null, with a non-terminating error, on another provider.</summary>
    public static string? ResolveFileSystem(PSCmdlet cmdlet, string path)
    {
        try
        {
            return FileSystemPath(cmdlet, path);
        }
        catch (NotSupportedException e)
        {
            cmdlet.WriteError(new ErrorRecord(e, ErrorIds.PathNotFileSystem, ErrorCategory.InvalidArgument, path));
            return null;
        }
    }

    /// <summary>A file to write (it need not exist; its folder must).</summary>
    public static string ResolveOutput(PSCmdlet cmdlet, string path)
    {
        string file;
        try
        {
            file = FileSystemPath(cmdlet, path);
        }
        catch (NotSupportedException e)
        {
            cmdlet.ThrowTerminatingError(
                new ErrorRecord(e, ErrorIds.PathNotFileSystem, ErrorCategory.InvalidArgument, path));
            return null!;
        }
        string? folder = System.IO.Path.GetDirectoryName(file);
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            cmdlet.ThrowTerminatingError(
                new ErrorRecord(new DirectoryNotFoundException($"The folder '{folder}' does not exist."),
                    ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, path));
        return file;
    }

    /// <summary>True, with a non-terminating error, when
    /// <paramref name="path"/> exists and -Force was not given.</summary>
    public static bool RefusesOverwrite(PSCmdlet cmdlet, string path, bool force, string errorId = ErrorIds.FileExists)
    {
        if (force || !File.Exists(path)) return false;
        cmdlet.WriteError(
            new ErrorRecord(new IOException($"'{path}' exists; use -Force to overwrite it."), errorId,
                ErrorCategory.ResourceExists, path));
        return true;
    }

    private static string FileSystemPath(PSCmdlet cmdlet, string path)
    {
        string file = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
        RequireFileSystem(provider, path);
        return file;
    }

    private static void RequireFileSystem(ProviderInfo provider, string path)
    {
        if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
            throw new NotSupportedException($"'{path}' is on the {provider.Name} provider; a file " +
                $"system path is needed.");
    }
}
