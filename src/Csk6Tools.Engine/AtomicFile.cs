using System.Diagnostics;

namespace Csk6Tools.Engine;

/// <summary>
/// Writes a file through a temporary file in the same folder, then moves it into place: never a half-written file.
/// The temporary name is <c>.&lt;name&gt;.&lt;process id&gt;.&lt;guid&gt;.tmp</c>; a writer killed mid-write (SIGKILL,
/// power loss) leaves its temporary file behind, and the next
/// write of the same target deletes those whose process is gone.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!, name = Path.GetFileName(full);
        DeleteOrphans(folder, name);
        string temp = Path.Combine(folder, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void Write(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>The temporary files of <paramref name="name"/> whose writer process no longer runs.</summary>
    private static IEnumerable<string> Orphans(string folder, string name)
    {
        string prefix = $".{name}.";
        foreach (var file in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            string own = Path.GetFileName(file);
            if (!own.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var parts = own[prefix.Length..^".tmp".Length].Split('.');
            if (parts.Length == 2 && parts[1].Length == 32 && int.TryParse(parts[0], out int pid) && !Running(pid))
                yield return file;
        }
    }

    private static void DeleteOrphans(string folder, string name)
    {
        foreach (var file in Orphans(folder, name))
        {
            try { File.Delete(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // another user's, or gone already
            }
        }
    }

    private static bool Running(int pid)
    {
        if (pid == Environment.ProcessId) return true;   // a write of this process on another thread
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
