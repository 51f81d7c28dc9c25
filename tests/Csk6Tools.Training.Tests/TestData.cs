using System.IO.Compression;
using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Graph;

namespace Csk6Tools.Training.Tests;

/// <summary>Data sets and graphs for the tests: synthetic, separable ones, and a slice of Fashion-MNIST when Debian's
/// package is installed.</summary>
internal static class TestData
{
    public const string FashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Four classes of 1×12×12 images that survive crops, flips and small rotations: horizontal stripes,
    /// vertical stripes, a bright centre, noise only.</summary>
    public static Dataset Quadrants(int train = 256, int test = 64, int seed = 1)
    {
        DatasetSplit Split(int n, Random r)
        {
            var images = new byte[n * 144];
            var labels = new int[n];
            for (int i = 0; i < n; i++)
            {
                int k = labels[i] = r.Next(4);
                for (int p = 0; p < 144; p++) images[i * 144 + p] = (byte)r.Next(60);
                for (int y = 0; y < 12; y++)
                    for (int x = 0; x < 12; x++)
                    {
                        bool on = k switch
                        {
                            0 => y % 4 < 2,
                            1 => x % 4 < 2,
                            2 => Math.Abs(y - 5.5) < 3 && Math.Abs(x - 5.5) < 3,
                            _ => false,
                        };
                        if (on) images[i * 144 + y * 12 + x] = (byte)(180 + r.Next(70));
                    }
            }
            return new DatasetSplit(images, labels, 1, 12, 12);
        }
        var random = new Random(seed);
        return new Dataset
        {
            Name = "quadrants", Source = "synthetic", Classes = ["horizontal", "vertical", "centre", "noise"],
            Train = Split(train, random), Test = Split(test, random), Mean = [0.2f], Std = [0.3f],
        };
    }

    /// <summary>A small residual network using most operators: conv+BN+ReLU, depthwise, add, max pool, global pool,
    /// linear.</summary>
    public static ModelGraph SmallResidual(int classes = 4, int channels = 1, int size = 12)
    {
        var b = new GraphBuilder("small", new TensorShape(channels, size, size));
        string x = b.Add(Conv2dNode.Create("stem.0", channels, 8, 3, padding: 1), b.Input);
        x = b.Add(new BatchNorm2dNode { Name = "stem.1", NumFeatures = 8 }, x);
        x = b.Add(new ReluNode { Name = "stem.2" }, x);
        string r = b.Add(Conv2dNode.Create("block.dw", 8, 8, 3, padding: 1, groups: 8), x);
        r = b.Add(Conv2dNode.Create("block.pw", 8, 8, 1), r);
        r = b.Add(new BatchNorm2dNode { Name = "block.bn", NumFeatures = 8 }, r);
        x = b.Add(new AddNode { Name = "block.add" }, r, x);
        x = b.Add(new ReluNode { Name = "block.relu" }, x);
        x = b.Add(new MaxPool2dNode { Name = "pool", Kernel = [2, 2], Stride = [2, 2] }, x);
        x = b.Add(new GlobalAvgPoolNode { Name = "gap" }, x);
        x = b.Add(new FlattenNode { Name = "flatten" }, x);
        b.Add(new LinearNode { Name = "fc", InFeatures = 8, OutFeatures = classes }, x);
        return b.Build();
    }

    /// <summary>The operators SmallResidual lacks: grouped, strided, dilated and asymmetrically padded convs with bias,
    /// ReLU6, pools, concat, reshape.</summary>
    public static ModelGraph AllOperators(int classes = 4)
    {
        var b = new GraphBuilder("all-ops", new TensorShape(1, 12, 12));
        string x = b.Add(Conv2dNode.Create("a", 1, 4, 3, padding: 1, bias: true), b.Input);
        x = b.Add(new Relu6Node { Name = "a.relu6" }, x);
        string g = b.Add(new Conv2dNode
        {
            Name = "grouped", InChannels = 4, OutChannels = 4, Kernel = [2, 2], Stride = [2, 2], Pads = [0, 0, 1, 1],
            Groups = 2,
        }, x);
        string d = b.Add(new Conv2dNode
        {
            Name = "dilated", InChannels = 4, OutChannels = 4, Kernel = [3, 3], Stride = [2, 2], Pads = [2, 2, 2, 2],
            Dilation = [2, 2],
        }, x);
        d = b.Add(new BatchNorm2dNode { Name = "dilated.bn", NumFeatures = 4 }, d);
        x = b.Add(new ConcatNode { Name = "cat", Axis = 0 }, g, d);
        x = b.Add(new MaxPool2dNode { Name = "max", Kernel = [3, 3], Stride = [1, 1], Pads = [1, 1, 1, 1] }, x);
        x = b.Add(new AvgPool2dNode { Name = "avg", Kernel = [2, 2], Stride = [2, 2] }, x);
        x = b.Add(new ReshapeNode { Name = "reshape", Shape = [-1] }, x);
        b.Add(new LinearNode { Name = "fc", InFeatures = 8 * 3 * 3, OutFeatures = classes }, x);
        return b.Build();
    }

    /// <summary>The first <paramref name="train"/> and <paramref name="test"/> images of Debian's Fashion-MNIST, or
    /// null when it is not installed.</summary>
    public static Dataset? FashionMnist(int train, int test)
    {
        if (!Directory.Exists(FashionMnistFolder)) return null;
        DatasetSplit Split(string prefix, int n)
        {
            var images = Idx(Path.Combine(FashionMnistFolder, $"{prefix}-images-idx3-ubyte.gz"), 16, n * 784);
            var labels = Idx(Path.Combine(FashionMnistFolder, $"{prefix}-labels-idx1-ubyte.gz"), 8, n)
                .Select(l => (int)l)
                .ToArray();
            return new DatasetSplit(images, labels, 1, 28, 28);
        }
        return new Dataset
        {
            Name = "fashion-mnist", Source = FashionMnistFolder,
            Classes =
            [
                "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                "Ankle boot",
            ],
            Train = Split("train", train), Test = Split("t10k", test), Mean = [0.2860f], Std = [0.3530f],
        };
    }

    private static byte[] Idx(string path, int header, int count)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var bytes = new byte[header + count];
        gz.ReadExactly(bytes);
        return bytes[header..];
    }
}
