using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Onnx;
using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Quant;

namespace Csk6Tools.Engine.Tests.Onnx;

/// <summary>Our ONNX exports of LISTENAI's demo network: Linger re-imports to tpacker's package, QDQ runs in ONNX
/// Runtime like the chip.</summary>
public class ExportTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private static readonly Lazy<Csk6Model> Demo =
        new(() => ModelImporter.Import(Fixtures.Path("resnet18-12-regular.onnx")));

    [Fact]
    public void LingerExportReimportsToTpackersPackage()
    {
        var bytes = OnnxExporter.Export(Demo.Value, OnnxFormat.Linger);
        var again = OnnxImporter.Import(bytes, Demo.Value.Name);
        var packed = PackageBuilder.Build(again, new PackOptions { Planner = "GreedyByBreadth" });
        Assert.Equal(File.ReadAllBytes(Fixtures.Path("resnet18_v2_model.bin")), packed.Bytes);
    }

    [Fact]
    public void LingerExportWritesWhatLingerWrote()
    {
        // Node by node: op, domain, name, inputs, outputs and every attribute with its type, as in linger's file
        // (the Quant's output tensor, removed by tpacker, is named after the input instead of a number).
        var theirs = OnnxImporter.Parse(File.ReadAllBytes(Fixtures.Path("resnet18-12-regular.onnx"))).Graph;
        var ours = OnnxImporter.Parse(OnnxExporter.Export(Demo.Value, OnnxFormat.Linger)).Graph;
        string quantOut = theirs.Node[0].Output[0];
        string Describe(global::Onnx.NodeProto n, string quant) =>
            $"{n.Domain}::{n.OpType} ({string.Join(",", n.Input.Select(i => i == quant ? "Q" : i))}) " +
            $"-> ({string.Join(",", n.Output.Select(o => o == quant ? "Q" : o))}) " +
            string.Join(" ", n.Attribute.Select(a => $"{a.Name}:{a.Type}={a.F}/{a.I}/{string.Join(",", a.Ints)}/" +
                $"{a.S.ToStringUtf8()}/{a.T?.RawData.ToBase64()}"));
        Assert.Equal(theirs.Node.Select(n => Describe(n, quantOut)),
            ours.Node.Select(n => Describe(n, ours.Node[0].Output[0])));
        Assert.Equal(
            theirs.Node.Skip(1).SkipLast(1).Where(n => n.OpType != "Constant").Select(n => n.Name),
            ours.Node.Skip(1).SkipLast(1).Where(n => n.OpType != "Constant").Select(n => n.Name));
        Assert.Equal(
            theirs.Initializer.Select(t => (t.Name, t.DataType, string.Join(",", t.Dims), t.RawData.ToBase64())),
            ours.Initializer.Select(t => (t.Name, t.DataType, string.Join(",", t.Dims), t.RawData.ToBase64())));
    }

    /// <remarks>
    /// Not bit-exact: ONNX Runtime's QuantizeLinear rounds ties half to even, the chip up (floor(x + 0.5)); iqAdd
    /// inputs rescaled by one bit are ties half the time. On the apple 90 of 100 logits drift (up to 16 steps of
    /// 1/16), the class stays; on the all-zero input (no image) the drift reaches 61 steps and the top class changes.
    /// </remarks>
    [Fact]
    public void QdqExportRunsInOnnxRuntimeLikeTheChip()
    {
        const string output = "apple_output_q4.bin";
        using var ort = new OnnxRuntimeRunner(OnnxExporter.Export(Demo.Value, OnnxFormat.Qdq));
        var bytes = File.ReadAllBytes(Fixtures.Path("apple_input_q6.bin"));
        // The int8 input dequantized: ONNX Runtime's QuantizeLinear gets back exactly the chip's integers.
        var logits = ort.Run(bytes.Select(b => Int8Arithmetic.Dequantize((sbyte)b, 6)).ToArray(), [3, 32, 32])
            .Select(v => (int)MathF.Round(v * 16))
            .ToArray();
        var reference = File.ReadAllBytes(Fixtures.Path(output)).Select(b => (int)(sbyte)b).ToArray();
        int worst = logits.Zip(reference).Max(p => Math.Abs(p.First - p.Second));
        Assert.Equal(Array.IndexOf(reference, reference.Max()), Array.IndexOf(logits, logits.Max()));
        Assert.True(worst <= 16, $"a logit differs by {worst} steps of 1/16");
        log.WriteLine($"{output}: chip top-1 {Array.IndexOf(reference, reference.Max())} ({reference.Max()}), " +
            $"ONNX Runtime {Array.IndexOf(logits, logits.Max())} ({logits.Max()}); " +
            $"{logits.Zip(reference).Count(p => p.First != p.Second)} of 100 logits differ, by up to {worst} steps " +
            $"of 1/16; the chip's class scores {logits[Array.IndexOf(reference, reference.Max())]} in ONNX Runtime");
    }
}
