using System.Buffers.Binary;
using Onnx;

namespace Csk6Tools.Engine.Onnx;

/// <summary>ONNX element types (TensorProto.DataType) the importer and exporter use.</summary>
internal static class OnnxType
{
    public const int Float = 1, UInt8 = 2, Int8 = 3, Int16 = 5, Int32 = 6, Int64 = 7, Bool = 9, Double = 11;
}

/// <summary>A constant (initializer, Constant node or folded shape arithmetic):
/// its dims and values as doubles, exact for every type used here.</summary>
internal sealed record OnnxTensor(long[] Dims, double[] Data, int DataType)
{
    public long Elements => Dims.Aggregate(1L, (a, d) => a * d);
    public int[] IntDims => Dims.Select(d => checked((int)d)).ToArray();
    public long[] Longs => Data.Select(d => (long)d).ToArray();

    public static OnnxTensor Vector(long[] values) =>
        new([values.Length], values.Select(v => (double)v).ToArray(), OnnxType.Int64);

    public static OnnxTensor Decode(TensorProto t)
    {
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
            throw new OnnxImportException(ErrorIds.OnnxInvalidModel,
                $"Tensor '{t.Name}' keeps its data in an external file; save the model with its weights inside " +
                $"(onnx.save(..., save_as_external_data=False)).");
        long[] dims = [.. t.Dims];
        long count = dims.Aggregate(1L, (a, d) => a * d);
        var raw = t.RawData.Span;
        double[] data = t.DataType switch
        {
            OnnxType.Float => raw.Length > 0
                ? Read(raw, 4, count, s => BinaryPrimitives.ReadSingleLittleEndian(s))
                : t.FloatData.Select(v => (double)v).ToArray(),
            OnnxType.Double => raw.Length > 0
                ? Read(raw, 8, count, s => BinaryPrimitives.ReadDoubleLittleEndian(s))
                : [.. t.DoubleData],
            OnnxType.Int8 => raw.Length > 0
                ? Read(raw, 1, count, s => (sbyte)s[0])
                : t.Int32Data.Select(v => (double)v).ToArray(),
            OnnxType.UInt8 or OnnxType.Bool => raw.Length > 0
                ? Read(raw, 1, count, s => s[0])
                : t.Int32Data.Select(v => (double)v).ToArray(),
            OnnxType.Int16 => raw.Length > 0
                ? Read(raw, 2, count, s => BinaryPrimitives.ReadInt16LittleEndian(s))
                : t.Int32Data.Select(v => (double)v).ToArray(),
            OnnxType.Int32 => raw.Length > 0
                ? Read(raw, 4, count, s => BinaryPrimitives.ReadInt32LittleEndian(s))
                : t.Int32Data.Select(v => (double)v).ToArray(),
            OnnxType.Int64 => raw.Length > 0
                ? Read(raw, 8, count, s => BinaryPrimitives.ReadInt64LittleEndian(s))
                : t.Int64Data.Select(v => (double)v).ToArray(),
            _ => throw new OnnxImportException(ErrorIds.OnnxInvalidModel,
                $"Tensor '{t.Name}' has element type {t.DataType}, which Csk6Tools does not read (float, double, " +
                $"int8/16/32/64, uint8, bool)."),
        };
        if (data.Length != count)
            throw new OnnxImportException(ErrorIds.OnnxInvalidModel,
                $"Tensor '{t.Name}' of shape [{string.Join(", ", dims)}] holds {data.Length} " +
                $"values instead of {count}.");
        return new OnnxTensor(dims, data, t.DataType);
    }

    private delegate double Element(ReadOnlySpan<byte> bytes);

    private static double[] Read(ReadOnlySpan<byte> raw, int size, long count, Element read)
    {
        if (raw.Length != count * size) return [];
        var data = new double[count];
        for (int i = 0; i < data.Length; i++) data[i] = read(raw.Slice(i * size, size));
        return data;
    }
}
