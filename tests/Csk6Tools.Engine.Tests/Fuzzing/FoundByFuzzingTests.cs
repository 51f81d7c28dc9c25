using System.Buffers.Binary;
using System.Text;
using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Onnx;
using Csk6Tools.Engine.Package;
using Csk6Tools.Fuzz;

namespace Csk6Tools.Engine.Tests.Fuzzing;

/// <summary>One regression test per bug bench/fuzz.ps1 found: each input made the engine throw something other than its
/// documented errors, or allocate gigabytes.</summary>
public sealed class FoundByFuzzingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("csk6-found-").FullName;
    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // ---- model.bin and the engine: edits of the seed package, with the CRC-24 repaired so the reader gets past
    // it ----

    private static readonly byte[] Seed = PackageBuilder.Build(Seeds.QuantizedModel).Bytes;

    private static uint U32(byte[] b, long at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan((int)at));

    /// <summary>Byte offset of field <paramref name="field"/> of tensor <paramref name="index"/>'s 64-byte
    /// record.</summary>
    private static int TensorField(byte[] b, int index, int field)
    {
        uint table = U32(b, 24);
        return (int)(table + U32(b, table + 12) + (long)U32(b, table + 4) * index + field);
    }

    /// <summary>Byte offset of operator <paramref name="index"/>'s record (records have their own sizes).</summary>
    private static int OperatorRecord(byte[] b, int index)
    {
        uint section = U32(b, 32);
        long at = section + U32(b, section + 8);
        for (int i = 0; i < index; i++) at += BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan((int)at + 8));
        return (int)at;
    }

    private static byte[] Edit(Action<byte[]> edit)
    {
        var b = (byte[])Seed.Clone();
        edit(b);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(16), Crc24.Compute(b.AsSpan(ThinkerPackage.HeaderSize)));
        return b;
    }

    private static string Run(byte[] package)
    {
        try
        {
            var engine = new Int8Engine(ThinkerPackage.Read(package));
            engine.Run(new byte[engine.InputTensor.Bytes]);
            return "ok";
        }
        catch (Csk6Exception e) { return e.ErrorId; }
    }

    private static int TensorOf(string layer) => ThinkerPackage.Read(Seed).Tensors
        .First(t => t.Name.StartsWith(layer, StringComparison.Ordinal))
        .Index;

    [Fact]
    public void TheSeedRuns() => Assert.Equal("ok", Run(Seed));

    [Fact]
    // was ArgumentOutOfRangeException in TensorMemory.Bytes
    public void ATensorOffsetNear2To63DoesNotWrapTheMemoryCheck()
        => Assert.Equal(ErrorIds.PackageCorrupt, Run(Edit(
            b => BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(TensorField(b, 0, 48)), long.MaxValue - 8))));

    [Fact]
    public void ADmaTransferOfMoreThan2To63BytesIsRefused()   // was ArgumentOutOfRangeException in TensorMemory.SpanAt
        => Assert.Equal(ErrorIds.EngineInvalidPackage, Run(Edit(b =>
        {
            uint dma = U32(b, 56);
            BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan((int)(dma + U32(b, dma + 12) + 8)), ulong.MaxValue);
        })));

    [Fact]
    public void AGigabyteArenaInASmallFileIsRefusedBeforeAllocation()   // was OverflowException, or gigabytes allocated
    {
        var package = Edit(b =>
        {
            uint memory = U32(b, 20);
            long arena = memory + U32(b, memory + 12) + U32(b, memory + 4);   // the second memory record: SHARE_MEM
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan((int)arena), 0xF000_0000);
        });
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(ErrorIds.EngineInvalidPackage, Run(package));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
    }

    [Fact]
    public void AnOperatorWithoutInputsIsRefused()   // was IndexOutOfRangeException in PoolKernel
        => Assert.Equal(ErrorIds.EngineInvalidPackage, Run(Edit(b =>
        {
            var pool = ThinkerPackage.Read(Seed).Operators.First(o => o.Type == "MaxPool");
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(OperatorRecord(b, pool.Index) + 10), 0);   // no inputs
        })));

    [Fact]
    public void AnActivationWithBatchZeroIsRefused()   // was IndexOutOfRangeException in PoolKernel.Run
    {
        var pool = ThinkerPackage.Read(Seed).Operators.First(o => o.Type == "MaxPool");
        Assert.Equal(ErrorIds.EngineInvalidPackage, Run(Edit(
            b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(TensorField(b, pool.Outputs[0], 20)), 0))));
    }

    [Fact]
    public void AConvolutionOfARank1TensorIsRefused()   // was IndexOutOfRangeException in DepthwiseKernel.Handles
    {
        var dw = ThinkerPackage.Read(Seed).Operators
            .First(o => o.Type == "Conv2dInt" && Conv2dAttributes.Parse(o.Attributes).Group > 1);
        Assert.Equal(ErrorIds.EngineInvalidPackage, Run(Edit(
            b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(TensorField(b, dw.Outputs[0], 16)), 1))));
    }

    [Fact]
    // was ArgumentOutOfRangeException in DepthwiseKernel.FillPhases
    public void AConvolutionWhoseOutputDoesNotMatchItsGeometryIsRefused()
    {
        var dw = ThinkerPackage.Read(Seed).Operators
            .First(o => o.Type == "Conv2dInt" && Conv2dAttributes.Parse(o.Attributes).Group > 1);
        // It pads 200 columns on the left (attribute byte 11): its output is no longer what the window gives.
        var package = Edit(b => b[OperatorRecord(b, dw.Index) +
            BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(OperatorRecord(b, dw.Index) + 2)) + 11] = 200);
        Assert.Equal(ErrorIds.EngineInvalidPackage, Run(package));
    }

    [Fact]
    public void ALinearWeightWithoutRowsIsRefused()   // was DivideByZeroException in LinearKernel
    {
        var fc = ThinkerPackage.Read(Seed).Operators.First(o => o.Type == "LinearInt");
        Assert.Equal(ErrorIds.EngineInvalidPackage, Run(Edit(
            b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(TensorField(b, fc.Inputs[1], 20)), 0))));
    }

    [Fact]
    public void AQuantWhoseInputIsSmallerThanItsOutputIsRefused()   // was IndexOutOfRangeException in QuantKernel
    {
        var bytes = PackageBuilder.Build(Seeds.QuantizedModel, new PackOptions { KeepQuantDequant = true }).Bytes;
        var quant = ThinkerPackage.Read(bytes).Operators.First(o => o.Type == "Quant");
        uint table = U32(bytes, 24);
        // H of the float input
        int dim = (int)(table + U32(bytes, table + 12) + (long)U32(bytes, table + 4) * quant.Inputs[0] + 28);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(dim), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), 0);   // CRC 0: not checked
        Assert.Equal(ErrorIds.EngineInvalidPackage, Run(bytes));
    }

    // ---- safetensors model files ----

    private string SavedModel()
    {
        string path = Path.Combine(_folder, "m.safetensors");
        ModelFile.Save(Seeds.FloatModel, path);
        return path;
    }

    [Fact]
    public void AHeaderThatIsNotUtf8IsCorrupt()   // was InvalidOperationException (System.Text.Json transcoding)
    {
        string path = SavedModel();
        var bytes = File.ReadAllBytes(path);
        int name = Encoding.ASCII.GetString(bytes).IndexOf("\"stem.weight\"", StringComparison.Ordinal) + 1;
        bytes[name] = 0xFF;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ModelFileException>(() => ModelImporter.Import(path));
        Assert.False(e.Foreign);
        Assert.Contains("UTF-8", e.Message);
    }

    [Fact]
    // was NotSupportedException (a polymorphic node without its discriminator)
    public void AGraphNodeWithoutItsTypeIsCorrupt()
    {
        string path = SavedModel();
        var text = Encoding.Latin1.GetString(File.ReadAllBytes(path));
        int op = text.IndexOf("\\u0022op\\u0022", StringComparison.Ordinal) is >= 0 and var escaped
            ? escaped
            : text.IndexOf("\\\"op\\\"", StringComparison.Ordinal);
        Assert.True(op > 0, "the saved graph names each node's operator under \"op\"");
        var bytes = Encoding.Latin1.GetBytes(text);
        // "op" becomes "xp": same length, no type discriminator
        bytes[op + (text[op + 1] == 'u' ? 6 : 2)] = (byte)'x';
        File.WriteAllBytes(path, bytes);
        Assert.False(Assert.Throws<ModelFileException>(() => ModelImporter.Import(path)).Foreign);
    }

    // ---- images ----

    [Fact]
    public void ABmpWhosePixelDataLiesBeyondTheFileIsInvalid()   // ImageSharp 2.1 allocated 1 GB for this 200-byte file
    {
        string path = Path.Combine(_folder, "far.bmp");
        using (var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(12, 10))
            SixLabors.ImageSharp.ImageExtensions.SaveAsBmp(image, path);
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), int.MaxValue);
        File.WriteAllBytes(path, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DatasetException>(() => Engine.Imaging.InputPreprocessor.FromFile(
            path, Engine.Imaging.InputSpec.Create(3, 8, 8, 5, null, null)));
        Assert.Equal(ErrorIds.InvalidImage, e.ErrorId);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 8 << 20);
    }

    // ---- IDX ----

    private string IdxFolder(byte[] trainImages)
    {
        string folder = Path.Combine(_folder, "idx");
        Directory.CreateDirectory(folder);
        byte[] Labels(int n)
        {
            var b = new byte[8 + n];
            BinaryPrimitives.WriteInt32BigEndian(b, 0x801);
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), n);
            return b;
        }
        byte[] Images(int n)
        {
            var b = new byte[16 + n * 4];
            BinaryPrimitives.WriteInt32BigEndian(b, 0x803);
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), n);
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(8), 2);
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(12), 2);
            return b;
        }
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), trainImages);
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), Labels(2));
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte"), Images(1));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), Labels(1));
        return folder;
    }

    private static byte[] IdxHeader(int count, int rows, int cols)
    {
        var b = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(b, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(12), cols);
        return b;
    }

    [Fact]
    public void AHeaderPromisingTwoGigabytesAllocatesNothingBigRawOrGzip()   // was a 2 GB array for a 16-byte file
    {
        foreach (bool gzip in new[] { false, true })
        {
            string folder = IdxFolder(IdxHeader(2, 32768, 32767));
            if (gzip)
            {
                string raw = Path.Combine(folder, "train-images-idx3-ubyte");
                File.WriteAllBytes(raw + ".gz", Seeds.Gzip(File.ReadAllBytes(raw)));
                File.Delete(raw);
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(folder, new DatasetLoadOptions()));
            Assert.Equal(ErrorIds.TruncatedDatasetFile, e.ErrorId);
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 8 << 20);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    // was OverflowException: 3 × (2^31 − 1)² bytes wrap to a negative long
    public void AHeaderWhoseSizeOverflowsALongIsInvalid()
    {
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(
            IdxFolder(IdxHeader(3, int.MaxValue, int.MaxValue)), new DatasetLoadOptions()));
        Assert.Equal(ErrorIds.InvalidDatasetHeader, e.ErrorId);
    }
}
