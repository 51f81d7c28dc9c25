namespace Csk6Tools.Engine.Data;

/// <summary>
/// CIFAR-100's binary version (cifar-100-binary): train.bin (50,000 records) and test.bin (10,000), each record
/// a coarse label byte, a fine label byte and a 3×32×32 image;
/// class names in fine_label_names.txt and coarse_label_names.txt.
/// </summary>
internal static class Cifar100Reader
{
    public const string TrainFile = "train.bin", TestFile = "test.bin";
    public const string FineNamesFile = "fine_label_names.txt", CoarseNamesFile = "coarse_label_names.txt";

    public static DatasetParts Read(DatasetSource source, string folder, DatasetLoadOptions options,
        CancellationToken cancel)
    {
        var fine = source.ReadNames(DatasetSource.Join(folder, FineNamesFile));
        var coarse = source.ReadNames(DatasetSource.Join(folder, CoarseNamesFile));
        var reader = new CifarRecordReader(["coarse", "fine"], [coarse.Length, fine.Length]);

        DatasetSplit ReadSplit(DatasetSplits split, string file) => DatasetParts.ReadIf(options, split, () =>
        {
            var (images, labels) = reader.Read(source, [DatasetSource.Join(folder, file)], options.CountFor(split),
                $"Reading {file}", options.Progress, cancel);
            var (coarseLabels, fineLabels) = (labels[0], labels[1]);
            var selected = options.Label == CifarLabel.Fine ? fineLabels : coarseLabels;
            return new DatasetSplit(images, selected, CifarRecordReader.Channels,
                CifarRecordReader.Side, CifarRecordReader.Side)
            {
                CoarseLabels = coarseLabels,
            };
        }, CifarRecordReader.Channels, CifarRecordReader.Side, CifarRecordReader.Side);

        options.Log?.Invoke($"CIFAR-100 labels: {options.Label} " +
            $"({(options.Label == CifarLabel.Fine ? fine.Length : coarse.Length)} classes).");
        return new DatasetParts("CIFAR-100", options.Label == CifarLabel.Fine ? fine : coarse,
            ReadSplit(DatasetSplits.Train, TrainFile), ReadSplit(DatasetSplits.Test, TestFile))
        {
            CoarseClasses = coarse,
            Normalization = (KnownNormalization.Cifar100Mean, KnownNormalization.Cifar100Std),
        };
    }
}
