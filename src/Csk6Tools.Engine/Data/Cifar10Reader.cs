namespace Csk6Tools.Engine.Data;

/// <summary>
/// CIFAR-10's binary version (cifar-10-batches-bin): data_batch_1.bin … data_batch_5.bin (10,000 records each)
/// and test_batch.bin, each record a label byte and a 3×32×32 image; class names in batches.meta.txt.
/// </summary>
internal static class Cifar10Reader
{
    public const string FirstTrainFile = "data_batch_1.bin", TestFile = "test_batch.bin",
    NamesFile = "batches.meta.txt";
    public static readonly string[] TrainFiles = Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray();

    public static DatasetParts Read(DatasetSource source, string folder, DatasetLoadOptions options,
        CancellationToken cancel)
    {
        var classes = source.ReadNames(DatasetSource.Join(folder, NamesFile));
        var reader = new CifarRecordReader(["class"], [classes.Length]);

        DatasetSplit ReadSplit(DatasetSplits split, string[] files) => DatasetParts.ReadIf(options, split, () =>
        {
            var (images, labels) = reader.Read(source,
                files.Select(f => DatasetSource.Join(folder, f)).ToArray(), options.CountFor(split),
                $"Reading {string.Join(", ", files)}", options.Progress, cancel);
            return new DatasetSplit(images, labels[0], CifarRecordReader.Channels,
                CifarRecordReader.Side, CifarRecordReader.Side);
        }, CifarRecordReader.Channels, CifarRecordReader.Side, CifarRecordReader.Side);

        return new DatasetParts("CIFAR-10", classes, ReadSplit(DatasetSplits.Train, TrainFiles),
            ReadSplit(DatasetSplits.Test, [TestFile]));
    }
}
