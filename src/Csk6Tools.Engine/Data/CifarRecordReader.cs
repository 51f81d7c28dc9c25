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

    /// <summary>Reads up to <paramref name="limit"/> records from the files in order; labels[k] holds label byte k of each record.</summary>
    public (byte[] Images, int[][] Labels) Read(IReadOnlyList<string> files, int? limit, string activity,
        IProgress<DatasetProgress>? progress, CancellationToken cancel)
    {
        long available = files.Sum(RecordsIn);
        int count = (int)Math.Min(available, limit ?? int.MaxValue);
        var images = new byte[(long)count * ImageBytes];
        var labels = Enumerable.Range(0, LabelBytes).Select(_ => new int[count]).ToArray();
        var chunk = new byte[RecordsPerChunk * RecordBytes];
        int done = 0;
        foreach (var file in files)
        {
            using var stream = DataFiles.OpenRead(file);
            for (long recordInFile = 0; done < count; )
            {
                cancel.ThrowIfCancellationRequested();
                int records = Math.Min(RecordsPerChunk, count - done);
                int read = DataFiles.ReadAtMost(stream, file, chunk.AsSpan(0, records * RecordBytes));
                records = read / RecordBytes;
                if (records == 0) break;
                for (int r = 0; r < records; r++, done++, recordInFile++)
                {
                    var record = chunk.AsSpan(r * RecordBytes, RecordBytes);
                    for (int k = 0; k < LabelBytes; k++)
                        labels[k][done] = CheckLabel(record[k], k, file, recordInFile * RecordBytes + k);
                    record[LabelBytes..].CopyTo(images.AsSpan(done * ImageBytes, ImageBytes));
                }
                progress?.Report(new DatasetProgress(activity, done, count));
            }
        }
        return (images, labels);
    }

    private long RecordsIn(string file)
    {
        long length = new FileInfo(DataFiles.Require(file)).Length;
        if (length % RecordBytes != 0)
        {
            long lastStart = length / RecordBytes * RecordBytes;
            throw new DatasetException(ErrorIds.TruncatedDatasetFile,
                $"'{file}' is truncated: it holds {length:N0} bytes, not a multiple of the {RecordBytes:N0}-byte record " +
                $"({LabelBytes} label byte(s) + {ImageBytes:N0} pixels); the record at byte offset {lastStart:N0} has only {length - lastStart:N0} bytes.",
                file, lastStart);
        }
        return length / RecordBytes;
    }

    private int CheckLabel(byte label, int kind, string file, long offset)
    {
        if (label >= classCounts[kind])
            throw new DatasetException(ErrorIds.LabelOutOfRange,
                $"'{file}' has {labelKinds[kind]} label {label} at byte offset {offset:N0}, but there are only {classCounts[kind]} {labelKinds[kind]} classes (0–{classCounts[kind] - 1}).",
                file, offset);
        return label;
    }
}
