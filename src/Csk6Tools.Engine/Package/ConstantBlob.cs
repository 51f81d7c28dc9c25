using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Csk6Tools.Engine.Deploy;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Quant;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Package;

/// <summary>One packed constant: its bytes, record fields and offset in the PSRAM blob.</summary>
internal sealed record PackedConstant(byte[] Data, ThinkerDType DType, int[] Shape, TensorLayout Layout, int? Exponent)
{
    public long Offset { get; set; }
}

/// <summary>
/// The PSRAM parameter blob: the constants of every op packed from the model's weights (venus weight packing, int32
/// biases, int64 Reshape shapes), laid out in tensor order, each padded to 16 bytes.
/// </summary>
internal sealed class ConstantBlob
{
    private readonly Dictionary<int, PackedConstant> _byId = [];

    /// <param name="model">The quantized model.</param>
    /// <param name="deploy">Its lowering.</param>
    /// <param name="thinker3">Shapes and layout codes as tpacker 3.x records them (the bytes are the same).</param>
    public ConstantBlob(Csk6Model model, DeployGraph deploy, bool thinker3 = false)
    {
        var q = model.Quantization!;
        foreach (var op in deploy.Ops.Where(o => o.Constants.Count > 0))
        {
            var node = model.Graph[op.Layer];
            var packed = node switch
            {
                Conv2dNode c => Conv(model, q, deploy, op, c, thinker3),
                LinearNode l => Linear(model, q, l, thinker3),
                _ when op.Kind == ThinkerOp.Reshape => [Shape(node)],
                _ => throw new PackException(ErrorIds.PackUnsupportedOperator,
                    $"The packer does not pack the constants of {node.Name} ({node.Op})."),
            };
            for (int i = 0; i < op.Constants.Count; i++) _byId[op.Constants[i]] = packed[i];
        }
        long offset = 0;
        var blob = new MemoryStream();
        foreach (var t in deploy.Tensors.Where(t => t.Kind == TensorKind.Constant))
        {
            var c = _byId[t.Id];
            c.Offset = offset;
            blob.Write(c.Data);
            long padded = Csk6.Align16(c.Data.Length);
            blob.Write(new byte[padded - c.Data.Length]);
            offset += padded;
        }
        Blob = blob.ToArray();
    }

    public byte[] Blob { get; }
    public long BlobBytes => Blob.Length;
    public PackedConstant this[int id] => _byId[id];

    private static PackedConstant[] Conv(Csk6Model model, QuantizationState q, DeployGraph deploy, DeployOp op,
        Conv2dNode c, bool thinker3)
    {
        var lq = q[c.Name];
        int qw = lq.Weight
            ?? throw new PackException(ErrorIds.PackMissingWeight, $"Layer {c.Name} has no weight exponent.");
        int count = deploy.Splits.TryGetValue(c.Name, out var split)
            ? split.Pieces[split.PieceStartingAt(op.ChannelStart)]
            : c.OutChannels;
        var weight = Weight(model, $"{c.Name}.weight");
        int perChannel = weight.Data.Length / c.OutChannels, kh = c.Kernel[0], kw = c.Kernel[1];
        var w = new sbyte[count * perChannel];
        for (int i = 0; i < w.Length; i++)
            w[i] = Int8Arithmetic.Quantize(weight.Data[op.ChannelStart * perChannel + i], qw);
        bool depthwise = c.IsDepthwise;
        int cin = depthwise ? count : c.InChannels;
        var packed = WeightPacking.Pack(w, count, cin, depthwise ? count : 1, kh, kw);
        var (shape, layout) = thinker3 ? V3Shape(count, c, kh, kw) : (depthwise
            ? [(int)Csk6.Align(count, 16), 1, kh, kw]
            : [(int)Csk6.Align(count, 2), kh, kw, (int)Csk6.Align(c.InChannels, 8)], TensorLayout.Nhwc8);
        var result = new List<PackedConstant>
        {
            new(MemoryMarshal.AsBytes(packed.AsSpan()).ToArray(), ThinkerDType.Int8, shape, layout, qw)
        };
        if (c.Bias) result.Add(Bias(model, $"{c.Name}.bias", op.ChannelStart, count, lq.Inputs[0] + qw));
        return [.. result];
    }

    /// <summary>
    /// tpacker 3.x records the same bytes with the packing's own shape: depthwise (ALIGN16(C)/16, kh, kw, 16) in
    /// NHWC16, dense (ALIGN2(Cout)/2, kh·kw, ALIGN8(Cin)/8, 2, 8); it takes only a grouped conv for depthwise, so a
    /// one-channel conv (group 1) is dense there (its packed bytes are the same either way).
    /// </summary>
    private static (int[] Shape, TensorLayout Layout) V3Shape(int count, Conv2dNode c, int kh, int kw) =>
        c.IsDepthwise && c.Groups > 1
        ? ([(int)Csk6.Align(count, 16) / 16, kh, kw, 16], TensorLayout.Nhwc16)
        : ([(int)Csk6.Align(count, 2) / 2, kh * kw, (int)Csk6.Align(c.InChannels, 8) / 8, 2, 8], TensorLayout.Nhwc8);

    private static PackedConstant[] Linear(Csk6Model model, QuantizationState q, LinearNode l, bool thinker3)
    {
        var lq = q[l.Name];
        int qw = lq.Weight
            ?? throw new PackException(ErrorIds.PackMissingWeight, $"Layer {l.Name} has no weight exponent.");
        var weight = Weight(model, $"{l.Name}.weight");
        var transposed = new byte[l.InFeatures * l.OutFeatures];
        for (int o = 0; o < l.OutFeatures; o++)
            for (int i = 0; i < l.InFeatures; i++)
                transposed[i * l.OutFeatures + o] =
                    (byte)Int8Arithmetic.Quantize(weight.Data[o * l.InFeatures + i], qw);
        var layout = thinker3 ? TensorLayout.Ncwh : TensorLayout.Nchw; // 3.x marks the transposed weight
        var result =
            new List<PackedConstant> { new(transposed, ThinkerDType.Int8, [l.InFeatures, l.OutFeatures], layout, qw) };
        if (l.Bias) result.Add(Bias(model, $"{l.Name}.bias", 0, l.OutFeatures, lq.Inputs[0] + qw));
        return [.. result];
    }

    private static PackedConstant Bias(Csk6Model model, string name, int start, int count, int exponent)
    {
        var b = Weight(model, name);
        var data = new byte[4 * count];
        for (int i = 0; i < count; i++)
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4 * i),
                Int8Arithmetic.QuantizeBias(b.Data[start + i], exponent));
        return new PackedConstant(data, ThinkerDType.Int32, [count], TensorLayout.Nchw, null);
    }

    /// <summary>A Reshape's target shape as int64, batch −1: what linger exports for view(-1, …).</summary>
    private static PackedConstant Shape(Node node)
    {
        long[] dims = [-1, .. node.OutputShape!.Dims.Select(d => (long)d)];
        var data = new byte[8 * dims.Length];
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8 * i), dims[i]);
        return new PackedConstant(data, ThinkerDType.Int64, [dims.Length], TensorLayout.Nchw, null);
    }

    private static WeightTensor Weight(Csk6Model model, string name) =>
        model.Weights.TryGetValue(name, out var w)
            ? w
            : throw new PackException(ErrorIds.PackMissingWeight, $"Model '{model.Name}' has no tensor '{name}'.");
}
