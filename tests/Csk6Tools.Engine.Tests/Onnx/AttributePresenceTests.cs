using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Onnx;

namespace Csk6Tools.Engine.Tests.Onnx;

/// <summary>
/// Read at the wire level, not through OnnxSharp (whose proto3 classes cannot tell 0 from absent): every AttributeProto
/// of a Linger export carries the value field its type names, and the graph input and output have batch 1.
/// </summary>
public class AttributePresenceTests
{
    [Fact]
    public void ZeroValuedAttributesAreWritten()
    {
        var w = new OnnxWriter("g", 11, thinker: true);
        w.Node("Op", "n", [], ["y"])
            .Int("zero", 0)
            .Float("zerof", 0f)
            .Text("empty", "")
            .Tensor("t", new global::Onnx.TensorProto())
            .Int("eight", 8)
            .Ints("none", []);
        var attributes = Wire.Attributes(w.ToBytes());
        Assert.Equal(["zero", "zerof", "empty", "t", "eight", "none"], attributes.Select(a => a.Name));
        Assert.All(attributes.Take(5), a => Assert.True(a.HasValue, $"{a.Name} has no value field"));
        Assert.Equal(0UL, attributes[0].Int);
        Assert.Equal(8UL, attributes[4].Int);
    }

    [Theory]
    [InlineData("r50_dw_w025_fm")]
    [InlineData("r18_dw_stem_fm")]
    public void LingerExportOfAnOracleNetworkIsTheFileTpackerRead(string network)
    {
        string onnx = Fixtures.In("tpacker-oracle", $"{network}.linger.onnx");
        var bytes = OnnxExporter.Export(ModelImporter.Import(onnx), OnnxFormat.Linger);
        var attributes = Wire.Attributes(bytes);
        Assert.Equal(Wire.Attributes(File.ReadAllBytes(onnx)).Count, attributes.Count);
        Assert.All(attributes, a => Assert.True(a.HasValue, $"{a.Name} (type {a.Type}) has no value field"));
        var ceil = Assert.Single(attributes, a => a.Name == "ceil_mode");
        Assert.Equal(0UL, ceil.Int);

        // What tpacker read: the file it packed, node for node, attribute for attribute, tensor for tensor, byte for
        // byte (the graph is named after the model, which the import names after the file).
        var ours = OnnxImporter.Parse(bytes).Graph;
        var theirs = OnnxImporter.Parse(File.ReadAllBytes(onnx)).Graph;
        ours.Name = theirs.Name;
        Assert.Equal(Google.Protobuf.MessageExtensions.ToByteArray(theirs),
            Google.Protobuf.MessageExtensions.ToByteArray(ours));
    }

    [Fact]
    public void LingerExportHasBatchOneAndFloatKeepsItSymbolic()
    {
        var demo = ModelImporter.Import(Fixtures.Path("resnet18-12-regular.onnx"));
        var linger = OnnxImporter.Parse(OnnxExporter.Export(demo, OnnxFormat.Linger)).Graph;
        Assert.Equal([1, 3, 32, 32], linger.Input[0].Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        Assert.Equal([1, 100], linger.Output[0].Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        var qdq = OnnxImporter.Parse(OnnxExporter.Export(demo, OnnxFormat.Qdq)).Graph;
        Assert.Equal("batch", qdq.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
    }

    /// <summary>A protobuf walker for ModelProto → graph (7) → node (1) → attribute (5).</summary>
    private static class Wire
    {
        public sealed record Attribute(string Name, ulong Type, bool HasValue, ulong Int);

        public static List<Attribute> Attributes(byte[] model)
        {
            var result = new List<Attribute>();
            foreach (var graph in Fields(model).Where(f => f.Number == 7))
                foreach (var node in Fields(graph.Bytes).Where(f => f.Number == 1))
                    foreach (var a in Fields(node.Bytes).Where(f => f.Number == 5))
                    {
                        var fields = Fields(a.Bytes);
                        ulong type = fields.Single(f => f.Number == 20).Varint;
                        // lists: 7–11
                        int valueField = type switch
                        {
                            1 => 2, 2 => 3, 3 => 4, 4 => 5, 5 => 6, >= 6 and <= 10 => (int)type + 1, _ => -1,
                        };
                        var value = fields.FirstOrDefault(f => f.Number == valueField);
                        result.Add(new Attribute(
                            System.Text.Encoding.UTF8.GetString(fields.Single(f => f.Number == 1).Bytes), type,
                            value is not null, value?.Varint ?? 0));
                    }
            return result;
        }

        private sealed record Field(int Number, ulong Varint, byte[] Bytes);

        private static List<Field> Fields(byte[] b)
        {
            var list = new List<Field>();
            int at = 0;
            while (at < b.Length)
            {
                ulong tag = Varint(b, ref at);
                int number = (int)(tag >> 3);
                switch (tag & 7)
                {
                    case 0: list.Add(new Field(number, Varint(b, ref at), [])); break;
                    case 1: list.Add(new Field(number, 0, b[at..(at + 8)])); at += 8; break;
                    case 5: list.Add(new Field(number, 0, b[at..(at + 4)])); at += 4; break;
                    case 2:
                        int length = (int)Varint(b, ref at);
                        list.Add(new Field(number, 0, b[at..(at + length)]));
                        at += length;
                        break;
                    default: throw new InvalidDataException($"wire type {tag & 7}");
                }
            }
            return list;
        }

        private static ulong Varint(byte[] b, ref int at)
        {
            ulong v = 0;
            for (int shift = 0; ; shift += 7)
            {
                v |= (ulong)(b[at] & 0x7F) << shift;
                if (b[at++] < 0x80) return v;
            }
        }
    }
}
