namespace Csk6Tools.Engine.Data;

/// <summary>
/// Reads CIFAR binary files: fixed-size records of label bytes followed by a 3×32×32 image,
/// already planar (1,024 red, then green, then blue bytes). CIFAR-10 has one label byte, CIFAR-100 two (coarse, fine).
/// </summary>
internal sealed class CifarRecordReader(string[] labelKinds, int[] classCounts)
{
    public const int Channels = 3, Side = 32, ImageBytes = Channels * Side * Side;
    private const int RecordsPerChunk = 1000;

    private int LabelBytes => labelKinds.Length;
    private int RecordBytes => LabelBytes + ImageBytes;

    /// <summary>Reads up to <paramref name="limit"/> records from the files
    /// in order; labels[k] holds label byte k of each record.</summary>
    /// <summary>Files may be read in any order (an archive's): each one's
    /// records go to their place after the files before it.</summary>
    public (byte[] Images, int[][] Labels) Read(DatasetSource source, IReadOnlyList<string> files,
        int? limit, string activity,
        IProgress<DatasetProgress>? progress, CancellationToken cancel)
    {
        var available = files.Select(f => RecordsIn(source, f)).ToArray();
        int count = (int)Math.Min(available.Sum(), limit ?? int.MaxValue);
        var images = new byte[(long)count * ImageBytes];
        var labels = Enumerable.Range(0, LabelBytes).Select(_ => new int[count]).ToArray();
        var chunk = new byte[RecordsPerChunk * RecordBytes];
        var first = new int[files.Count];
        for (int f = 1; f < files.Count; f++) first[f] = (int)Math.Min(count, first[f - 1] + available[f - 1]);
        var needed = Enumerable.Range(0, files.Count).Where(f => first[f] < count).ToList();
        int done = 0;
        source.Read(needed.Select(f => files[f]).ToList(), (n, stream) =>
        {
            int f = needed[n], at = first[f], end = (int)Math.Min(count, at + available[f]);
            string file = source.Describe(files[f]);
            for (long recordInFile = 0; at < end; )
            {
                cancel.ThrowIfCancellationRequested();
                int records = Math.Min(RecordsPerChunk, end - at);
                int read = DataFiles.ReadAtMost(stream, file, chunk.AsSpan(0, records * RecordBytes));
                records = read / RecordBytes;
                if (records == 0) break;
                for (int r = 0; r < records; r++, at++, done++, recordInFile++)
                {
                    var record = chunk.AsSpan(r * RecordBytes, RecordBytes);
                    for (int k = 0; k < LabelBytes; k++)
                        labels[k][at] = CheckLabel(record[k], k, file, recordInFile * RecordBytes + k);
                    record[LabelBytes..].CopyTo(images.AsSpan(at * ImageBytes, ImageBytes));
                }
                progress?.Report(new DatasetProgress(activity, done, count));
            }
        }, cancel);
        return (images, labels);
    }

    private long RecordsIn(DatasetSource source, string path)
    {
        long length = source.Length(path);
        string file = source.Describe(path);
        if (length % RecordBytes != 0)
        {
            long lastStart = length / RecordBytes * RecordBytes;
            throw new DatasetException(ErrorIds.TruncatedDatasetFile,
                $"'{file}' is truncated: it holds {length:N0} bytes, not a multiple of the " +
                $"{RecordBytes:N0}-byte record " +
                $"({LabelBytes} label byte(s) + {ImageBytes:N0} pixels); the record at byte offset {lastStart:N0} " +
                $"has only {length - lastStart:N0} bytes.",
                file, lastStart);
        }
        return length / RecordBytes;
    }

    private int CheckLabel(byte label, int kind, string file, long offset)
    {
        if (label >= classCounts[kind])
            throw new DatasetException(ErrorIds.LabelOutOfRange,
                $"'{file}' has {labelKinds[kind]} label {label} at byte offset {offset:N0}, but there are only " +
                $"{classCounts[kind]} {labelKinds[kind]} classes (0–{classCounts[kind] - 1}).",
                file, offset);
        return label;
    }
}
