namespace Csk6Tools.Engine.Data;

/// <summary>Reading the files of a data set, with errors that name the file.</summary>
internal static class DataFiles
{
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
            throw new DatasetException(ErrorIds.CorruptDatasetFile, $"'{path}' does not decompress: {e.Message}", path);
        }
        return total;
    }
}
