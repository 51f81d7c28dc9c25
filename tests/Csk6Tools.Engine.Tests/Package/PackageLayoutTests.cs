using System.Buffers.Binary;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Package;
using Xunit;

namespace Csk6Tools.Engine.Tests.Package;

/// <summary>
/// A hand-built quantized network (conv 3×3 + ReLU, global average pool, flatten, linear) packed, and its bytes
/// checked against docs/thinker-model-bin.md field by field: the expectations below are written from the format, not
/// read from our writer.
/// </summary>
public class PackageLayoutTests
{
    private static Csk6Model Model()
    {
        var b = new GraphBuilder("tiny", new TensorShape(1, 4, 4));
        string x = b.Add(Conv2dNode.Create("conv", 1, 2, 3, padding: 1, bias: true), b.Input);
        x = b.Add(new ReluNode { Name = "relu" }, x);
        x = b.Add(new GlobalAvgPoolNode { Name = "gap" }, x);
        x = b.Add(new FlattenNode { Name = "flatten" }, x);
        b.Add(new LinearNode { Name = "fc", InFeatures = 2, OutFeatures = 3 }, x);
        var weights = new Dictionary<string, WeightTensor>
        {
            // int8 1…18 at Q7
            ["conv.weight"] = new([2, 1, 3, 3], Enumerable.Range(1, 18).Select(k => k / 128f).ToArray()),
            // int32 100, 200 at Q13
            ["conv.bias"] = new([2], [100 / 8192f, 200 / 8192f]),
            // int8 1…6 at Q6
            ["fc.weight"] = new([3, 2], Enumerable.Range(1, 6).Select(k => k / 64f).ToArray()),
            // int32 10, 20, 30 at Q10
            ["fc.bias"] = new([3], [10 / 1024f, 20 / 1024f, 30 / 1024f]),
        };
        LayerQuantization L(int input, int output, int? weight = null, bool relu = false) =>
            new() { Inputs = [input], Output = output, Weight = weight, FusedRelu = relu };
        return new Csk6Model
        {
            Graph = b.Build(), Weights = weights, Stage = ModelStage.Quantized,
            Quantization = new QuantizationState
            {
                InputExponent = 6,
                Layers = new Dictionary<string, LayerQuantization>
                {
                    ["conv"] = L(6, 4, 7, relu: true), ["relu"] = L(4, 4), ["gap"] = L(4, 4), ["flatten"] = L(4, 4),
                    ["fc"] = L(4, 3, 6),
                },
            },
        };
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    [Fact]
    public void EveryRecordFollowsTheReferenceLayout()
    {
        var bytes = PackageBuilder.Build(Model()).Bytes;
        uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));

        // Header: label, CRC-24 over [80, end), section offsets, total size.
        Assert.Equal(Hex("7468696e6b6572313000000000000000"), bytes[..16]);
        Assert.Equal(Crc24.Compute(bytes.AsSpan(80)), U32(16));
        Assert.Equal(80u, U32(20));
        Assert.Equal(0u, U32(28) | U32(40) | U32(48) | U32(60));
        Assert.Equal((ulong)bytes.Length, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(64)));

        // Memory: one parameter blob (PSRAM: 144 + 16 + 16 + 16 + 16 bytes), one SHARE_MEM arena of 304 bytes (the
        // peak: ReLU output 32 + pool output 16 + workspace 64 + DMA buffers 160 and 32 while the pool runs).
        Assert.Equal(Hex("0100 0200 10000000 10000000 10000000" + "d0000000 01 00 0000 0000000000000000" +
            "30010000 02 00 0000 0000000000000000"), bytes[80..128]);

        // Tensors: input, the constants, the activations, workspace, the two DMA buffers.
        int tensors = (int)U32(24);
        Assert.Equal(Hex("0d000000 40000000 10000000 10000000"), bytes[tensors..(tensors + 16)]);
        byte[] Tensor(int id) => bytes[(tensors + 16 + 64 * id)..(tensors + 16 + 64 * (id + 1))];
        // conv.weight: PSRAM, int8, param blob, Q7, shape (2, 3, 3, 8) = ALIGN2(2) × 3 × 3 × ALIGN8(1), offset 0,
        // NHWC8.
        Assert.Equal(Hex("01 00 0169 00000000 0000e040 00000000 04000000 02000000 03000000 03000000 08000000 " +
            "000000000000000000000000 0000000000000000 03 000000 00000000"), Tensor(1));
        // conv.bias: int32, no scale (−1), shape (2,), right after the 144 weight bytes.
        Assert.Equal(Hex("01 00 0469 00000000 000080bf 00000000 01000000 02000000 " +
            "000000000000000000000000000000000000000000000000 9000000000000000 00 000000 00000000"), Tensor(2));
        // fc.weight: int8 (2, 3) at 160, layout 0; the layers' constants come first, then flatten's shape constant:
        // int64 (2,) at 192 (tpacker: ONNX Constant nodes follow the initializers).
        Assert.Equal(Hex("01 00 0169 00000000 0000c040 00000000 02000000 02000000 03000000"), Tensor(3)[..28]);
        Assert.Equal(Hex("a000000000000000 00"), Tensor(3)[48..57]);
        Assert.Equal(Hex("01 00 0869 00000000 000080bf 00000000 01000000 02000000"), Tensor(5)[..24]);
        Assert.Equal(Hex("c000000000000000 00"), Tensor(5)[48..57]);
        // input: SHARE_MEM arena, int8, Q6, (1, 1, 4, 4).
        Assert.Equal(Hex("02 00 0169 01000000 0000c040 00000000 04000000 01000000 01000000 04000000 04000000"),
            Tensor(0)[..36]);

        // Operators: 4 records, names in order of first use.
        int ops = (int)U32(32);
        Assert.Equal(Hex("0400 0400 10 10 1000 50000000"), bytes[ops..(ops + 12)]);
        Assert.Equal("Conv2dInt", System.Text.Encoding.ASCII.GetString(bytes, ops + 16, 9));
        int conv = ops + 80;
        // Conv2dInt: attributes at 16, ids at 48, 80 bytes; 3 inputs, 1 output, 1 temp (dma_buffer1), LUNA.
        Assert.Equal(Hex("0000 1000 3000 5000 5000 0300 0100 01 01"), bytes[conv..(conv + 16)]);
        Assert.Equal(Hex("010100000300030000000101010100000101000001000000 0401 000000000000"),
            bytes[(conv + 16)..(conv + 48)]);
        Assert.Equal(Hex("00000000 01000000 02000000 06000000 0b000000"), bytes[(conv + 48)..(conv + 68)]);

        // IO: one input, one output, names 16 bytes each after the ids.
        int io = (int)U32(36);
        Assert.Equal(Hex("0100 0100 0000 1000 10000000 18000000 00000000 09000000"), bytes[io..(io + 24)]);
        Assert.Equal("input", System.Text.Encoding.ASCII.GetString(bytes, io + 24, 5));
        Assert.Equal("fc", System.Text.Encoding.ASCII.GetString(bytes, io + 40, 2));

        // Parameters: one PSRAM blob of 208 bytes; the packed conv weight interleaves the two output channels.
        int param = (int)U32(52);
        Assert.Equal(Hex("01000000 10000000 10000000 10000000 01 00 0000 10000000 d000000000000000"),
            bytes[param..(param + 32)]);
        var blob = bytes[(param + 32)..(param + 32 + 208)];
        for (int pos = 0; pos < 9; pos++)
            Assert.Equal([(byte)(pos + 1), 0, 0, 0, 0, 0, 0, 0, (byte)(pos + 10), 0, 0, 0, 0, 0, 0, 0],
                blob[(16 * pos)..(16 * pos + 16)]);
        Assert.Equal(Hex("64000000 c8000000"), blob[144..152]);
        Assert.Equal(Hex("010305020406"), blob[160..166]);
        Assert.Equal(Hex("0a000000 14000000 1e000000"), blob[176..188]);
        Assert.Equal(Hex("ffffffffffffffff 0200000000000000"), blob[192..208]);

        // DMA: conv weight + bias into dma_buffer1, fc weight + bias into dma_buffer2. Sizes run to the end of the
        // bias at its 16-aligned place after the weight (144 + 16, 16 + 16), so the bias the kernel finds there is
        // copied too.
        int dma = (int)U32(56);
        Assert.Equal(Hex("02000000 10000000 10000000 10000000" + "01 00 02 00 0100 0b00 a000000000000000" +
            "01 00 02 00 0300 0c00 2000000000000000"), bytes[dma..(dma + 48)]);
        Assert.Equal(bytes.Length, dma + 48);

        // And it reads back.
        var package = ThinkerPackage.Read(bytes);
        Assert.Equal(
            [
                "input", "conv.weight", "conv.bias", "fc.weight", "fc.bias", "flatten.shape", "relu", "gap", "flatten",
                "fc", "workspace", "dma_buffer1", "dma_buffer2",
            ],
            package.Tensors.Select(t => t.Name));
        Assert.Equal(["Conv2dInt", "AvgPool2dInt", "Reshape", "LinearInt"], package.Operators.Select(o => o.Type));
    }
}
