using System.IO.Compression;

namespace Csk6Tools.Engine.Data;

/// <summary>
/// Where a data set's files come from: a folder, or an archive as users download it (.tar.gz, .tgz, .tar, .zip) read
/// as a stream, nothing extracted to disk. Paths inside are relative and '/'-separated ("" is the top). Readers ask
/// for files by name and take them in the order the source reads best (an archive's own order).
/// </summary>
internal abstract class DatasetSource : IDisposable
{
    /// <summary>The folder or archive on disk.</summary>
    public required string Location { get; init; }

    public abstract bool FileExists(string path);
    public abstract long Length(string path);
    /// <summary>The immediate subfolders of a folder, as relative paths.</summary>
    public abstract IEnumerable<string> Directories(string folder);
    /// <summary>The files directly in a folder, as relative paths.</summary>
    public abstract IEnumerable<string> Files(string folder);

    /// <summary>Hands each file to <paramref name="read"/> with its index in <paramref name="files"/>, in the source's
    /// order; .gz files decompressed.</summary>
    public void Read(IReadOnlyList<string> files, Action<int, Stream> read, CancellationToken cancel = default)
        => ReadRaw(files, (i, stream) =>
        {
            using var s = files[i].EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true)
                : stream;
            read(i, s);
        }, cancel);

    protected abstract void ReadRaw(IReadOnlyList<string> files, Action<int, Stream> read, CancellationToken cancel);

    /// <summary>How errors name a file: its full path, or the archive's path followed by the entry's.</summary>
    public string Describe(string path) => path.Length == 0 ? Location : System.IO.Path.Combine(Location, path);

    public string Require(string path)
    {
        if (!FileExists(path))
            throw new DatasetException(ErrorIds.DatasetFileNotFound,
                $"The data set file '{Describe(path)}' does not exist.", Describe(path));
        return path;
    }

    /// <summary>Class names, one a line; blank lines (CIFAR-10's meta file ends with some) are skipped.</summary>
    public string[] ReadNames(string path)
    {
        string[] names = [];
        Read([Require(path)], (_, stream) =>
        {
            using var reader = new StreamReader(stream);
            names = reader.ReadToEnd().Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();
        });
        return names;
    }

    /// <summary>A folder's own name; for the top, the folder's
    /// or the archive's name (without .tar.gz, .zip …).</summary>
    public string FolderName(string folder)
    {
        if (folder.Length > 0) return LastPart(folder);
        string name = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(Location));
        foreach (var extension in new[] { ".tar.gz", ".tgz", ".tar", ".zip" })
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) return name[..^extension.Length];
        return name;
    }

    public static string Join(string folder, string name) => folder.Length == 0 ? name : $"{folder}/{name}";
    public static string LastPart(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static bool IsArchive(string path) =>
        new[] { ".tar.gz", ".tgz", ".tar", ".zip" }.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>A folder, or an archive file; another file stands for the folder it is in.</summary>
    public static DatasetSource Open(string path, CancellationToken cancel = default)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full) && IsArchive(full))
            return full.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)
                ? ZipSource.Index(full)
                : TarSource.Index(full, cancel);
        if (File.Exists(full)) full = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(full))
            throw new DatasetException(ErrorIds.DatasetFileNotFound,
                $"The data set folder '{full}' does not exist.", full);
        return new FolderSource { Location = full };
    }

    public virtual void Dispose() { }
}

/// <summary>A data set in a folder on disk.</summary>
internal sealed class FolderSource : DatasetSource
{
    private string Full(string path) => path.Length == 0 ? Location : System.IO.Path.Combine(Location, path);

    public override bool FileExists(string path) => File.Exists(Full(path));
    public override long Length(string path) => new FileInfo(Full(Require(path))).Length;

    public override IEnumerable<string> Directories(string folder) => Directory.Exists(Full(folder))
        ? Directory.EnumerateDirectories(Full(folder))
            .Select(d => Join(folder, System.IO.Path.GetFileName(d)))
            .Order(StringComparer.Ordinal)
        : [];

    public override IEnumerable<string> Files(string folder) => Directory.Exists(Full(folder))
        ? Directory.EnumerateFiles(Full(folder)).Select(f => Join(folder, System.IO.Path.GetFileName(f))) : [];

    protected override void ReadRaw(IReadOnlyList<string> files, Action<int, Stream> read, CancellationToken cancel)
    {
        for (int i = 0; i < files.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            using var stream = new FileStream(Full(Require(files[i])), FileMode.Open, FileAccess.Read, FileShare.Read,
                1 << 16, FileOptions.SequentialScan);
            read(i, stream);
        }
    }
}
