using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Csk6Tools.Engine.Onnx;

/// <summary>Builds a ModelProto: initializers from arrays, nodes with typed attributes.</summary>
internal sealed class OnnxWriter
{
    private readonly ModelProto _model;
    private readonly HashSet<string> _initializers = [];

    public OnnxWriter(string graphName, int opset, bool thinker)
    {
        _model = new ModelProto
        {
            IrVersion = thinker ? 6 : 8,
            ProducerName = "Csk6Tools",
            ProducerVersion = typeof(OnnxWriter).Assembly.GetName().Version?.ToString(3) ?? "",
            Graph = new GraphProto { Name = graphName },
        };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        if (thinker)
            _model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxImporter.ThinkerDomain, Version = 1 });
    }

    public GraphProto Graph => _model.Graph;

    /// <summary>The serialized model, with proto2's presence of every attribute value
    /// (<see cref="AttributePresence"/>).</summary>
    public byte[] ToBytes() => AttributePresence.Restore(_model.ToByteArray());

    /// <summary>A float tensor input or output: the sample dims fixed,
    /// the batch symbolic unless given (linger writes 1).</summary>
    public static ValueInfoProto Value(string name, IEnumerable<int> sampleDims, int? batch = null)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(batch is int b
            ? new TensorShapeProto.Types.Dimension { DimValue = b }
            : new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (var d in sampleDims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = OnnxType.Float,
                Shape = shape } } };
    }

    public string Initializer<T>(string name, int type, IEnumerable<long> dims, T[] data) where T : struct
    {
        if (!_initializers.Add(name)) return name;
        var t = new TensorProto { Name = name, DataType = type,
            RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan())) };
        t.Dims.Add(dims);
        Graph.Initializer.Add(t);
        return name;
    }

    public string Floats(string name, int[] dims, float[] data) =>
        Initializer(name, OnnxType.Float, dims.Select(d => (long)d), data);
    public string Scalar(string name, float value) => Initializer(name, OnnxType.Float, [], new[] { value });

    public NodeProto Node(string op, string name, IEnumerable<string> inputs,
        IEnumerable<string> outputs, string domain = "")
    {
        var n = new NodeProto { OpType = op, Name = name, Domain = domain };
        n.Input.Add(inputs);
        n.Output.Add(outputs);
        Graph.Node.Add(n);
        return n;
    }
}

/// <summary>Typed attribute helpers.</summary>
internal static class OnnxAttributes
{
    public static NodeProto Int(this NodeProto n, string name, long value)
    {
        n.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });
        return n;
    }

    public static NodeProto Ints(this NodeProto n, string name, IEnumerable<int> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values.Select(v => (long)v));
        n.Attribute.Add(a);
        return n;
    }

    public static NodeProto Float(this NodeProto n, string name, float value)
    {
        n.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });
        return n;
    }

    public static NodeProto Text(this NodeProto n, string name, string value)
    {
        n.Attribute.Add(new AttributeProto
        {
            Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value)
        });
        return n;
    }

    public static NodeProto Tensor(this NodeProto n, string name, TensorProto value)
    {
        n.Attribute.Add(
            new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value });
        return n;
    }
}
