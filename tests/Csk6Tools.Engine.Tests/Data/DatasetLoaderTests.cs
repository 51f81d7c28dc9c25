using Csk6Tools.Engine.Data;

namespace Csk6Tools.Engine.Tests.Data;

public sealed class DatasetLoaderTests : IDisposable
{
    private readonly DatasetFileWriter _files = new();
    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_missing_folder_is_reported()
    {
        var e = Expected.Error(ErrorIds.DatasetFileNotFound,
            () => DatasetLoader.Load(_files.PathOf("nowhere"), new DatasetLoadOptions()));
        Assert.Contains("nowhere", e.Message);
    }

    [Fact]
    public void A_folder_without_a_known_format_lists_the_formats()
    {
        _files.WriteLines("readme.txt", ["nothing here"]);
        var e = Expected.Error(ErrorIds.UnknownDatasetFormat,
            () => DatasetLoader.Load(_files.Root, new DatasetLoadOptions()));
        Assert.Contains("train.bin", e.Message);
        Assert.Contains("idx3-ubyte", e.Message);
    }

    [Fact]
    public void Fashion_mnist_absent_names_the_debian_package()
    {
        var e = Expected.Error(ErrorIds.DatasetNotInstalled,
            () => DatasetLoader.LoadFashionMnist(_files.PathOf("not-installed"), new DatasetLoadOptions(), default));
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void Take_keeps_the_first_images_and_their_coarse_labels()
    {
        var split = new DatasetSplit([1, 2, 3, 4, 5, 6], [0, 1, 2], 1, 1, 2) { CoarseLabels = [5, 6, 7] };
        var first = split.Take(2);
        Assert.Equal([1, 2, 3, 4], first.Images);
        Assert.Equal([0, 1], first.Labels);
        Assert.Equal([5, 6], first.CoarseLabels!);
        Assert.Same(split, split.Take(3));
    }

    [Fact]
    public void Channel_statistics_are_the_population_mean_and_std()
    {
        // Channel 0 holds 0 and 255 (mean 0.5, std 0.5); channel 1 holds 51 everywhere (mean 0.2, std 0).
        var split = new DatasetSplit([0, 255, 51, 51, 255, 0, 51, 51], [0, 1], 2, 1, 2);
        var (mean, std) = ChannelStatistics.Compute(split);
        Expected.Close([0.5, 0.2], mean);
        Expected.Close([0.5, 0.0], std);
    }

    [Fact]
    public void Progress_and_decisions_are_reported()
    {
        _files.WriteIdxImages("m/train-images-idx3-ubyte", 3, 2, 2, gzip: false);
        _files.WriteIdxLabels("m/train-labels-idx1-ubyte", 3, i => i, gzip: false);
        var progress = new List<DatasetProgress>();
        var log = new List<string>();
        DatasetLoader.Load(_files.PathOf("m"), new DatasetLoadOptions
        {
            Splits = DatasetSplits.Train, Progress = new SynchronousProgress(progress.Add), Log = log.Add,
        });
        Assert.Contains(progress, p => p.Done == 3 && p.Total == 3 && p.Activity.Contains("train-images"));
        Assert.Contains(log, line => line.Contains("Idx"));
        Assert.Contains(log, line => line.Contains("Normalization computed over the 3 training images"));
    }

    private sealed class SynchronousProgress(Action<DatasetProgress> report) : IProgress<DatasetProgress>
    {
        public void Report(DatasetProgress value) => report(value);
    }
}
