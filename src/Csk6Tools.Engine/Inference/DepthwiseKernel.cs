using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Quant;

namespace Csk6Tools.Engine.Inference;

/// <summary>
/// A depthwise Conv2dInt (group = channels), computed directly: each channel is zero-padded and split into
/// stride × stride phase planes, so every tap is a stride-1 multiply-add of eight int32 lanes. Same sums, same
/// requantization as <see cref="ConvKernel"/>.
/// </summary>
internal sealed class DepthwiseKernel : IKernel
{
    private readonly PackageTensor _x, _y;
    private readonly PackageTensor? _bias;
    private readonly Conv2dAttributes _a;
    private readonly int[] _w; // [C, kh, kw]
    private readonly int _c, _h, _w0, _oh, _ow, _shift, _rowStride, _phaseH, _phaseW;
    private readonly bool _relu;
    private readonly int[] _phases, _acc;

    public static bool Handles(Conv2dAttributes a, PackageTensor x, PackageTensor y) =>
        a.Group > 1 && a.Group == x.Shape[1] && a.Group == y.Shape[1] && a.StrideH == a.StrideW && a.DilationH == 1 && a.DilationW == 1;

    public DepthwiseKernel(PackageOperator op, ThinkerPackage package, TensorMemory memory)
    {
        var c = ConvOperands.Read(op, package);
        (_a, _x, _y, _bias, _shift, _relu) = (c.Attributes, c.X, c.Y, c.Bias, c.Shift, c.Relu);
        var weight = c.Weight;
        (_c, _h, _w0) = (_x.Shape[1], _x.Shape[2], _x.Shape[3]);
        (_oh, _ow) = (_y.Shape[2], _y.Shape[3]);
        _w = Array.ConvertAll(KernelChecks.UnpackWeight(memory.Int8(weight), _c, _c, _c, _a.KernelH, _a.KernelW, op), v => (int)v);
        int s = _a.StrideH;
        _rowStride = (_ow + 7) / 8 * 8;
        // A phase plane holds every s-th padded pixel; wide enough for the last tap plus a full vector.
        _phaseH = _oh + (_a.KernelH - 1) / s + 1;
        _phaseW = _rowStride + (_a.KernelW - 1) / s + 8;
        _phases = new int[s * s * _phaseH * _phaseW];
        _acc = new int[_oh * _rowStride];
    }

    public void Run(TensorMemory memory)
    {
        ReadOnlySpan<sbyte> x = memory.Int8(_x);
        Span<sbyte> y = memory.Int8(_y);
        ReadOnlySpan<int> bias = _bias is null ? default : memory.Int32(_bias);
        int s = _a.StrideH, kh = _a.KernelH, kw = _a.KernelW, plane = _phaseH * _phaseW;
        for (int c = 0; c < _c; c++)
        {
            FillPhases(x.Slice(c * _h * _w0, _h * _w0), s);
            Array.Fill(_acc, bias.IsEmpty ? 0 : bias[c]);
            ref int acc0 = ref MemoryMarshal.GetArrayDataReference(_acc);
            ref int phases0 = ref MemoryMarshal.GetArrayDataReference(_phases);
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++)
                {
                    int w = _w[(c * kh + ky) * kw + kx];
                    if (w == 0) continue;
                    var wv = Vector256.Create(w);
                    int phase = (ky % s * s + kx % s) * plane, dy = ky / s, dx = kx / s;
                    for (int oy = 0; oy < _oh; oy++)
                    {
                        int src = phase + (oy + dy) * _phaseW + dx, dst = oy * _rowStride;
                        for (int ox = 0; ox < _rowStride; ox += 8)
                        {
                            var sum = Vector256.LoadUnsafe(ref acc0, (nuint)(dst + ox)) + wv * Vector256.LoadUnsafe(ref phases0, (nuint)(src + ox));
                            sum.StoreUnsafe(ref acc0, (nuint)(dst + ox));
                        }
                    }
                }
            for (int oy = 0; oy < _oh; oy++)
                Int8Arithmetic.Requantize(_acc.AsSpan(oy * _rowStride, _ow), y.Slice((c * _oh + oy) * _ow, _ow), _shift, _relu);
        }
    }

    /// <summary>phase (py, px)[i, j] = padded input[i·s + py, j·s + px], zero outside the image.</summary>
    private void FillPhases(ReadOnlySpan<sbyte> channel, int s)
    {
        Array.Clear(_phases);
        int plane = _phaseH * _phaseW;
        if (s == 1)
        {
            int width = Math.Min(_w0, _phaseW - _a.PadLeft);
            for (int iy = 0; iy < _h && iy + _a.PadTop < _phaseH; iy++)
            {
                var row = channel.Slice(iy * _w0, width);
                var target = _phases.AsSpan((iy + _a.PadTop) * _phaseW + _a.PadLeft, width);
                for (int ix = 0; ix < row.Length; ix++) target[ix] = row[ix];
            }
            return;
        }
        for (int iy = 0; iy < _h; iy++)
        {
            int py = iy + _a.PadTop;
            var row = channel.Slice(iy * _w0, _w0);
            for (int ix = 0; ix < _w0; ix++)
            {
                int px = ix + _a.PadLeft;
                int i = py / s, j = px / s;
                if (i < _phaseH && j < _phaseW) _phases[(py % s * s + px % s) * plane + i * _phaseW + j] = row[ix];
            }
        }
    }
}
