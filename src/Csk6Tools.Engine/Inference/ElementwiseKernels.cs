using System.Runtime.Intrinsics;
using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Quant;

namespace Csk6Tools.Engine.Inference;

/// <summary>iqAdd: each input rescaled to Qo with its own rounding, then a saturating add.</summary>
internal sealed class AddKernel : IKernel
{
    private readonly PackageTensor _x, _y, _z;
    private readonly int _shiftX, _shiftY;

    public AddKernel(PackageOperator op, ThinkerPackage package)
    {
        _x = KernelChecks.Int8(package, op.Inputs[0], op);
        _y = KernelChecks.Int8(package, op.Inputs[1], op);
        _z = KernelChecks.Int8(package, op.Outputs[0], op);
        KernelChecks.SameElements(_x, _y, op);
        KernelChecks.SameElements(_x, _z, op);
        int qo = KernelChecks.Exponent(_z, op);
        _shiftX = KernelChecks.Exponent(_x, op) - qo;
        _shiftY = KernelChecks.Exponent(_y, op) - qo;
        if (_shiftX < 0 || _shiftY < 0)
            throw KernelChecks.Invalid(op,
                $"the output exponent {qo} exceeds an input's ({_x.Exponent}, {_y.Exponent}); the chip rejects it");
    }

    public void Run(TensorMemory memory)
    {
        ReadOnlySpan<sbyte> x = memory.Int8(_x), y = memory.Int8(_y);
        Int8Arithmetic.Add(x, _shiftX, y, _shiftY, memory.Int8(_z));
    }
}

/// <summary>Relu on int8: max(q, 0), scale unchanged.</summary>
internal sealed class ReluKernel(PackageTensor x, PackageTensor y) : IKernel
{
    public void Run(TensorMemory memory) => Relu(memory.Int8(x), memory.Int8(y), vector: true);

    /// <summary>max(q, 0); <c>vector</c> takes 32 values at a time (its scalar twin handles what remains).</summary>
    internal static void Relu(ReadOnlySpan<sbyte> input, Span<sbyte> output, bool vector)
    {
        int i = 0;
        for (; vector && i + 32 <= output.Length; i += 32)
            Vector256.CopyTo(Vector256.Max(Vector256.Create(input.Slice(i, 32)), Vector256<sbyte>.Zero),
                output.Slice(i, 32));
        for (; i < output.Length; i++) output[i] = Math.Max(input[i], (sbyte)0);
    }
}

/// <summary>Reshape, Flatten and the like: the bytes are copied unchanged (a no-op when planned in place).</summary>
internal sealed class CopyKernel(PackageTensor x, PackageTensor y) : IKernel
{
    public void Run(TensorMemory memory)
    {
        if (x.Memory == y.Memory && x.InArena == y.InArena && x.Offset == y.Offset) return;
        memory.Bytes(x).CopyTo(memory.Bytes(y));
    }
}

/// <summary>iqCat: each input brought to the output exponent (sat8(rshift)), then concatenated along an axis.</summary>
internal sealed class ConcatKernel : IKernel
{
    private readonly PackageTensor[] _inputs;
    private readonly PackageTensor _y;
    private readonly int[] _shifts, _chunks;
    private readonly int _outer;

    public ConcatKernel(PackageOperator op, ThinkerPackage package)
    {
        _inputs = op.Inputs.Select(id => KernelChecks.Int8(package, id, op)).ToArray();
        _y = KernelChecks.Int8(package, op.Outputs[0], op);
        if (op.Attributes.Length < 1) throw KernelChecks.Invalid(op, "missing axis");
        int rank = _y.Shape.Length, axis = (sbyte)op.Attributes[0];
        if (axis < 0) axis += rank;
        if ((uint)axis >= (uint)rank) throw KernelChecks.Invalid(op, $"axis {(sbyte)op.Attributes[0]} for rank {rank}");
        _outer = _y.Shape[..axis].Aggregate(1, (a, d) => a * d);
        _chunks = _inputs.Select(t => (int)(t.Elements / Math.Max(1, _outer))).ToArray();
        if (_chunks.Sum() * (long)_outer != _y.Elements)
            throw KernelChecks.Invalid(op, "the inputs do not fill the output");
        int qo = KernelChecks.Exponent(_y, op);
        _shifts = _inputs.Select(t => KernelChecks.Exponent(t, op) - qo).ToArray();
        if (_shifts.Any(s => s < 0)) throw KernelChecks.Invalid(op, "the output exponent exceeds an input's");
    }

    public void Run(TensorMemory memory)
    {
        Span<sbyte> y = memory.Int8(_y);
        int at = 0;
        for (int o = 0; o < _outer; o++)
            for (int k = 0; k < _inputs.Length; k++)
            {
                var part = memory.Int8(_inputs[k]).Slice(o * _chunks[k], _chunks[k]);
                if (_shifts[k] == 0) part.CopyTo(y.Slice(at, part.Length)); // rescaling by 2^0 is the identity
                else for (int i = 0; i < part.Length; i++) y[at + i] = Int8Arithmetic.Rescale(part[i], _shifts[k]);
                at += _chunks[k];
            }
    }
}

/// <summary>Quant (float input kept by -KeepQuantDequant): q = sat8(floor(x · 2^Q + 0.5)).</summary>
internal sealed class QuantKernel(PackageTensor x, PackageTensor y, int exponent) : IKernel
{
    public void Run(TensorMemory memory)
    {
        ReadOnlySpan<float> input = memory.Float32(x);
        Span<sbyte> output = memory.Int8(y);
        for (int i = 0; i < output.Length; i++) output[i] = Int8Arithmetic.Quantize(input[i], exponent);
    }
}

/// <summary>Dequant: x = q / 2^Q as float32.</summary>
internal sealed class DequantKernel(PackageTensor x, PackageTensor y, int exponent) : IKernel
{
    public void Run(TensorMemory memory)
    {
        ReadOnlySpan<sbyte> input = memory.Int8(x);
        Span<float> output = memory.Float32(y);
        for (int i = 0; i < output.Length; i++) output[i] = Int8Arithmetic.Dequantize(input[i], exponent);
    }
}
