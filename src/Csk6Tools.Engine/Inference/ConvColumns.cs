using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Inference;

/// <summary>
/// The im2col of a convolution for <see cref="Int8Gemm"/>, with k ordered tap by tap and, within a tap, by
/// groups of channels: pairs of int16 (group (tap t, c) holds channels 2c and 2c + 1 at tap t) or, on the VNNI
/// path, quads of x + 128 bytes (channels 4c to 4c + 3); missing channels at the end pair with weights of 0.
/// So the columns of a tap are shifted channel planes interleaved, which vectors do as for a 1×1 convolution:
/// the input is zero-padded and split into stride × stride phase planes once, each tap's plane of every channel
/// is gathered row by row, then interleaved.
/// </summary>
internal sealed class ConvColumns
{
    private readonly Conv2dAttributes _a;
    private readonly int _channels, _h, _w, _oh, _ow, _phaseH, _phaseW, _channelGroups, _groupWidth;
    private readonly sbyte[] _phases; // [channel, stride², phaseH, phaseW]
    private readonly sbyte[] _tapPlanes; // [channel, oh·ow]: one tap's inputs
    private readonly sbyte[] _evenOdd; // one input row's even pixels, then its odd ones (stride 2)

    /// <summary>Columns for a convolution of a [channels, h, w]
    /// input to an oh × ow output; <paramref name="groupWidth"/>
    /// channels per k-group: 2 (int16 pairs) or 4 (VNNI's u8 quads).</summary>
    public ConvColumns(Conv2dAttributes a, int channels, int h, int w, int oh, int ow, int groupWidth)
    {
        (_a, _channels, _h, _w, _oh, _ow, _groupWidth) = (a, channels, h, w, oh, ow, groupWidth);
        _channelGroups = (channels + groupWidth - 1) / groupWidth;
        IsPointwise = a.KernelH == 1 && a.KernelW == 1 && a.StrideH == 1 && a.StrideW == 1 &&
                      a.PadTop == 0 && a.PadLeft == 0 && oh == h && ow == w;
        Groups = a.KernelH * a.KernelW * _channelGroups;
        _evenOdd = new sbyte[w];
        if (IsPointwise) { _phases = _tapPlanes = []; return; }
        _phaseH = oh + (a.KernelH - 1) * a.DilationH / a.StrideH;
        _phaseW = ow + (a.KernelW - 1) * a.DilationW / a.StrideW;
        _phases = new sbyte[channels * a.StrideH * a.StrideW * _phaseH * _phaseW];
        _tapPlanes = new sbyte[channels * oh * ow];
    }

    /// <summary>A 1×1 stride-1 convolution: its taps are the input channels themselves.</summary>
    public bool IsPointwise { get; }

    /// <summary>k-groups (pairs or quads): taps × channel groups.</summary>
    public int Groups { get; }

    /// <summary>Weights [cout, channels, kh, kw] reordered to k = (tap, channel), each tap's channels padded to whole
    /// groups.</summary>
    public sbyte[] Reorder(ReadOnlySpan<sbyte> weights, int cout)
    {
        int taps = _a.KernelH * _a.KernelW, k = Groups * _groupWidth;
        var reordered = new sbyte[cout * k];
        for (int m = 0; m < cout; m++)
            for (int c = 0; c < _channels; c++)
                for (int t = 0; t < taps; t++)
                    reordered[m * k + t * _channelGroups * _groupWidth + c] = weights[(m * _channels + c) * taps + t];
        return reordered;
    }

    /// <summary>Writes the columns of <paramref name="x"/> ([channels, h, w]) into the GEMM's panels.</summary>
    public void Fill(ReadOnlySpan<sbyte> x, Span<short> columns, KernelPath path)
    {
        int plane = _oh * _ow;
        if (IsPointwise)
        {
            Interleave(x, plane, columns, path, 0);
            return;
        }
        FillPhases(x, path);
        int sh = _a.StrideH, sw = _a.StrideW, phasePlane = _phaseH * _phaseW;
        for (int ky = 0, t = 0; ky < _a.KernelH; ky++)
            for (int kx = 0; kx < _a.KernelW; kx++, t++)
            {
                int dy = ky * _a.DilationH, dx = kx * _a.DilationW;
                int phase = dy % sh * sw + dx % sw, top = dy / sh, left = dx / sw;
                // Every index lies inside its array by construction (phaseH and phaseW leave room for the widest tap).
                ref sbyte phases = ref MemoryMarshal.GetArrayDataReference(_phases);
                ref sbyte tapPlanes = ref MemoryMarshal.GetArrayDataReference(_tapPlanes);
                for (int c = 0; c < _channels; c++)
                {
                    int from = (c * sh * sw + phase) * phasePlane + top * _phaseW + left;
                    for (int oy = 0; oy < _oh; oy++)
                    {
                        ref sbyte row = ref Unsafe.Add(ref phases, from + oy * _phaseW);
                        Bytes.CopyRow(ref Unsafe.Add(ref tapPlanes, c * plane + oy * _ow), ref row, _ow);
                    }
                }
                Interleave(_tapPlanes, plane, columns, path, t * _channelGroups);
            }
    }

    private void Interleave(ReadOnlySpan<sbyte> planes, int plane, Span<short> columns, KernelPath path, int firstGroup)
    {
        if (_groupWidth == 4)
            Pointwise.InterleaveQuads(planes, _channels, plane, MemoryMarshal.AsBytes(columns),
                path, firstGroup, Groups);
        else Pointwise.Interleave(planes, _channels, plane, columns, path, firstGroup, Groups);
    }

    /// <summary>
    /// phase (py, px)[i, j] of channel c = padded x[c, i·sh + py, j·sw + px]. Only the image's pixels are written:
    /// the padding's places are the same at every run and stay 0 from the allocation.
    /// </summary>
    private void FillPhases(ReadOnlySpan<sbyte> x, KernelPath path)
    {
        int sh = _a.StrideH, sw = _a.StrideW, phasePlane = _phaseH * _phaseW;
        bool split = sw == 2 && _w >= 8 && path != KernelPath.Scalar; // shorter rows: the direct loop costs less
        for (int c = 0; c < _channels; c++)
        {
            var channel = x.Slice(c * _h * _w, _h * _w);
            for (int py = 0; py < sh; py++)
                for (int i = 0; i < _phaseH; i++)
                {
                    int iy = i * sh + py - _a.PadTop;
                    if ((uint)iy >= (uint)_h) continue;
                    var source = channel.Slice(iy * _w, _w);
                    if (split) SplitEvenOdd(source);
                    for (int px = 0; px < sw; px++)
                    {
                        // Columns j whose pixel ix = j·sw + ix0 lies in [0, w).
                        int ix0 = px - _a.PadLeft, first = ix0 >= 0 ? 0 : Math.Min(_phaseW, (-ix0 + sw - 1) / sw);
                        int end = Math.Clamp(_w - ix0 <= 0 ? 0 : (_w - 1 - ix0) / sw + 1, first, _phaseW);
                        var row = _phases.AsSpan(((c * sh + py) * sw + px) * phasePlane +
                            i * _phaseW + first, end - first);
                        if (sw == 1) source.Slice(first + ix0, row.Length).CopyTo(row);
                        else if (split)
                        {
                            // Pixel 2j + ix0 = 2(j + ix0/2) + parity: element j + ix0/2 (rounded down) of the even
                            // or the odd pixels.
                            int parity = ix0 & 1, half = (_w + 1) / 2;
                            _evenOdd.AsSpan(parity * half + first + (ix0 - parity) / 2, row.Length).CopyTo(row);
                        }
                        else if (row.Length > 0)
                        {
                            ref sbyte from = ref Unsafe.Add(ref MemoryMarshal.GetReference(source), first * sw + ix0);
                            ref sbyte to = ref MemoryMarshal.GetReference(row);
                            for (int j = 0; j < row.Length; j++) Unsafe.Add(ref to, j) = Unsafe.Add(ref from, j * sw);
                        }
                    }
                }
        }
    }

    /// <summary>A row's even pixels, then its odd ones, into <c>_evenOdd</c>: 32, 16 or 8 pixels at a time.</summary>
    private void SplitEvenOdd(ReadOnlySpan<sbyte> row)
    {
        int half = (row.Length + 1) / 2, k = 0;
        ref sbyte from = ref MemoryMarshal.GetReference(row);
        ref byte even = ref Unsafe.As<sbyte, byte>(ref _evenOdd[0]), odd = ref Unsafe.Add(ref even, half);
        for (; 2 * k + 32 <= row.Length; k += 16)
        {
            var words = Vector256.LoadUnsafe(ref from, (nuint)(2 * k)).AsUInt16();
            // Each 16-bit word holds an even pixel (low byte) and an odd one (high byte); packing keeps 0..255 exactly.
            var evens = (words & Vector256.Create((ushort)0xFF)).AsInt16();
            var packed = Avx2.PackUnsignedSaturate(evens, (words >> 8).AsInt16());
            var ordered = Avx2.Permute4x64(packed.AsUInt64(), 0b11_01_10_00).AsByte(); // evens 0–15 | odds 0–15
            ordered.GetLower().StoreUnsafe(ref even, (nuint)k);
            ordered.GetUpper().StoreUnsafe(ref odd, (nuint)k);
        }
        var split = Vector128.Create((byte)0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
        for (; 2 * k + 16 <= row.Length; k += 8)
        {
            var ordered = Ssse3.Shuffle(Vector128.LoadUnsafe(ref from, (nuint)(2 * k)).AsByte(), split).AsUInt64();
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref even, k), ordered.GetElement(0)); // evens 0–7
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref odd, k), ordered.GetElement(1));  // odds 0–7
        }
        for (; 2 * k + 8 <= row.Length; k += 4)
        {
            long eight = Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref from, 2 * k)));
            // evens in 0, odds in 2
            var ordered = Ssse3.Shuffle(Vector128.CreateScalar(eight).AsByte(), split).AsUInt32();
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref even, k), ordered.GetElement(0));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref odd, k), ordered.GetElement(2));
        }
        for (; 2 * k < row.Length; k++)
        {
            Unsafe.Add(ref even, k) = (byte)row[2 * k];
            if (2 * k + 1 < row.Length) Unsafe.Add(ref odd, k) = (byte)row[2 * k + 1];
        }
    }
}
