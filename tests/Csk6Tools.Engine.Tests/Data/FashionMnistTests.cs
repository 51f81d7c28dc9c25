using System.IO.Compression;
using Csk6Tools.Engine.Data;

namespace Csk6Tools.Engine.Tests.Data;

/// <summary>The real Fashion-MNIST from Debian's dataset-fashion-mnist package (CI installs it).</summary>
public sealed class FashionMnistTests
{
    private static void RequirePackage()
        => Skip.IfNot(Directory.Exists(FashionMnist.DebianFolder),
            $"{FashionMnist.DebianFolder} is absent: install Debian's {FashionMnist.DebianPackage} package (CI does).");

    private static byte[] Decompressed(string file)
    {
        using var gz = new GZipStream(
            File.OpenRead(Path.Combine(FashionMnist.DebianFolder, file)), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gz.CopyTo(memory);
        return memory.ToArray();
    }

    [SkippableFact]
    public void Loads_all_70000_images_with_the_labels_in_the_files()
    {
        RequirePackage();
        var data = DatasetLoader.LoadFashionMnist(new DatasetLoadOptions());

        Assert.Equal("Fashion-MNIST", data.Name);
        Assert.Equal((1, 28, 28), (data.Channels, data.Height, data.Width));
        Assert.Equal((60000, 10000), (data.Train.Count, data.Test.Count));
        Assert.Equal("T-shirt/top", data.Classes[0]);
        Assert.Equal("Ankle boot", data.Classes[9]);
        Assert.Equal([9, 0, 0, 3, 0, 2, 7, 2, 5, 5], data.Train.Labels[..10]);
        Assert.Equal([9, 2, 1, 1, 6, 1, 4, 6, 5, 7], data.Test.Labels[..10]);
        Assert.Equal(Decompressed("train-labels-idx1-ubyte.gz")[8..].Select(b => (int)b), data.Train.Labels);
        Assert.Equal(Decompressed("t10k-images-idx3-ubyte.gz")[16..], data.Test.Images);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, data.Train.Labels.Count(l => l == c)));
        Assert.Equal(76247, data.Train.Image(0).ToArray().Sum(b => b));
        // Over the 47,040,000 training pixels: mean 0.2860406, std 0.3530242.
        Assert.Equal(0.2860406, data.Mean[0], 6);
        Assert.Equal(0.3530242, data.Std[0], 6);
    }

    [SkippableFact]
    public void Loads_a_small_subset_for_quick_runs()
    {
        RequirePackage();
        var data = DatasetLoader.LoadFashionMnist(new DatasetLoadOptions { TrainCount = 300, TestCount = 100 });
        Assert.Equal((300, 100), (data.Train.Count, data.Test.Count));
        Assert.Equal([9, 0, 0, 3, 0, 2, 7, 2, 5, 5], data.Train.Labels[..10]);
    }
}
