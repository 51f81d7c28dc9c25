using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Quant;

namespace Csk6Tools.Engine.Inference;

/// <summary>LinearInt: the weight is stored transposed [in, out]; y = sat8(rshift(x·W + b, Qx + Qw − Qo)).</summary>
internal sealed class LinearKernel : IKernel
{
    private readonly PackageTensor _x, _w, _y;
    private readonly PackageTensor? _bias;
    private readonly int _in, _out, _rows, _shift;
    private readonly bool _vector;
    private readonly int[] _sums;

    public LinearKernel(PackageOperator op, ThinkerPackage package, KernelPath path)
    {
        _vector = path != KernelPath.Scalar;
        _x = KernelChecks.Int8(package, op.Inputs[0], op);
        _w = KernelChecks.Int8(package, op.Inputs[1], op);
        _y = KernelChecks.Int8(package, op.Outputs[0], op);
        _bias = op.Inputs.Length > 2 ? package.Tensors[op.Inputs[2]] : null;
        if (_w.Shape.Length != 2) throw KernelChecks.Invalid(op, "the weight must be 2-D [in, out]");
        (_in, _out) = (_w.Shape[0], _w.Shape[1]);
        if (_in == 0 || _out == 0) throw KernelChecks.Invalid(op, "the weight has no rows or no columns");
        if (_x.Elements % _in != 0)
            throw KernelChecks.Invalid(op, $"the input's {_x.Elements} elements are not rows of {_in}");
        _rows = (int)(_x.Elements / _in);
        if (_y.Elements != (long)_rows * _out)
            throw KernelChecks.Invalid(op, $"the output must have {_rows}×{_out} elements");
        if (_bias is not null && (_bias.DType != ThinkerDType.Int32 || _bias.Elements != _out))
            throw KernelChecks.Invalid(op, $"the bias must be {_out} int32 values");
        _shift = KernelChecks.Shift(op, _x, _w, _y);
        if (LinearAttributes.Parse(op.Attributes).TransA)
            throw new InferenceException(ErrorIds.EngineUnsupportedOperator,
                $"Operator {op.Index} ({op.Type}) transposes its input (transA), which the engine does not run.");
        _sums = new int[_out];
    }

    public void Run(TensorMemory memory)
    {
        ReadOnlySpan<sbyte> x = memory.Int8(_x), w = memory.Int8(_w);
        ReadOnlySpan<int> bias = _bias is null ? default : memory.Int32(_bias);
        Span<sbyte> y = memory.Int8(_y);
        var acc = _sums;
        for (int r = 0; r < _rows; r++)
        {
            if (bias.IsEmpty) Array.Clear(acc); else bias.CopyTo(acc);
            var row = x.Slice(r * _in, _in);
            for (int n = 0; n < _in; n++)
            {
                int v = row[n];
                if (v != 0) AddRow(v, w.Slice(n * _out, _out));
            }
            for (int l = 0; l < _out; l++) y[r * _out + l] = Int8Arithmetic.Requantize(acc[l], _shift, relu: false);
        }
    }

    /// <summary>sums[l] += v · weights[l]: eight at a time on the vector paths (exact int32 either way).</summary>
    private void AddRow(int v, ReadOnlySpan<sbyte> weights)
    {
        int l = 0;
        if (_vector)
        {
            ref sbyte from = ref MemoryMarshal.GetReference(weights);
            ref int to = ref MemoryMarshal.GetArrayDataReference(_sums);
            var times = Vector256.Create(v);
            for (; l + 8 <= _out; l += 8)
            {
                var sum = Vector256.LoadUnsafe(ref to, (nuint)l) + Bytes.Eight(ref from, l) * times;
                sum.StoreUnsafe(ref to, (nuint)l);
            }
        }
        for (; l < _out; l++) _sums[l] += v * weights[l];
    }
}
