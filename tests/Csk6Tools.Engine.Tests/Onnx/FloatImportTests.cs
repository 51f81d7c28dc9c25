using System.Text.Json;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Onnx;

namespace Csk6Tools.Engine.Tests.Onnx;

/// <summary>Float ONNX written by PyTorch 1.13's exporter (tests/fixtures/onnx/make_fixtures.py), not by us.</summary>
public class FloatImportTests
{
    public static string FixturePath(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Csk6Tools.sln")))
                return Path.Combine(dir.FullName, "tests", "fixtures", "onnx", file);
        throw new DirectoryNotFoundException("The repository root (Csk6Tools.sln) is not above the test binaries.");
    }

    public static TheoryData<string> Models => new(Directory
        .GetFiles(Path.GetDirectoryName(FixturePath("x"))!, "*.onnx")
        .Select(Path.GetFileNameWithoutExtension)
        .Order()!);

    [Theory]
    [MemberData(nameof(Models))]
    public void ParameterCountsArePyTorchs(string name)
    {
        var model = ModelImporter.Import(FixturePath(name + ".onnx"));
        using var info = JsonDocument.Parse(File.ReadAllText(FixturePath(name + ".json")));
        Assert.Equal(ModelStage.Float, model.Stage);
        Assert.Null(model.Quantization);
        long expected = info.RootElement.GetProperty("parameters").GetInt64();
        // With BatchNorm folded by the exporter, PyTorch's conv+BN parameters became conv weights and one bias each.
        if (name.EndsWith("_folded")) Assert.True(model.Parameters < expected);
        else Assert.Equal(expected, model.Parameters);
        Assert.Equal(model.Parameters, model.Weights
            .Where(w => !w.Key.Contains("running_"))
            .Sum(w => (long)w.Value.Data.Length));
        int[] shape =
            [.. info.RootElement.GetProperty("inputShape").EnumerateArray().Skip(1).Select(e => e.GetInt32())];
        Assert.Equal(new TensorShape(shape), model.Graph.InputShape);
        Assert.Equal(info.RootElement.GetProperty("output").GetArrayLength(), (int)model.Graph.OutputShape.Elements);
    }

    [Theory]
    [InlineData("tiny_vgg_opset12")]          // static batch: Constant, Unsqueeze, Concat
    [InlineData("tiny_vgg_opset11_dynamic")]  // symbolic batch: Shape, Gather, Unsqueeze, Concat
    public void PyTorchsFlattenChainFoldsIntoAReshape(string name)
    {
        var g = ModelImporter.Import(FixturePath(name + ".onnx")).Graph;
        Assert.Equal(
            ["Conv2d", "ReLU6", "MaxPool2d", "Conv2d", "ReLU", "AvgPool2d", "Reshape", "Linear", "ReLU", "Linear"],
            g.Nodes.Skip(1).Select(n => n.Op));
        Assert.Equal(new TensorShape(192), g.Nodes.OfType<ReshapeNode>().Single().OutputShape);
    }

    [Fact]
    public void BatchNormStaysAndMatMulPlusAddBecomesALinear()
    {
        var resnet = ModelImporter.Import(FixturePath("tiny_resnet_opset11.onnx"));
        Assert.Equal(6, resnet.Graph.Nodes.OfType<BatchNorm2dNode>().Count());
        Assert.Equal([8], resnet.Weight("conv1.1.running_var").Shape);
        Assert.Equal(1e-5, resnet.Graph.Nodes.OfType<BatchNorm2dNode>().First().Eps);
        var head = ModelImporter.Import(FixturePath("matmul_head_opset11.onnx")).Graph;
        var linear = head.Nodes.OfType<LinearNode>().Single();
        Assert.Equal((144, 3, true), (linear.InFeatures, linear.OutFeatures, linear.Bias));
        Assert.Equal(linear.Name, head.Outputs[0]);
    }

    [Fact]
    public void CorruptFilesGetAStableError()
    {
        var bytes = File.ReadAllBytes(FixturePath("tiny_vgg_opset12.onnx"));
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(bytes[..(bytes.Length / 2)], "half"));
        Assert.Equal(ErrorIds.OnnxCorrupt, e.ErrorId);
        e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import("not a model at all"u8.ToArray(), "text"));
        Assert.Equal(ErrorIds.OnnxCorrupt, e.ErrorId);
    }

    [Fact]
    public void DamagedFilesNeverEscapeAsAnotherException()
    {
        var good = File.ReadAllBytes(FixturePath("tiny_mobile_opset13.onnx"));
        var random = new Random(11);
        int imported = 0, refused = 0;
        for (int i = 0; i < 300; i++)
        {
            var bytes = (byte[])good.Clone();
            for (int k = 0; k < 1 + i % 4; k++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                OnnxImporter.Import(bytes, "fuzzed");
                imported++;
            }
            catch (OnnxImportException)
            {
                refused++;
            }
        }
        Assert.Equal(300, imported + refused);
        Assert.True(refused > 0);
    }

    [Fact]
    public void EveryUnsupportedOperatorIsListedWithItsNode()
    {
        var model = OnnxImporter.Parse(File.ReadAllBytes(FixturePath("tiny_mobile_opset13.onnx")));
        foreach (var n in model.Graph.Node.Where(n => n.OpType == "Clip")) n.OpType = "HardSwish";
        model.Graph.Node.Single(n => n.OpType == "Concat").OpType = "Einsum";
        var e = Assert.Throws<OnnxImportException>(
            () => OnnxImporter.Import(Google.Protobuf.MessageExtensions.ToByteArray(model), "edited"));
        Assert.Equal(ErrorIds.OnnxUnsupportedOperator, e.ErrorId);
        Assert.Equal(
            [
                "/stem/stem.2/Clip (HardSwish)", "/dw/dw.2/Clip (HardSwish)", "/pw/pw.2/Clip (HardSwish)",
                "/Concat (Einsum)",
            ],
            e.Nodes);
        Assert.Contains("/Concat (Einsum)", e.Message);
    }
}
