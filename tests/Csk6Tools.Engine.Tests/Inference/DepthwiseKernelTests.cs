using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Tests.Inference;

/// <summary>The depthwise kernel (phase planes, 8 outputs per vector) against the general convolution kernel on a
/// whole feature map.</summary>
public class DepthwiseKernelTests
{
    private static Csk6Model Model(int channels, int size, int stride, int kernel, int seed)
    {
        var b = new GraphBuilder("dw", new TensorShape(channels, size, size));
        b.Add(Conv2dNode.Create("dw", channels, channels, kernel, stride, padding: kernel / 2, groups: channels,
            bias: true), b.Input);
        var random = new Random(seed);
        float[] Values(int n, float scale) =>
            Enumerable.Range(0, n).Select(_ => random.Next(-128, 128) / scale).ToArray();
        LayerQuantization L(int input, int output, int? weight = null) =>
            new() { Inputs = [input], Output = output, Weight = weight };
        return new Csk6Model
        {
            Graph = b.Build(),
            Weights = new Dictionary<string, WeightTensor>
            {
                ["dw.weight"] = new([channels, 1, kernel, kernel], Values(channels * kernel * kernel, 128)),
                ["dw.bias"] = new([channels], Values(channels, 64)),
            },
            Stage = ModelStage.Quantized,
            Quantization = new QuantizationState
            {
                InputExponent = 6,
                Layers = new Dictionary<string, LayerQuantization>
                {
                    ["dw"] = L(6, 5, 7),
                },
            },
        };
    }

    /// <summary>(channels, size, stride, kernel), padded kernel / 2: odd and even sizes, rows long enough for every
    /// vector width of the stride-2 split and its tail, a 1×1 stride 2 (no padding), 5×5 (padding 2).</summary>
    private static readonly (int, int, int, int)[] Shapes =
    [
        (16, 20, 1, 3), (24, 19, 2, 3), (8, 9, 1, 3), (32, 4, 1, 3), (12, 8, 2, 3), (6, 11, 1, 5), (4, 32, 2, 5),
        (16, 32, 2, 3), (5, 33, 2, 3), (8, 17, 2, 1), (3, 48, 1, 3),
    ];

    public static TheoryData<int, int, int, int, KernelPath> Cases()
    {
        var data = new TheoryData<int, int, int, int, KernelPath>();
        foreach (var path in TestedPaths.All)
            foreach (var (channels, size, stride, kernel) in Shapes) data.Add(channels, size, stride, kernel, path);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void DepthwiseKernelEqualsTheGeneralConvolution(
        int channels, int size, int stride, int kernel, KernelPath path)
    {
        Skip.IfNot(KernelPaths.IsSupported(path), $"This CPU has no {path}.");
        var package = ThinkerPackage.Read(
            PackageBuilder.Build(Model(channels, size, stride, kernel, channels * size)).Bytes);
        var specialized = new Int8Engine(package, path);
        var general = new Int8Engine(package, KernelPath.Scalar, depthwiseKernel: false);
        Assert.Contains(specialized.KernelNames, k => k == nameof(DepthwiseKernel));
        Assert.DoesNotContain(general.KernelNames, k => k == nameof(DepthwiseKernel));
        var random = new Random(size);
        int outSize = (size + 2 * (kernel / 2) - kernel) / stride + 1;
        for (int run = 0; run < 3; run++)
        {
            var input = new byte[channels * size * size];
            random.NextBytes(input);
            var expected = general.Run(input);
            Assert.Equal(channels * outSize * outSize, expected.Length);
            Assert.Equal(expected, specialized.Run(input));
        }
    }
}
