using System.Formats.Tar;
using System.IO.Compression;

namespace Csk6Tools.Engine.Data;

/// <summary>An archive's table of contents: regular files by relative
/// path, with their sizes; folders follow from the paths.</summary>
internal abstract class ArchiveSource : DatasetSource
{
    protected readonly Dictionary<string, long> Entries = new(StringComparer.Ordinal);

    /// <summary>"./a/b" and "/a/b" are "a/b"; backslashes (zip files made on Windows) are slashes.</summary>
    protected static string Normalize(string name)
    {
        var n = name.Replace('\\', '/');
        while (n.StartsWith("./", StringComparison.Ordinal)) n = n[2..];
        return n.TrimStart('/');
    }

    public override bool FileExists(string path) => Entries.ContainsKey(path);
    public override long Length(string path) => Entries[Require(path)];

    public override IEnumerable<string> Directories(string folder)
    {
        string prefix = folder.Length == 0 ? "" : folder + "/";
        return Entries.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('/', prefix.Length) > 0)
            .Select(k => k[..k.IndexOf('/', prefix.Length)]).Distinct().Order(StringComparer.Ordinal);
    }

    public override IEnumerable<string> Files(string folder)
    {
        string prefix = folder.Length == 0 ? "" : folder + "/";
        return Entries.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('/', prefix.Length) < 0)
            .Order(StringComparer.Ordinal);
    }

    protected DatasetException Damaged(string? entry, Exception e)
    {
        bool truncated = e is EndOfStreamException || e.Message.Contains("end of", StringComparison.OrdinalIgnoreCase);
        string where = entry is null ? "before its first entry" : $"in entry '{entry}'";
        return new DatasetException(truncated ? ErrorIds.TruncatedDatasetFile : ErrorIds.CorruptDatasetFile,
            $"The archive '{Location}' is {(truncated ? "truncated" : "damaged")} {where}: {e.Message}",
            entry is null ? Location : Describe(entry));
    }
}

/// <summary>
/// A .tar, .tar.gz or .tgz read as a stream. Opening it reads the table of contents in one pass, keeping small files
/// (class-name lists, small images; up to 64 MiB in all) in memory; reading other files takes one more pass.
/// </summary>
internal sealed class TarSource : ArchiveSource
{
    private const long SmallFile = 64 << 10, CacheLimit = 64L << 20;
    private readonly Dictionary<string, byte[]> _cached = new(StringComparer.Ordinal);

    public static TarSource Index(string path, CancellationToken cancel)
    {
        var source = new TarSource { Location = path };
        long cached = 0;
        source.Pass(cancel, (name, entry) =>
        {
            source.Entries[name] = entry.Length;
            if (entry.Length <= SmallFile && cached + entry.Length <= CacheLimit)
            {
                var bytes = new byte[entry.Length];
                entry.DataStream?.ReadExactly(bytes);
                source._cached[name] = bytes;
                cached += bytes.Length;
            }
        });
        return source;
    }

    protected override void ReadRaw(IReadOnlyList<string> files, Action<int, Stream> read, CancellationToken cancel)
    {
        var wanted = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < files.Count; i++)
        {
            Require(files[i]);
            if (_cached.TryGetValue(files[i], out var bytes))
            {
                cancel.ThrowIfCancellationRequested();
                using var memory = new MemoryStream(bytes, writable: false);
                read(i, memory);
            }
            else
            {
                (wanted.TryGetValue(files[i], out var list) ? list : wanted[files[i]] = []).Add(i);
            }
        }
        if (wanted.Count == 0) return;
        Pass(cancel, (name, entry) =>
        {
            if (!wanted.TryGetValue(name, out var indices)) return;
            foreach (int i in indices)
                read(i, entry.DataStream ?? Stream.Null);
        });
    }

    /// <summary>One pass over the archive's regular files; damage becomes an error naming the entry it is in.</summary>
    private void Pass(CancellationToken cancel, Action<string, TarEntry> visit)
    {
        using var file = new FileStream(Location, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
            FileOptions.SequentialScan);
        using Stream stream = Location.EndsWith(".tar", StringComparison.OrdinalIgnoreCase)
            ? file
            : new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(stream);
        string? current = null;
        try
        {
            while (reader.GetNextEntry() is { } entry)
            {
                cancel.ThrowIfCancellationRequested();
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                current = Normalize(entry.Name);
                visit(current, entry);
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw Damaged(current, e);
        }
    }
}

/// <summary>A .zip read in place: its central directory lists
/// the files, each entry is inflated as it is read.</summary>
internal sealed class ZipSource : ArchiveSource
{
    private ZipArchive _zip = null!;

    public static ZipSource Index(string path)
    {
        var source = new ZipSource { Location = path };
        try
        {
            source._zip =
                new ZipArchive(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read),
                    ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw source.Damaged(null, e);
        }
        foreach (var entry in source._zip.Entries.Where(e => !e.FullName.EndsWith('/')))
            source.Entries[Normalize(entry.FullName)] = entry.Length;
        return source;
    }

    protected override void ReadRaw(IReadOnlyList<string> files, Action<int, Stream> read, CancellationToken cancel)
    {
        var byName = _zip.Entries.Where(e => !e.FullName.EndsWith('/'))
            .ToDictionary(e => Normalize(e.FullName), StringComparer.Ordinal);
        for (int i = 0; i < files.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            string name = Require(files[i]);
            try
            {
                using var stream = byName[name].Open();
                read(i, stream);
            }
            catch (InvalidDataException e)
            {
                throw Damaged(name, e);
            }
        }
    }

    public override void Dispose() => _zip?.Dispose();
}
