using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Onnx;
using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Tests.Onnx;

/// <summary>LISTENAI's linger-exported demo network, imported and packed by us, against what tpacker v2.1.1 made of
/// it.</summary>
public class LingerImportTests
{
    private static readonly Lazy<Csk6Model> Demo =
        new(() => ModelImporter.Import(Fixtures.Path("resnet18-12-regular.onnx")));
    private static readonly Lazy<PackResult> Packed =
        new(() => PackageBuilder.Build(Demo.Value, new PackOptions { Planner = "GreedyByBreadth" }));

    [Fact]
    public void ImportsTheDemoAsAQuantizedModel()
    {
        var m = Demo.Value;
        Assert.Equal(ModelStage.Quantized, m.Stage);
        Assert.Equal(6, m.Quantization!.InputExponent);
        Assert.Equal(36, m.Graph.Nodes.OfType<Conv2dNode>().Count());
        Assert.Equal(8, m.Graph.Nodes.OfType<AddNode>().Count());
        Assert.Equal(2_857_252, m.Graph.Parameters);
        var stem = m.Quantization["conv1.0"];
        Assert.Equal((6, 7, 4, true), (stem.Inputs[0], stem.Weight!.Value, stem.Output, stem.FusedRelu));
        var fc = m.Quantization["fc"];
        Assert.Equal((3, 9, 4), (fc.Inputs[0], fc.Weight!.Value, fc.Output));
    }

    [Fact]
    public void BudgetSaysWhatTpackerPrinted() =>
        Assert.Equal(2_875_136, BudgetCalculator.Measure(Demo.Value.Graph).PsramBytes);

    [Fact]
    public void ItsPackageGivesTheReferenceLogits()
    {
        var engine = new Int8Engine(ThinkerPackage.Read(Packed.Value.Bytes));
        Assert.Equal(File.ReadAllBytes(Fixtures.Path("apple_output_q4.bin")),
            engine.Run(File.ReadAllBytes(Fixtures.Path("apple_input_q6.bin"))));
        Assert.Equal(File.ReadAllBytes(Fixtures.Path("zeros_output_q4.bin")), engine.Run(new byte[3072]));
    }

    [Fact]
    public void TheShareMemPlanReadFromTpackersPackageIsTheOneWePlanned()
    {
        var read = PackageMemoryPlan.Read(ThinkerPackage.Read(Fixtures.Path("resnet18_v2_model.bin")));
        var planned = Packed.Value.Report.ShareMemPlan;
        Assert.Equal(384_752, read.Bytes);
        Assert.Equal(planned.Tensors.Count, read.Tensors.Count);
        Assert.Equal(planned.Tensors.OrderBy(t => t.Id).Select(t => (t.Id, t.Offset, t.Begin, t.End, t.Bytes)),
            read.Tensors.Select(t => (t.Id, t.Offset, t.Begin, t.End, t.Bytes)));
        Assert.Equal(planned.PeakOp, read.PeakOp);
        Assert.Equal(planned.LowerBound, read.LowerBound);
    }

    [Fact]
    public void ItsPackageIsTpackersByteForByte()
    {
        var theirs = PackageContent.From(ThinkerPackage.Read(Fixtures.Path("resnet18_v2_model.bin")));
        var ours = Packed.Value.Content with
        {
            Tensors = Packed.Value.Content.Tensors
                .Select(t => t with { Name = PackageWriter.DebugName(t.Name) })
                .ToList(),
        };
        Assert.Equal(theirs.Tensors.Select(t => t.Name), ours.Tensors.Select(t => t.Name));
        Assert.Equal(theirs.Tensors.Select(Describe), ours.Tensors.Select(Describe));
        Assert.Equal(theirs.Operators.Count, ours.Operators.Count);
        foreach (var (a, b) in theirs.Operators.Zip(ours.Operators)) Assert.Equal(Describe(a), Describe(b));
        Assert.Equal(theirs.Memories, ours.Memories);
        Assert.Equal(theirs.Inputs, ours.Inputs);
        Assert.Equal(theirs.Outputs, ours.Outputs);
        Assert.Equal(theirs.Dma, ours.Dma);
        Assert.Equal(theirs.Blobs.Single().Data, ours.Blobs.Single().Data);
        Assert.Equal(File.ReadAllBytes(Fixtures.Path("resnet18_v2_model.bin")), Packed.Value.Bytes);
    }

    [Fact]
    public void SavedAndReadBackItStillPacksToTpackersBytes()
    {
        string path = Path.Combine(Path.GetTempPath(), $"linger-{Guid.NewGuid():N}.safetensors");
        try
        {
            ModelFile.Save(Demo.Value, path);
            var again = ModelFile.Load(path);
            Assert.Equal(Demo.Value.Names!.Tensors, again.Names!.Tensors);
            Assert.Equal(Packed.Value.Bytes,
                PackageBuilder.Build(again, new PackOptions { Planner = "GreedyByBreadth" }).Bytes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("scale_w", 100f, "Conv2dInt_4Conv2dInt_325", "is not a power of two")]
    [InlineData("scale_x", 64f, "Conv2dInt_4Conv2dInt_325", "the scale chain is broken")]
    [InlineData("o_bits", 16f, "Conv2dInt_4Conv2dInt_325", "o_bits = 16")]
    public void MalformedNodesAreNamed(string attribute, float value, string node, string message)
    {
        var model = Csk6Tools.Engine.Onnx.OnnxImporter.Parse(
            File.ReadAllBytes(Fixtures.Path("resnet18-12-regular.onnx")));
        var a = model.Graph.Node.Single(n => n.Name == node).Attribute.Single(x => x.Name == attribute);
        if (attribute == "o_bits") a.I = (long)value;
        else a.F = value;
        var e = Assert.Throws<Csk6Tools.Engine.Onnx.OnnxImportException>(() =>
            Csk6Tools.Engine.Onnx.OnnxImporter.Import(Google.Protobuf.MessageExtensions.ToByteArray(model), "edited"));
        Assert.Contains(node, e.Message);
        Assert.Contains(message, e.Message);
    }

    private static string Describe(PackageTensor t) => $"{t.Index} {t.Name} {t.Memory} {t.InArena} {t.DType} " +
        $"{t.Scale} [{string.Join(",", t.Shape)}] @{t.Offset} {t.Layout}";
    // Attributes as written: zero-padded to 16 bytes (the reader returns the padded bytes, the builder the struct).
    private static string Describe(PackageOperator o) => $"{o.Index} {o.Type} " +
        $"[{Convert.ToHexString(o.Attributes).PadRight((o.Attributes.Length + 15) / 16 * 32, '0')}] " +
        $"({string.Join(",", o.Inputs)}) ({string.Join(",", o.Outputs)}) ({string.Join(",", o.Temps)}) {o.Device}";
}
