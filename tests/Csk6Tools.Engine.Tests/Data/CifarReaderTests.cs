using Csk6Tools.Engine.Data;

namespace Csk6Tools.Engine.Tests.Data;

public sealed class CifarReaderTests : IDisposable
{
    private readonly DatasetFileWriter _files = new();
    public void Dispose() => _files.Dispose();

    private static int Fine(int i) => i * 7 % 100;
    private static int Coarse(int i) => Fine(i) / 5;

    private void WriteCifar100(int train = 30, int test = 10)
    {
        _files.WriteCifar100("train.bin", train, Fine, Coarse);
        _files.WriteCifar100("test.bin", test, i => Fine(i + 1000), i => Coarse(i + 1000));
        _files.WriteLines("fine_label_names.txt", Enumerable.Range(0, 100).Select(i => $"fine{i}"));
        _files.WriteLines("coarse_label_names.txt", Enumerable.Range(0, 20).Select(i => $"coarse{i}"));
    }

    [Fact]
    public void Cifar100_reads_fine_and_coarse_labels_pixels_and_names()
    {
        WriteCifar100();
        var data = DatasetLoader.Load(_files.Root, new DatasetLoadOptions());

        Assert.Equal("CIFAR-100", data.Name);
        Assert.Equal((3, 32, 32), (data.Channels, data.Height, data.Width));
        Assert.Equal((30, 10), (data.Train.Count, data.Test.Count));
        Assert.Equal(100, data.Classes.Length);
        Assert.Equal("fine14", data.Classes[Fine(2)]);
        Assert.Equal(20, data.CoarseClasses!.Length);
        Assert.Equal(Enumerable.Range(0, 30).Select(Fine), data.Train.Labels);
        Assert.Equal(Enumerable.Range(0, 30).Select(Coarse), data.Train.CoarseLabels!);
        Assert.Equal(Enumerable.Range(1000, 10).Select(Fine), data.Test.Labels);
        Assert.Equal(DatasetFileWriter.Image(29, 3, 1024), data.Train.Image(29).ToArray());
        Assert.Equal(DatasetFileWriter.Image(0, 3, 1024), data.Test.Image(0).ToArray());
        Assert.Equal(0.5070751592371323f, data.Mean[0]);
        Assert.Equal(0.27615047132568404f, data.Std[2]);
        Assert.Equal(Path.GetFullPath(_files.Root), data.Source);
    }

    [Fact]
    public void Cifar100_coarse_labels_select_the_20_superclasses()
    {
        WriteCifar100();
        var data = DatasetLoader.Load(_files.Root, new DatasetLoadOptions { Label = CifarLabel.Coarse });
        Assert.Equal(20, data.Classes.Length);
        Assert.Equal("coarse0", data.Classes[0]);
        Assert.Equal(Enumerable.Range(0, 30).Select(Coarse), data.Train.Labels);
    }

    [Fact]
    public void Counts_take_the_first_images_and_splits_can_be_left_out()
    {
        WriteCifar100();
        var data = DatasetLoader.Load(_files.PathOf("train.bin"),
            new DatasetLoadOptions { TrainCount = 5, TestCount = 3 });
        Assert.Equal((5, 3), (data.Train.Count, data.Test.Count));
        Assert.Equal(DatasetFileWriter.Image(4, 3, 1024), data.Train.Image(4).ToArray());

        var testOnly = DatasetLoader.Load(_files.Root, new DatasetLoadOptions { Splits = DatasetSplits.Test });
        Assert.Equal((0, 10), (testOnly.Train.Count, testOnly.Test.Count));
        Assert.Equal((3, 32, 32), (testOnly.Channels, testOnly.Height, testOnly.Width));
    }

    [Fact]
    public void Cifar10_reads_the_five_batches_in_order_and_computes_normalization()
    {
        for (int b = 0; b < 5; b++) _files.WriteCifar10($"data_batch_{b + 1}.bin", 4 * b, 4, i => i % 10);
        _files.WriteCifar10("test_batch.bin", 100, 3, i => (i + 3) % 10);
        _files.WriteLines("batches.meta.txt",
            ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck", "", ""]);

        var data = DatasetLoader.Load(_files.Root, new DatasetLoadOptions());

        Assert.Equal("CIFAR-10", data.Name);
        Assert.Equal(10, data.Classes.Length);
        Assert.Equal("truck", data.Classes[9]);
        Assert.Equal((20, 3), (data.Train.Count, data.Test.Count));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i % 10), data.Train.Labels);
        Assert.Equal(DatasetFileWriter.Image(13, 3, 1024), data.Train.Image(13).ToArray());
        Assert.Equal(DatasetFileWriter.Image(102, 3, 1024), data.Test.Image(2).ToArray());
        var (mean, std) = Expected.MeanStd(data.Train);
        Expected.Close(mean, data.Mean);
        Expected.Close(std, data.Std);

        var subset = DatasetLoader.Load(_files.Root, new DatasetLoadOptions { TrainCount = 6 });
        Assert.Equal(DatasetFileWriter.Image(5, 3, 1024), subset.Train.Image(5).ToArray());
    }

    [Fact]
    public void A_truncated_record_is_reported_with_file_and_offset()
    {
        WriteCifar100(train: 3);
        var bytes = File.ReadAllBytes(_files.PathOf("train.bin"));
        File.WriteAllBytes(_files.PathOf("train.bin"), bytes[..^100]);

        var e = Expected.Error(ErrorIds.TruncatedDatasetFile,
            () => DatasetLoader.Load(_files.Root, new DatasetLoadOptions()));

        Assert.Equal(_files.PathOf("train.bin"), e.Path);
        Assert.Equal(2 * 3074, e.Offset);
        Assert.Contains("train.bin", e.Message);
        Assert.Contains("6,148", e.Message);
    }

    [Fact]
    public void A_label_beyond_the_class_names_is_reported_with_its_offset()
    {
        _files.WriteCifar100("train.bin", 4, i => i == 2 ? 100 : i, i => 0);
        _files.WriteCifar100("test.bin", 1, i => 0, i => 0);
        _files.WriteLines("fine_label_names.txt", Enumerable.Range(0, 100).Select(i => $"fine{i}"));
        _files.WriteLines("coarse_label_names.txt", Enumerable.Range(0, 20).Select(i => $"coarse{i}"));

        var e = Expected.Error(ErrorIds.LabelOutOfRange,
            () => DatasetLoader.Load(_files.Root, new DatasetLoadOptions()));

        Assert.Equal(2 * 3074 + 1, e.Offset);
        Assert.Contains("fine label 100 at byte offset 6,149", e.Message);
    }

    [Fact]
    public void Cifar10_label_out_of_range_names_the_batch()
    {
        for (int b = 0; b < 5; b++)
            _files.WriteCifar10($"data_batch_{b + 1}.bin", 0, 2, i => b == 3 && i == 1 ? 10 : 0);
        _files.WriteCifar10("test_batch.bin", 0, 1, i => 0);
        _files.WriteLines("batches.meta.txt", Enumerable.Range(0, 10).Select(i => $"c{i}"));

        var e = Expected.Error(ErrorIds.LabelOutOfRange,
            () => DatasetLoader.Load(_files.Root, new DatasetLoadOptions()));

        Assert.Equal(_files.PathOf("data_batch_4.bin"), e.Path);
        Assert.Equal(3073, e.Offset);
    }

    [Fact]
    public void Missing_class_names_are_reported()
    {
        _files.WriteCifar100("train.bin", 1, Fine, Coarse);
        var e = Expected.Error(ErrorIds.DatasetFileNotFound,
            () => DatasetLoader.Load(_files.Root, new DatasetLoadOptions()));
        Assert.Contains("fine_label_names.txt", e.Message);
    }
}
