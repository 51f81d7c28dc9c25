namespace Csk6Tools.Engine.Onnx;

/// <summary>
/// ONNX is proto2: an AttributeProto's value field is written even when it holds 0, "" or an empty tensor, and
/// readers such as tpacker rely on its presence ("Cannot parse attribute: name: ceil_mode type: INT"). OnnxSharp's
/// classes are proto3 and drop default values, so the writer passes its bytes through this rewrite, which adds the
/// value field (in field-number order) to every attribute that lacks it, in the graph and in its subgraphs.
/// </summary>
internal static class AttributePresence
{
    private enum Message { Model, Graph, Node, Attribute }

    // Wire types.
    private const int Varint = 0, Fixed64 = 1, Delimited = 2, Fixed32 = 5;

    // AttributeProto: field 20 is the type; the value field of each single-valued type (onnx.proto).
    private const int AttributeTypeField = 20;
    private static readonly Dictionary<long, (int Field, int Wire)> ValueField = new()
    {
        [1] = (2, Fixed32),    // FLOAT: f
        [2] = (3, Varint),     // INT: i
        [3] = (4, Delimited),  // STRING: s
        [4] = (5, Delimited),  // TENSOR: t
        [5] = (6, Delimited),  // GRAPH: g
        [11] = (22, Delimited), // SPARSE_TENSOR: sparse_tensor
        [13] = (14, Delimited), // TYPE_PROTO: tp
    };

    public static byte[] Restore(byte[] model) => Rewrite(model, Message.Model);

    /// <summary>The message type of field <paramref name="field"/> of
    /// <paramref name="parent"/> when it holds graphs, nodes or attributes.</summary>
    private static Message? Child(Message parent, int field) => (parent, field) switch
    {
        (Message.Model, 7) => Message.Graph,
        (Message.Graph, 1) => Message.Node,
        (Message.Node, 5) => Message.Attribute,
        (Message.Attribute, 6 or 11) => Message.Graph,
        _ => null,
    };

    private static byte[] Rewrite(ReadOnlySpan<byte> bytes, Message type)
    {
        var fields = new List<(int Field, byte[] Bytes)>();
        long? attributeType = null;
        int at = 0;
        while (at < bytes.Length)
        {
            int start = at;
            ulong tag = ReadVarint(bytes, ref at);
            int field = (int)(tag >> 3), wire = (int)(tag & 7);
            switch (wire)
            {
                case Varint:
                    ulong v = ReadVarint(bytes, ref at);
                    if (type == Message.Attribute && field == AttributeTypeField) attributeType = (long)v;
                    break;
                case Fixed64: at += 8; break;
                case Fixed32: at += 4; break;
                case Delimited:
                    int length = checked((int)ReadVarint(bytes, ref at));
                    if (Child(type, field) is Message child)
                    {
                        var inner = Rewrite(bytes.Slice(at, length), child);
                        at += length;
                        fields.Add((field, [.. Tag(field, Delimited), .. Encode((ulong)inner.Length), .. inner]));
                        continue;
                    }
                    at += length;
                    break;
                default:
                    throw new InvalidDataException($"Unexpected protobuf wire type {wire} at byte {start}.");
            }
            fields.Add((field, bytes[start..at].ToArray()));
        }
        if (attributeType is long t && ValueField.TryGetValue(t, out var value) &&
            fields.All(f => f.Field != value.Field))
        {
            byte[] zero = value.Wire == Fixed32 ? [0, 0, 0, 0] : [0]; // a 0 varint or an empty length-delimited value
            int before = fields.FindIndex(f => f.Field > value.Field);
            fields.Insert(before < 0 ? fields.Count : before,
                (value.Field, [.. Tag(value.Field, value.Wire), .. zero]));
        }
        var result = new MemoryStream();
        foreach (var f in fields) result.Write(f.Bytes);
        return result.ToArray();
    }

    private static byte[] Tag(int field, int wire) => Encode((ulong)field << 3 | (uint)wire);

    private static byte[] Encode(ulong v)
    {
        var b = new List<byte>();
        for (; v >= 0x80; v >>= 7) b.Add((byte)(v | 0x80));
        b.Add((byte)v);
        return [.. b];
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong v = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = bytes[at++];
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return v;
        }
    }
}
