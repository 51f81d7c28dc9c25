using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Quant;

namespace Csk6Tools.Engine.Inference;

/// <summary>
/// A depthwise Conv2dInt (group = channels), computed directly. Each channel is zero-padded and split into
/// stride × stride phase planes of one width, so output (oy, ox) of every tap reads its phase plane at
/// (oy + ky/s)·width + ox + kx/s: one fixed offset per tap over the whole plane, and all of the plane's outputs,
/// the few past each row's end included (dropped at the end), go through the vectors in one sweep, every tap
/// added in registers. Same sums, same requantization as <see cref="ConvKernel"/>.
/// </summary>
internal sealed class DepthwiseKernel : IKernel
{
    private const int Lanes = 16;
    private readonly PackageTensor _x, _y;
    private readonly PackageTensor? _bias;
    private readonly Conv2dAttributes _a;
    private readonly int[] _w; // [C, taps]: the weight in its low 16 bits, so vpmaddwd with a sign-extended x is x·w
    private readonly int[] _tapOffset; // where each tap reads, from the start of the phase planes
    private readonly int _c, _h, _w0, _oh, _ow, _shift, _width, _phaseH, _outputs;
    private readonly bool _relu;
    private readonly KernelPath _path;
    // 512-bit vectors: on the AVX-512 path, and on the VNNI path
    // (VNNI has nothing for depthwise) where the CPU has them.
    private readonly bool _use512;
    private readonly int[] _phases;
    private readonly sbyte[] _out;

    public static bool Handles(Conv2dAttributes a, PackageTensor x, PackageTensor y) =>
        x.Shape.Length == 4 && y.Shape.Length == 4 && a.Group > 1 && a.Group == x.Shape[1] && a.Group == y.Shape[1] &&
        a.StrideH == a.StrideW && a.DilationH == 1 && a.DilationW == 1;

    public DepthwiseKernel(PackageOperator op, ThinkerPackage package, TensorMemory memory, KernelPath path)
    {
        var c = ConvOperands.Read(op, package);
        (_a, _x, _y, _bias, _shift, _relu, _path) = (c.Attributes, c.X, c.Y, c.Bias, c.Shift, c.Relu, path);
        _use512 = path == KernelPath.Avx512 ||
            KernelPaths.UsesQuads(path) && KernelPaths.IsSupported(KernelPath.Avx512);
        (_c, _h, _w0) = (_x.Shape[1], _x.Shape[2], _x.Shape[3]);
        (_oh, _ow) = (_y.Shape[2], _y.Shape[3]);
        int s = _a.StrideH, kh = _a.KernelH, kw = _a.KernelW;
        _w = Array.ConvertAll(KernelChecks.UnpackWeight(memory.Int8(c.Weight), _c, _c, _c, kh, kw, op),
            v => v & 0xFFFF);
        _width = _ow + (kw - 1) / s;
        _phaseH = _oh + (kh - 1) / s;
        _outputs = (_oh * _width + Lanes - 1) / Lanes * Lanes;
        int plane = _outputs + (kh - 1) / s * _width + (kw - 1) / s;
        _tapOffset = new int[kh * kw];
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
                _tapOffset[ky * kw + kx] = (ky % s * s + kx % s) * plane + ky / s * _width + kx / s;
        _phases = new int[s * s * plane];
        _out = new sbyte[_outputs];
    }

    public void Run(TensorMemory memory)
    {
        ReadOnlySpan<sbyte> x = memory.Int8(_x);
        Span<sbyte> y = memory.Int8(_y);
        ReadOnlySpan<int> bias = _bias is null ? default : memory.Int32(_bias);
        int taps = _tapOffset.Length;
        for (int c = 0; c < _c; c++)
        {
            FillPhases(x.Slice(c * _h * _w0, _h * _w0));
            int b = bias.IsEmpty ? 0 : bias[c];
            var weights = _w.AsSpan(c * taps, taps);
            if (_use512) Accumulate512(weights, b);
            else if (_path == KernelPath.Scalar) AccumulateScalar(weights, b);
            else Accumulate256(weights, b);
            ref sbyte rows = ref MemoryMarshal.GetArrayDataReference(_out);
            for (int oy = 0; oy < _oh; oy++)
                Bytes.CopyRow(ref y[(c * _oh + oy) * _ow], ref Unsafe.Add(ref rows, oy * _width), _ow);
        }
    }

    private void AccumulateScalar(ReadOnlySpan<int> weights, int bias)
    {
        for (int q = 0; q < _outputs; q++)
        {
            int sum = bias;
            for (int t = 0; t < weights.Length; t++) sum += (short)weights[t] * _phases[_tapOffset[t] + q];
            _out[q] = Int8Arithmetic.Requantize(sum, _shift, _relu);
        }
    }

    private void Accumulate256(ReadOnlySpan<int> weights, int bias)
    {
        ref int phases = ref MemoryMarshal.GetArrayDataReference(_phases);
        ref int offsets = ref MemoryMarshal.GetArrayDataReference(_tapOffset);
        ref int w0 = ref MemoryMarshal.GetReference(weights);
        ref sbyte output = ref MemoryMarshal.GetArrayDataReference(_out);
        for (int q = 0; q < _outputs; q += Lanes)
        {
            Vector256<int> s0 = Vector256.Create(bias), s1 = s0;
            for (int t = 0; t < weights.Length; t++)
            {
                var w = Vector256.Create(Unsafe.Add(ref w0, t)).AsInt16();
                ref int from = ref Unsafe.Add(ref phases, Unsafe.Add(ref offsets, t) + q);
                s0 = Avx2.Add(s0, Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref from).AsInt16(), w));
                s1 = Avx2.Add(s1, Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref from, 8).AsInt16(), w));
            }
            // Requantized sums lie in [−128, 127], so narrowing keeps them exactly.
            var r = Vector256.Narrow(
                Int8Arithmetic.Requantize(s0, _shift, _relu), Int8Arithmetic.Requantize(s1, _shift, _relu));
            Vector256.Narrow(r, r).GetLower().StoreUnsafe(ref output, (nuint)q);
        }
    }

    private void Accumulate512(ReadOnlySpan<int> weights, int bias)
    {
        if (weights.Length == 9)
        {
            Accumulate512Of3x3(weights, bias);
            return;
        }
        ref int phases = ref MemoryMarshal.GetArrayDataReference(_phases);
        ref int offsets = ref MemoryMarshal.GetArrayDataReference(_tapOffset);
        ref int w0 = ref MemoryMarshal.GetReference(weights);
        ref sbyte output = ref MemoryMarshal.GetArrayDataReference(_out);
        for (int q = 0; q < _outputs; q += Lanes)
        {
            var sum = Vector512.Create(bias);
            for (int t = 0; t < weights.Length; t++)
            {
                var w = Vector512.Create(Unsafe.Add(ref w0, t)).AsInt16();
                var from = Vector512.LoadUnsafe(ref phases, (nuint)(Unsafe.Add(ref offsets, t) + q)).AsInt16();
                sum = Avx512BW.Add(sum, Avx512BW.MultiplyAddAdjacent(from, w));
            }
            Avx512F.ConvertToVector128SByte(Int8Arithmetic.Requantize(sum, _shift, _relu))
                .StoreUnsafe(ref output, (nuint)q);
        }
    }

    /// <summary>A 3×3 window: the nine weights and offsets held in registers across the plane.</summary>
    private void Accumulate512Of3x3(ReadOnlySpan<int> weights, int bias)
    {
        ref int p = ref MemoryMarshal.GetArrayDataReference(_phases);
        ref sbyte output = ref MemoryMarshal.GetArrayDataReference(_out);
        var o = _tapOffset;
        nuint o0 = (nuint)o[0], o1 = (nuint)o[1], o2 = (nuint)o[2], o3 = (nuint)o[3], o4 = (nuint)o[4];
        nuint o5 = (nuint)o[5], o6 = (nuint)o[6], o7 = (nuint)o[7], o8 = (nuint)o[8];
        Vector512<short> w0 = W(weights[0]), w1 = W(weights[1]), w2 = W(weights[2]),
            w3 = W(weights[3]), w4 = W(weights[4]);
        Vector512<short> w5 = W(weights[5]), w6 = W(weights[6]), w7 = W(weights[7]), w8 = W(weights[8]);
        var start = Vector512.Create(bias);
        for (nuint q = 0; q < (nuint)_outputs; q += Lanes)
        {
            var a = Avx512BW.Add(start,
                Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, o0 + q).AsInt16(), w0));
            var b = Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, o1 + q).AsInt16(), w1);
            a = Avx512BW.Add(a, Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, o2 + q).AsInt16(), w2));
            b = Avx512BW.Add(b, Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, o3 + q).AsInt16(), w3));
            a = Avx512BW.Add(a, Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, o4 + q).AsInt16(), w4));
            b = Avx512BW.Add(b, Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, o5 + q).AsInt16(), w5));
            a = Avx512BW.Add(a, Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, o6 + q).AsInt16(), w6));
            b = Avx512BW.Add(b, Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, o7 + q).AsInt16(), w7));
            a = Avx512BW.Add(a, Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, o8 + q).AsInt16(), w8));
            var sums = Int8Arithmetic.Requantize(Avx512BW.Add(a, b), _shift, _relu);
            Avx512F.ConvertToVector128SByte(sums).StoreUnsafe(ref output, q); // in [−128, 127]: exact
        }

        static Vector512<short> W(int w) => Vector512.Create(w).AsInt16();
    }

    /// <summary>
    /// phase (py, px)[i, j] = padded input[i·s + py, j·s + px]. Only the image's pixels are written: the padding's
    /// places are the same for every channel and stay 0 from the allocation.
    /// </summary>
    private void FillPhases(ReadOnlySpan<sbyte> channel)
    {
        int s = _a.StrideH, plane = _phases.Length / (s * s);
        ref sbyte x = ref MemoryMarshal.GetReference(channel);
        ref int phases = ref MemoryMarshal.GetArrayDataReference(_phases);
        for (int iy = 0; iy < _h; iy++)
        {
            int py = (iy + _a.PadTop) % s, i = (iy + _a.PadTop) / s;
            if (i >= _phaseH) break;
            ref sbyte row = ref Unsafe.Add(ref x, iy * _w0);
            if (s == 1)
                Widen(ref row, ref Unsafe.Add(ref phases, i * _width + _a.PadLeft), Math.Min(_w0, _width - _a.PadLeft));
            else if (s == 2 && _path != KernelPath.Scalar) FillStride2Row(ref row, ref phases, py, i, plane);
            else
                for (int ix = 0; ix < _w0; ix++)
                {
                    int px = (ix + _a.PadLeft) % s, j = (ix + _a.PadLeft) / s;
                    if (j < _width) _phases[(py * s + px) * plane + i * _width + j] = Unsafe.Add(ref row, ix);
                }
        }
    }

    /// <summary>
    /// One input row into its two stride-2 phase rows: pixel 2k goes to column k + ⌊padLeft/2⌋ of phase padLeft mod 2,
    /// pixel 2k + 1 to column k + ⌊(padLeft + 1)/2⌋ of the other; widened and split into evens and odds with vectors.
    /// </summary>
    private void FillStride2Row(ref sbyte row, ref int phases, int py, int i, int plane)
    {
        int pad = _a.PadLeft, evenShift = pad / 2, oddShift = (pad + 1) / 2,
        room = _width - Math.Max(evenShift, oddShift);
        ref int evens = ref Unsafe.Add(ref phases, (py * 2 + pad % 2) * plane + i * _width + evenShift);
        ref int odds = ref Unsafe.Add(ref phases, (py * 2 + (pad + 1) % 2) * plane + i * _width + oddShift);
        int k = 0;
        if (_use512)
        {
            var evenIndex = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            var oddIndex = evenIndex + Vector512<int>.One;
            for (; 2 * k + 32 <= _w0 && k + 16 <= room; k += 16)
            {
                var a = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref row, (nuint)(2 * k)));
                var b = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref row, (nuint)(2 * k + 16)));
                Avx512F.PermuteVar16x32x2(a, evenIndex, b).StoreUnsafe(ref evens, (nuint)k);
                Avx512F.PermuteVar16x32x2(a, oddIndex, b).StoreUnsafe(ref odds, (nuint)k);
            }
        }
        var split = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        for (; 2 * k + 16 <= _w0 && k + 8 <= room; k += 8)
        {
            var a = Avx2.PermuteVar8x32(Bytes.Eight(ref row, 2 * k), split);     // evens | odds of pixels 0..7
            var b = Avx2.PermuteVar8x32(Bytes.Eight(ref row, 2 * k + 8), split); // evens | odds of 8..15
            Avx2.Permute2x128(a, b, 0x20).StoreUnsafe(ref evens, (nuint)k);
            Avx2.Permute2x128(a, b, 0x31).StoreUnsafe(ref odds, (nuint)k);
        }
        for (; 2 * k < _w0; k++)
        {
            if (k + evenShift < _width) Unsafe.Add(ref evens, k) = Unsafe.Add(ref row, 2 * k);
            if (2 * k + 1 < _w0 && k + oddShift < _width) Unsafe.Add(ref odds, k) = Unsafe.Add(ref row, 2 * k + 1);
        }
    }

    /// <summary>target[j] = source[j] for j &lt; n, sign-extended.</summary>
    private void Widen(ref sbyte source, ref int target, int n)
    {
        int j = 0;
        if (_use512)
            for (; j + 16 <= n; j += 16)
                Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref source, (nuint)j))
                    .StoreUnsafe(ref target, (nuint)j);
        if (_path != KernelPath.Scalar)
            for (; j + 8 <= n; j += 8) Bytes.Eight(ref source, j).StoreUnsafe(ref target, (nuint)j);
        for (; j < n; j++) Unsafe.Add(ref target, j) = Unsafe.Add(ref source, j);
    }
}
