using Csk6Tools.Engine;
using System.Formats.Tar;
using System.IO.Compression;
using Csk6Tools.Engine.Data;
using SixLabors.ImageSharp.PixelFormats;

namespace Csk6Tools.Engine.Tests.Data;

/// <summary>Data sets as users download them: the CIFAR archives, archives of image folders, a folder one level
/// up.</summary>
public sealed class ArchiveTests : IDisposable
{
    private readonly DatasetFileWriter _files = new();
    public void Dispose() => _files.Dispose();

    private static int Fine(int i) => i * 7 % 100;

    /// <summary>cifar-100-binary/ as the download unpacks: train.bin, test.bin and the two name lists.</summary>
    private string WriteCifar100(string at = "src")
    {
        string dir = $"{at}/cifar-100-binary";
        _files.WriteCifar100($"{dir}/train.bin", 30, Fine, i => Fine(i) / 5);
        _files.WriteCifar100($"{dir}/test.bin", 10, i => Fine(i + 1000), i => Fine(i + 1000) / 5);
        _files.WriteLines($"{dir}/fine_label_names.txt", Enumerable.Range(0, 100).Select(i => $"fine{i}"));
        _files.WriteLines($"{dir}/coarse_label_names.txt", Enumerable.Range(0, 20).Select(i => $"coarse{i}"));
        return dir;
    }

    /// <summary>cifar-10-batches-bin/ as the download unpacks: five training batches, the test batch,
    /// batches.meta.txt.</summary>
    private string WriteCifar10(int perBatch = 4)
    {
        const string dir = "src/cifar-10-batches-bin";
        for (int b = 0; b < 5; b++)
            _files.WriteCifar10($"{dir}/data_batch_{b + 1}.bin", b * perBatch, perBatch, i => i % 10);
        _files.WriteCifar10($"{dir}/test_batch.bin", 1000, 6, i => i % 10);
        _files.WriteLines($"{dir}/batches.meta.txt",
            ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck", "", ""]);
        return dir;
    }

    private static void AssertSame(Dataset expected, Dataset actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Classes, actual.Classes);
        Assert.Equal(expected.Train.Images, actual.Train.Images);
        Assert.Equal(expected.Train.Labels, actual.Train.Labels);
        Assert.Equal(expected.Test.Images, actual.Test.Images);
        Assert.Equal(expected.Test.Labels, actual.Test.Labels);
        Assert.Equal(expected.Mean, actual.Mean);
        Assert.Equal(expected.Std, actual.Std);
    }

    [Fact]
    public void Cifar100_binary_tar_gz_is_read_as_downloaded_and_nothing_is_extracted()
    {
        string dir = WriteCifar100();
        string archive = _files.TarGz(dir, "download/cifar-100-binary.tar.gz");
        var fromArchive = DatasetLoader.Load(archive, new DatasetLoadOptions());
        var fromFolder = DatasetLoader.Load(_files.PathOf(dir + "/train.bin"), new DatasetLoadOptions());
        AssertSame(fromFolder, fromArchive);
        Assert.Equal((30, 10, 100), (fromArchive.Train.Count, fromArchive.Test.Count, fromArchive.Classes.Length));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => Fine(i) / 5), fromArchive.Train.CoarseLabels!);
        Assert.Equal(Path.Combine(archive, "cifar-100-binary"), fromArchive.Source);
        Assert.Equal([archive], Directory.GetFileSystemEntries(Path.GetDirectoryName(archive)!));
    }

    [Fact]
    public void Cifar10_binary_tar_gz_keeps_the_batch_order_whatever_the_archive_order()
    {
        string dir = WriteCifar10();
        string inOrder = _files.TarGz(dir, "download/cifar-10-binary.tar.gz");
        // The same files written into the archive in reverse order.
        string reversed = _files.PathOf("download/reversed.tgz");
        using (var file = File.Create(reversed))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip))
            foreach (var f in Directory.GetFiles(_files.PathOf(dir + "/x")[..^2]).OrderDescending())
                tar.WriteEntry(f, "cifar-10-batches-bin/" + Path.GetFileName(f));

        var options = new DatasetLoadOptions { TrainCount = 10 };
        var a = DatasetLoader.Load(inOrder, options);
        var b = DatasetLoader.Load(reversed, options);
        AssertSame(a, b);
        Assert.Equal("CIFAR-10", a.Name);
        Assert.Equal(10, a.Classes.Length);
        Assert.Equal((10, 6), (a.Train.Count, a.Test.Count));
        // The first 10 training records run through batches 1, 2 and half of 3.
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(i => DatasetFileWriter.Image(i, 3, 1024)), b.Train.Images);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i % 10), b.Train.Labels);
    }

    [Fact]
    public void A_folder_that_holds_the_data_set_one_level_down_is_read()
    {
        WriteCifar100(at: "downloads");
        var data = DatasetLoader.Load(_files.PathOf("downloads/x")[..^2], new DatasetLoadOptions());
        Assert.Equal("CIFAR-100", data.Name);
        Assert.Equal(Path.Combine(_files.Root, "downloads", "cifar-100-binary"), data.Source);

        _files.WriteIdxImages("downloads/mnist/train-images-idx3-ubyte", 3, 4, 4, gzip: false);
        var e = Assert.Throws<DatasetException>(
            () => DatasetLoader.Load(_files.PathOf("downloads/x")[..^2], new DatasetLoadOptions()));
        Assert.Equal(ErrorIds.AmbiguousDataset, e.ErrorId);
        Assert.Contains("cifar-100-binary (Cifar100), mnist (Idx)", e.Message);
    }

    private string WriteImageFolder(string dir)
    {
        foreach (var (name, colour) in new[] { ("daisy", new Rgb24(250, 250, 200)), ("rose", new Rgb24(200, 20, 40)) })
            for (int i = 0; i < 5; i++)
                _files.WritePng($"{dir}/{name}/{name}{i}.png", 8, 8,
                    new Rgb24((byte)(colour.R - i), colour.G, colour.B));
        return dir;
    }

    [Fact]
    public void An_image_folder_as_zip_and_as_tar_gz_reads_as_the_folder_does()
    {
        string dir = WriteImageFolder("src/flowers");
        var options = new DatasetLoadOptions { TestFraction = 0.2 };
        var folder = DatasetLoader.Load(_files.PathOf(dir + "/x")[..^2], options);
        var zip = DatasetLoader.Load(_files.Zip(dir, "download/flowers.zip"), options);
        var tar = DatasetLoader.Load(_files.TarGz(dir, "download/flowers.tar.gz"), options);
        Assert.Equal(["daisy", "rose"], folder.Classes);
        Assert.Equal((8, 2), (folder.Train.Count, folder.Test.Count));
        AssertSame(folder, zip);
        AssertSame(folder, tar);
        Assert.Equal("flowers", zip.Name);
    }

    [Fact]
    public void A_truncated_archive_names_the_entry_it_ends_in()
    {
        string archive = _files.TarGz(WriteCifar100(), "download/cifar-100-binary.tar.gz");
        var bytes = File.ReadAllBytes(archive);
        string cut = _files.PathOf("download/cut.tar.gz");
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 2 / 3)]);
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(cut, new DatasetLoadOptions()));
        Assert.Equal(ErrorIds.TruncatedDatasetFile, e.ErrorId);
        Assert.Matches("cut.tar.gz' is truncated in entry 'cifar-100-binary/[a-z_]+\\.(bin|txt)'", e.Message);
    }

    [Fact]
    public void A_damaged_zip_entry_names_the_entry()
    {
        string dir = WriteImageFolder("src/flowers");
        string zip = _files.Zip(dir, "download/flowers.zip");
        var bytes = File.ReadAllBytes(zip);
        // The first entry's data starts after its 30-byte local header, name and extra field.
        int nameLength = BitConverter.ToUInt16(bytes, 26), extra = BitConverter.ToUInt16(bytes, 28);
        string first = System.Text.Encoding.ASCII.GetString(bytes, 30, nameLength);
        for (int k = 0; k < 16; k++) bytes[30 + nameLength + extra + k] ^= 0x5A;
        File.WriteAllBytes(zip, bytes);
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(zip, new DatasetLoadOptions()));
        Assert.Equal(ErrorIds.CorruptDatasetFile, e.ErrorId);
        Assert.Contains(first, e.Message);

        File.WriteAllBytes(zip, [1, 2, 3, 4, 5, 6, 7, 8]);
        var notZip = Assert.Throws<DatasetException>(() => DatasetLoader.Load(zip, new DatasetLoadOptions()));
        Assert.Equal(ErrorIds.CorruptDatasetFile, notZip.ErrorId);
        Assert.Contains("before its first entry", notZip.Message);
    }

    [Fact]
    public void A_truncated_record_inside_an_archive_names_the_archive_and_the_entry()
    {
        string dir = WriteCifar100();
        File.AppendAllText(_files.PathOf(dir + "/test.bin"), "xyz");
        string archive = _files.TarGz(dir, "download/cifar-100-binary.tar.gz");
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(archive, new DatasetLoadOptions()));
        Assert.Equal(ErrorIds.TruncatedDatasetFile, e.ErrorId);
        Assert.Equal(Path.Combine(archive, "cifar-100-binary/test.bin"), e.Path);
        Assert.Equal(30_740, e.Offset);
    }
}
