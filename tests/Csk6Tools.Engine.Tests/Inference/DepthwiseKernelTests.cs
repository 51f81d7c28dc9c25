using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Tests.Inference;

/// <summary>The depthwise kernel (phase planes, 8 outputs per vector) against the general convolution kernel on a whole feature map.</summary>
public class DepthwiseKernelTests
{
    private static Csk6Model Model(int channels, int size, int stride, int seed)
    {
        var b = new GraphBuilder("dw", new TensorShape(channels, size, size));
        b.Add(Conv2dNode.Create("dw", channels, channels, 3, stride, padding: 1, groups: channels, bias: true), b.Input);
        var random = new Random(seed);
        float[] Values(int n, float scale) => Enumerable.Range(0, n).Select(_ => random.Next(-128, 128) / scale).ToArray();
        LayerQuantization L(int input, int output, int? weight = null) => new() { Inputs = [input], Output = output, Weight = weight };
        return new Csk6Model
        {
            Graph = b.Build(),
            Weights = new Dictionary<string, WeightTensor>
            {
                ["dw.weight"] = new([channels, 1, 3, 3], Values(channels * 9, 128)),
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

    [Theory]
    [InlineData(16, 20, 1)]
    [InlineData(24, 19, 2)]
    [InlineData(8, 9, 1)]
    public void DepthwiseKernelEqualsTheGeneralConvolution(int channels, int size, int stride)
    {
        var package = ThinkerPackage.Read(PackageBuilder.Build(Model(channels, size, stride, channels * size)).Bytes);
        var specialized = new Int8Engine(package);
        var general = new Int8Engine(package, depthwiseKernel: false);
        Assert.Contains(specialized.KernelNames, k => k == nameof(DepthwiseKernel));
        Assert.DoesNotContain(general.KernelNames, k => k == nameof(DepthwiseKernel));
        var random = new Random(size);
        int outSize = (size - 1) / stride + 1;
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
