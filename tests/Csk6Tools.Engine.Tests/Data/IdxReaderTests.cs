using Csk6Tools.Engine.Data;

namespace Csk6Tools.Engine.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly DatasetFileWriter _files = new();
    public void Dispose() => _files.Dispose();

    private void WriteIdx(
        string folder, bool gzip, int train = 12, int test = 4, int rows = 5, int cols = 6, string separator = "-")
    {
        string gz = gzip ? ".gz" : "";
        _files.WriteIdxImages($"{folder}/train-images{separator}idx3-ubyte{gz}", train, rows, cols, gzip);
        _files.WriteIdxLabels($"{folder}/train-labels{separator}idx1-ubyte{gz}", train, i => i % 10, gzip);
        _files.WriteIdxImages($"{folder}/t10k-images{separator}idx3-ubyte{gz}", test, rows, cols, gzip);
        _files.WriteIdxLabels($"{folder}/t10k-labels{separator}idx1-ubyte{gz}", test, i => 9 - i, gzip);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_labels_and_shape_raw_or_gzip(bool gzip)
    {
        WriteIdx("mnist", gzip);
        var data = DatasetLoader.Load(_files.PathOf("mnist"), new DatasetLoadOptions());

        Assert.Equal("MNIST", data.Name);
        Assert.Equal((1, 5, 6), (data.Channels, data.Height, data.Width));
        Assert.Equal((12, 4), (data.Train.Count, data.Test.Count));
        Assert.Equal(Enumerable.Range(0, 10).Select(d => d.ToString()), data.Classes);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i % 10), data.Train.Labels);
        Assert.Equal([9, 8, 7, 6], data.Test.Labels);
        Assert.Equal(DatasetFileWriter.Image(11, 1, 30), data.Train.Image(11).ToArray());
        Assert.Equal(DatasetFileWriter.Image(3, 1, 30), data.Test.Image(3).ToArray());
        var (mean, std) = Expected.MeanStd(data.Train);
        Expected.Close(mean, data.Mean);
        Expected.Close(std, data.Std);
    }

    [Fact]
    public void A_fashion_folder_gets_the_fashion_class_names_and_dotted_names_are_found()
    {
        WriteIdx("fashion-mnist", gzip: false, separator: ".");
        var data = DatasetLoader.Load(_files.PathOf("fashion-mnist"),
            new DatasetLoadOptions { Format = DatasetFormat.Idx, TrainCount = 3 });
        Assert.Equal("Fashion-MNIST", data.Name);
        Assert.Equal("Ankle boot", data.Classes[9]);
        Assert.Equal(3, data.Train.Count);
        Assert.Equal(DatasetFileWriter.Image(2, 1, 30), data.Train.Image(2).ToArray());
    }

    [Fact]
    public void A_label_file_in_place_of_images_fails_on_the_magic()
    {
        WriteIdx("m", gzip: false);
        File.Copy(_files.PathOf("m/train-labels-idx1-ubyte"), _files.PathOf("m/train-images-idx3-ubyte"),
            overwrite: true);

        var e = Expected.Error(ErrorIds.InvalidDatasetHeader,
            () => DatasetLoader.Load(_files.PathOf("m"), new DatasetLoadOptions()));

        Assert.Equal(0, e.Offset);
        Assert.Contains("train-images-idx3-ubyte", e.Message);
        Assert.Contains("0x00000801", e.Message);
        Assert.Contains("expected 0x00000803", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_pixels_are_reported_at_the_offset_where_the_file_ends(bool gzip)
    {
        WriteIdx("m", gzip: false);
        var bytes = File.ReadAllBytes(_files.PathOf("m/train-images-idx3-ubyte"));
        File.Delete(_files.PathOf("m/train-images-idx3-ubyte"));
        int end = 16 + 9 * 30 + 11;
        _files.Write("m/train-images-idx3-ubyte" + (gzip ? ".gz" : ""), bytes[..end], gzip);

        var e = Expected.Error(ErrorIds.TruncatedDatasetFile,
            () => DatasetLoader.Load(_files.PathOf("m"), new DatasetLoadOptions()));

        Assert.Equal(end, e.Offset);
        Assert.Contains($"byte offset {end}", e.Message);
        Assert.Equal(gzip, e.Message.Contains("decompressed"));
        Assert.Contains("12 items of 5×6 bytes", e.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        WriteIdx("m", gzip: false);
        _files.WriteIdxLabels("m/t10k-labels-idx1-ubyte", 3, i => i, gzip: false);
        var e = Expected.Error(ErrorIds.DatasetCountMismatch,
            () => DatasetLoader.Load(_files.PathOf("m"), new DatasetLoadOptions()));
        Assert.Contains("holds 4 images", e.Message);
        Assert.Contains("3 labels", e.Message);
    }

    [Fact]
    public void A_label_of_10_is_out_of_range_at_its_offset()
    {
        WriteIdx("m", gzip: true);
        _files.WriteIdxLabels("m/train-labels-idx1-ubyte.gz", 12, i => i == 7 ? 10 : 0, gzip: true);
        var e = Expected.Error(ErrorIds.LabelOutOfRange,
            () => DatasetLoader.Load(_files.PathOf("m"), new DatasetLoadOptions()));
        Assert.Equal(15, e.Offset);
        Assert.Contains("label 10 at byte offset 15", e.Message);
    }

    [Fact]
    public void A_corrupt_gzip_file_is_reported()
    {
        WriteIdx("m", gzip: true);
        var bytes = File.ReadAllBytes(_files.PathOf("m/train-images-idx3-ubyte.gz"));
        bytes.AsSpan(10, 40).Fill(0xFF);
        File.WriteAllBytes(_files.PathOf("m/train-images-idx3-ubyte.gz"), bytes);
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(_files.PathOf("m"), new DatasetLoadOptions()));
        Assert.Contains(e.ErrorId,
            new[] { ErrorIds.CorruptDatasetFile, ErrorIds.InvalidDatasetHeader, ErrorIds.TruncatedDatasetFile });
        Assert.Contains("train-images-idx3-ubyte.gz", e.Message);
    }

    [Fact]
    public void A_missing_label_file_is_named()
    {
        WriteIdx("m", gzip: false);
        File.Delete(_files.PathOf("m/t10k-labels-idx1-ubyte"));
        var e = Expected.Error(ErrorIds.DatasetFileNotFound,
            () => DatasetLoader.Load(_files.PathOf("m"), new DatasetLoadOptions()));
        Assert.Contains("t10k-labels-idx1-ubyte", e.Message);
        // Only the training split needs no test files.
        Assert.Equal(12, DatasetLoader.Load(_files.PathOf("m"), new DatasetLoadOptions { Splits = DatasetSplits.Train })
            .Train.Count);
    }
}
