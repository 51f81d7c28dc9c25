using System.IO.Compression;

namespace Csk6Tools.Engine.Data;

/// <summary>Opening and reading the files of a data set, with errors that name the file.</summary>
internal static class DataFiles
{
    public static string Require(string path)
    {
        if (!File.Exists(path))
            throw new DatasetException(ErrorIds.DatasetFileNotFound, $"The data set file '{path}' does not exist.", path);
        return path;
    }

    /// <summary>Opens a file for sequential reading; a .gz file is decompressed on the fly.</summary>
    public static Stream OpenRead(string path)
    {
        var file = new FileStream(Require(path), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>Fills <paramref name="buffer"/> as far as the stream goes; returns the bytes read.</summary>
    public static int ReadAtMost(Stream stream, string path, Span<byte> buffer)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = stream.Read(buffer[total..]);
                if (n == 0) break;
                total += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException(ErrorIds.CorruptDatasetFile, $"'{path}' is not a valid gzip file: {e.Message}", path);
        }
        return total;
    }

    /// <summary>Class names, one a line; blank lines (CIFAR-10's meta file ends with some) are skipped.</summary>
    public static string[] ReadNames(string path)
        => File.ReadLines(Require(path)).Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();
}
