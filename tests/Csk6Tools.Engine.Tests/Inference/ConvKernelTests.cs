using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Quant;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Tests.Inference;

/// <summary>The general convolution kernel (phase planes, tap-major columns, GEMM) against the definition, loop by
/// loop, on every path.</summary>
public class ConvKernelTests
{
    public record Geometry(
        int In, int Out, int Size, int[] Kernel, int[] Stride, int[] Pads, int[] Dilation, int Groups)
    {
        public override string ToString() =>
            $"{In}->{Out} {Size}x{Size} k{string.Join("x", Kernel)} s{string.Join("x", Stride)} " +
            $"p{string.Join(",", Pads)} d{string.Join("x", Dilation)} g{Groups}";
    }

    private static readonly Geometry[] Geometries =
    [
        new(3, 16, 12, [3, 3], [1, 1], [1, 1, 1, 1], [1, 1], 1),      // an RGB stem: an odd channel count
        new(8, 14, 11, [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], 1),      // stride 2 on an odd size
        // stride 2 on rows long enough for vectors, odd width
        new(3, 10, 41, [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], 1),
        new(4, 6, 23, [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], 1),       // stride 2: a 16-pixel split, then the tail
        new(6, 5, 9, [1, 1], [2, 2], [0, 0, 0, 0], [1, 1], 1),        // a strided 1×1 (not pointwise)
        new(10, 9, 7, [1, 1], [1, 1], [0, 0, 0, 0], [1, 1], 1),       // pointwise
        new(4, 6, 10, [3, 3], [1, 1], [2, 2, 2, 2], [2, 2], 1),       // dilated
        new(5, 7, 13, [5, 3], [2, 1], [2, 0, 1, 1], [1, 1], 1),       // rectangular kernel, asymmetric pads and strides
        new(33, 40, 6, [3, 3], [1, 1], [1, 1, 1, 1], [1, 1], 1),      // more rows than one GEMM block, odd channels
        new(9, 11, 8, [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], 1),       // a 4×4 output: panels of 16 positions
        new(7, 19, 3, [1, 1], [1, 1], [0, 0, 0, 0], [1, 1], 1),       // pointwise on 3×3: 9 of 16 positions
    ];

    public static TheoryData<Geometry, KernelPath> Cases()
    {
        var data = new TheoryData<Geometry, KernelPath>();
        foreach (var path in TestedPaths.All)
            foreach (var g in Geometries) data.Add(g, path);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void ConvolutionEqualsTheDefinition(Geometry g, KernelPath path)
    {
        Skip.IfNot(KernelPaths.IsSupported(path), $"This CPU has no {path}.");
        var package = ThinkerPackage.Read(PackageBuilder.Build(Model(g)).Bytes);
        var engine = new Int8Engine(package, path);
        Assert.Contains(nameof(ConvKernel), engine.KernelNames);
        var random = new Random(g.GetHashCode());
        for (int run = 0; run < 2; run++)
        {
            var input = new byte[g.In * g.Size * g.Size];
            random.NextBytes(input);
            Assert.Equal(Definition(package, input), engine.Run(input));
        }
    }

    private static Csk6Model Model(Geometry g)
    {
        var b = new GraphBuilder("conv", new TensorShape(g.In, g.Size, g.Size));
        var conv = Conv2dNode.Create("conv", g.In, g.Out, 1, groups: g.Groups, bias: true) with
        {
            Kernel = g.Kernel, Stride = g.Stride, Pads = g.Pads, Dilation = g.Dilation,
        };
        b.Add(conv, b.Input);
        var random = new Random(g.In * 31 + g.Out);
        float[] Values(int n, float scale) =>
            Enumerable.Range(0, n).Select(_ => random.Next(-128, 128) / scale).ToArray();
        return new Csk6Model
        {
            Graph = b.Build(),
            Weights = new Dictionary<string, WeightTensor>
            {
                ["conv.weight"] = new([g.Out, g.In / g.Groups, g.Kernel[0], g.Kernel[1]],
                    Values(g.Out * g.In / g.Groups * g.Kernel[0] * g.Kernel[1], 128)),
                ["conv.bias"] = new([g.Out], Values(g.Out, 64)),
            },
            Stage = ModelStage.Quantized,
            Quantization = new QuantizationState
            {
                InputExponent = 6,
                Layers = new Dictionary<string, LayerQuantization>
                {
                    ["conv"] = new() { Inputs = [6], Output = 4, Weight = 7 },
                },
            },
        };
    }

    /// <summary>Σ over the window of x·w + b, then the requantization, straight from the package's tensors.</summary>
    private static byte[] Definition(ThinkerPackage package, byte[] input)
    {
        var op = package.Operators.Single(o => o.Type == ThinkerOp.Conv2dInt);
        var c = ConvOperands.Read(op, package);
        var memory = new TensorMemory(package);
        var a = c.Attributes;
        int cin = c.X.Shape[1], h = c.X.Shape[2], w = c.X.Shape[3],
            cout = c.Y.Shape[1], oh = c.Y.Shape[2], ow = c.Y.Shape[3];
        var weights = KernelChecks.UnpackWeight(memory.Int8(c.Weight), cout, cin, a.Group, a.KernelH, a.KernelW, op);
        var bias = memory.Int32(c.Bias!).ToArray();
        int groupIn = cin / a.Group, groupOut = cout / a.Group;
        var output = new byte[cout * oh * ow];
        for (int o = 0; o < cout; o++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                {
                    int acc = bias[o];
                    for (int i = 0; i < groupIn; i++)
                        for (int ky = 0; ky < a.KernelH; ky++)
                            for (int kx = 0; kx < a.KernelW; kx++)
                            {
                                int iy = oy * a.StrideH + ky * a.DilationH - a.PadTop,
                                    ix = ox * a.StrideW + kx * a.DilationW - a.PadLeft;
                                if ((uint)iy >= (uint)h || (uint)ix >= (uint)w) continue;
                                int channel = o / groupOut * groupIn + i;
                                acc += (sbyte)input[(channel * h + iy) * w + ix] *
                                    weights[((o * groupIn + i) * a.KernelH + ky) * a.KernelW + kx];
                            }
                    output[(o * oh + oy) * ow + ox] = (byte)Int8Arithmetic.Requantize(acc, c.Shift, c.Relu);
                }
        return output;
    }
}
