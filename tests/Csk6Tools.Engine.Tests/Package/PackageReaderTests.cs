using Csk6Tools.Engine.Target;
using System.Text;
using Csk6Tools.Engine.Package;
using Xunit;

namespace Csk6Tools.Engine.Tests.Package;

public class PackageReaderTests
{
    [Fact]
    public void Crc24CheckValue() => Assert.Equal(0xB30D04u, Crc24.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void ReadsTheV2Demo()
    {
        var p = ThinkerPackage.Read(Fixtures.Path("resnet18_v2_model.bin"));
        Assert.Equal(PackageLayout.V2, p.Layout);
        Assert.Equal(0x1EDE9Eu, p.Crc);
        Assert.Equal(2_932_416, p.TotalSize);
        Assert.Equal([(MemoryKind.Psram, 2_875_136L, true), (MemoryKind.ShareMem, 384_752L, false)],
            p.Memories.Select(m => (m.Kind, m.Size, m.IsParameterBlob)));
        Assert.Equal(350, p.Tensors.Count);
        Assert.Equal(["workspace", "dma_buffer1", "dma_buffer2"], p.Tensors.Skip(347).Select(t => t.Name));
        Assert.Equal([64, 3, 3, 8], p.Tensors[1].Shape);
        Assert.Equal(TensorLayout.Nhwc8, p.Tensors[1].Layout);
        Assert.Equal(7, p.Tensors[1].Exponent);
        Assert.Equal(6, p.InputTensor.Exponent);
        Assert.Equal([1, 3, 32, 32], p.InputTensor.Shape);
        Assert.Equal(139, p.Operators.Count);
        Assert.Equal(110, p.Operators.Count(o => o.Type == ThinkerOp.Conv2dInt));
        Assert.Equal(10, p.Operators.Count(o => o.Type == ThinkerOp.iqCat));
        Assert.Equal([0, 1, 2, 40, 348],
            p.Operators[0].Inputs.Concat(p.Operators[0].Outputs).Concat(p.Operators[0].Temps));
        Assert.Equal(new PackageIO(0, "input"), p.Inputs[0]);
        Assert.Equal(new PackageIO(94, "Dequant_output_386"), p.Outputs[0]);
        Assert.Equal(4, p.OutputTensor.Exponent);
        Assert.Equal(33_056, p.ParameterBlobs.Single().FileOffset);
        Assert.Equal(111, p.Dma.Count);
        Assert.Equal(new PackageDma(MemoryKind.Psram, MemoryKind.ShareMem, 1, 348, 4_864), p.Dma[0]);
        var stem = Conv2dAttributes.Parse(p.Operators[0].Attributes);
        Assert.Equal((3, 3, 1, 1, 1, FusedActivation.Relu),
            (stem.KernelH, stem.KernelW, stem.StrideH, stem.PadTop, stem.Group, stem.Activation));
        Assert.Equal(p.Operators[0].Attributes.AsSpan(0, Conv2dAttributes.Size).ToArray(), stem.ToBytes());
        var fc = p.Operators.Single(o => o.Type == ThinkerOp.LinearInt);
        var linear = LinearAttributes.Parse(fc.Attributes);
        Assert.Equal((0f, 0f, false, true, (byte)4),
            (linear.Alpha, linear.Beta, linear.TransA, linear.TransB, linear.QuantType));
        Assert.Equal(fc.Attributes.AsSpan(0, LinearAttributes.Size).ToArray(), linear.ToBytes());
    }

    [Fact]
    public void ReadsTheV3DemoAndTellsTheLayoutsApart()
    {
        var p = ThinkerPackage.Read(Fixtures.Path("resnet18_v3_model.bin"));
        Assert.Equal(PackageLayout.V3, p.Layout);
        Assert.Equal(0xED41C2u, p.Crc);
        Assert.Equal("venus", p.PlatformName);
        Assert.Equal(350, p.Tensors.Count);
        Assert.Equal([32, 9, 1, 2, 8], p.Tensors[1].Shape);
        Assert.Equal(139, p.Operators.Count);
        Assert.Contains("3.x", p.Runtime);
    }

    [Fact]
    public void DamagedFilesGiveStableErrors()
    {
        var good = File.ReadAllBytes(Fixtures.Path("resnet18_v2_model.bin"));
        Assert.Equal(ErrorIds.PackageTruncated, Fail(good[..1000]).ErrorId);
        Assert.Equal(ErrorIds.PackageTruncated, Fail(good[..40]).ErrorId);
        var flipped = (byte[])good.Clone();
        flipped[100_000] ^= 1;
        var crc = Fail(flipped);
        Assert.Equal(ErrorIds.PackageCrcMismatch, crc.ErrorId);
        Assert.Contains("0x1EDE9E", crc.Message);
        var label = (byte[])good.Clone();
        label[0] = (byte)'T';
        Assert.Equal(ErrorIds.PackageNotThinker, Fail(label).ErrorId);
        Assert.Equal(ErrorIds.PackageCorrupt, Fail([.. good, 0]).ErrorId);
    }

    [Fact]
    public void FuzzedPackagesNeverCrash()
    {
        var good = File.ReadAllBytes(Fixtures.Path("resnet18_v2_model.bin"));
        var random = new Random(7);
        for (int round = 0; round < 400; round++)
        {
            var bytes = (byte[])good.Clone();
            for (int k = 0; k < 4; k++) bytes[random.Next(16, 33_056)] = (byte)random.Next(256);
            bytes[16] = bytes[17] = bytes[18] = bytes[19] = 0; // CRC off, so the damage reaches the parser
            try { new Csk6Tools.Engine.Inference.Int8Engine(ThinkerPackage.Read(bytes)).Run(new byte[3072]); }
            catch (PackageFormatException) { }
            catch (Csk6Tools.Engine.Inference.InferenceException) { }
        }
    }

    private static PackageFormatException Fail(byte[] bytes) =>
        Assert.Throws<PackageFormatException>(() => ThinkerPackage.Read(bytes));
}

public class PackageWriterTests
{
    [Theory]
    [InlineData("resnet18_v2_model.bin")]
    [InlineData("resnet18_v3_model.bin")] // v3: the (empty) shape-infer section and the platform field
    public void RewritesLISTENAIsPackageByteForByte(string file)
    {
        var original = File.ReadAllBytes(Fixtures.Path(file));
        var rewritten = PackageWriter.Write(PackageContent.From(ThinkerPackage.Read(original)));
        Assert.Equal(original.Length, rewritten.Length);
        int first = Enumerable.Range(0, original.Length).FirstOrDefault(i => original[i] != rewritten[i], -1);
        Assert.True(first < 0, $"first difference at byte {first}");
    }

    [Theory]
    [InlineData("conv1.0.weight", "conv1.0.weight")]
    [InlineData("conv5_x.1.residual_function.3.pointwise.weight_Conv2dInt_59Conv2dInt_380_6",
        "dual_function.3.pointwise.weight_Conv2dInt_59Conv2dInt_380_6")]
    public void DebugNamesKeepTheLastSixtyCharacters(string name, string stored) =>
        Assert.Equal(stored, PackageWriter.DebugName(name));
}
