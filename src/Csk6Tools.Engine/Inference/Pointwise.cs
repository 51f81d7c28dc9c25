using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Csk6Tools.Engine.Inference;

/// <summary>
/// Channel planes interleaved in pairs into <see cref="Int8Gemm"/>'s panels: the im2col of a 1×1 stride-1
/// convolution, and of one tap of any other (<see cref="ConvColumns"/>). An odd last channel pairs with 0;
/// positions beyond the plane are left as they are (their sums are never read).
/// </summary>
internal static class Pointwise
{
    /// <summary>Channels 2c and 2c + 1 of <paramref name="x"/> become k-pair <paramref name="firstPair"/> + c of
    /// <paramref name="pairs"/>.</summary>
    public static void Interleave(
        ReadOnlySpan<sbyte> x, int channels, int plane, Span<short> columns, KernelPath path, int firstPair, int pairs)
    {
        int channelPairs = (channels + 1) / 2, panel = Int8Gemm.PanelFor(plane);
        CheckSizes(x.Length, channels, plane, firstPair + channelPairs, pairs, columns.Length * sizeof(short));
        bool vector = path != KernelPath.Scalar;
        for (int c = 0; c < channelPairs; c++)
        {
            int j = firstPair + c;
            var even = x.Slice(2 * c * plane, plane);
            var odd = 2 * c + 1 < channels ? x.Slice((2 * c + 1) * plane, plane) : default;
            int p = 0;
            if (vector)
            {
                ref sbyte e0 = ref MemoryMarshal.GetReference(even), o0 = ref MemoryMarshal.GetReference(odd);
                for (; p + 16 <= plane; p += 16)
                {
                    // 16 positions never straddle a panel: panels hold 16 or 32 and p is a multiple of 16.
                    int at = Int8Gemm.ColumnIndex(j, p, pairs, panel);
                    ref short c0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(columns), at);
                    var a = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref e0, (nuint)p));
                    var b = odd.IsEmpty ? Vector256<short>.Zero
                        : Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref o0, (nuint)p));
                    var low = Avx2.UnpackLow(a, b);   // positions 0–3 | 8–11, each (even, odd)
                    var high = Avx2.UnpackHigh(a, b); // positions 4–7 | 12–15
                    Avx2.Permute2x128(low, high, 0x20).StoreUnsafe(ref c0);
                    Avx2.Permute2x128(low, high, 0x31).StoreUnsafe(ref c0, 16);
                }
            }
            for (; p < plane; p++)
            {
                int at = Int8Gemm.ColumnIndex(j, p, pairs, panel);
                columns[at] = even[p];
                columns[at + 1] = odd.IsEmpty ? (short)0 : odd[p];
            }
        }
    }

    /// <summary>
    /// The VNNI form: channels 4c to 4c + 3 of <paramref name="x"/> become k-quad <paramref name="firstQuad"/> + c,
    /// each value stored as the byte x + 128 (missing channels as 0 + 128; their weights are 0).
    /// </summary>
    public static void InterleaveQuads(
        ReadOnlySpan<sbyte> x, int channels, int plane, Span<byte> columns, KernelPath path, int firstQuad, int quads)
    {
        int channelQuads = (channels + 3) / 4, panel = Int8Gemm.PanelFor(plane);
        CheckSizes(x.Length, channels, plane, firstQuad + channelQuads, quads, columns.Length);
        bool vector = path != KernelPath.Scalar;
        for (int c = 0; c < channelQuads; c++)
        {
            int j = firstQuad + c, p = 0;
            ReadOnlySpan<sbyte> c0 = Channel(x, 4 * c, channels, plane), c1 = Channel(x, 4 * c + 1, channels, plane);
            ReadOnlySpan<sbyte> c2 = Channel(x, 4 * c + 2, channels, plane),
                c3 = Channel(x, 4 * c + 3, channels, plane);
            if (vector)
            {
                var flip = Vector128.Create((byte)0x80);
                for (; p + 16 <= plane; p += 16)
                {
                    // 16 positions never straddle a panel (see Interleave); a quad is 4 bytes, as a pair of int16.
                    int at = Int8Gemm.ColumnIndex(j, p, quads, panel) * 2;
                    ref byte to = ref Unsafe.Add(ref MemoryMarshal.GetReference(columns), at);
                    var a = Sixteen(c0, p) ^ flip;
                    var b = Sixteen(c1, p) ^ flip;
                    var d = Sixteen(c2, p) ^ flip;
                    var e = Sixteen(c3, p) ^ flip;
                    Vector128<ushort> abLow = Sse2.UnpackLow(a, b).AsUInt16(),
                        abHigh = Sse2.UnpackHigh(a, b).AsUInt16();
                    Vector128<ushort> deLow = Sse2.UnpackLow(d, e).AsUInt16(),
                        deHigh = Sse2.UnpackHigh(d, e).AsUInt16();
                    Sse2.UnpackLow(abLow, deLow).AsByte().StoreUnsafe(ref to);        // positions 0–3
                    Sse2.UnpackHigh(abLow, deLow).AsByte().StoreUnsafe(ref to, 16);   // 4–7
                    Sse2.UnpackLow(abHigh, deHigh).AsByte().StoreUnsafe(ref to, 32);  // 8–11
                    Sse2.UnpackHigh(abHigh, deHigh).AsByte().StoreUnsafe(ref to, 48); // 12–15
                }
            }
            for (; p < plane; p++)
            {
                int at = Int8Gemm.ColumnIndex(j, p, quads, panel) * 2;
                columns[at] = (byte)(c0[p] + 128);
                columns[at + 1] = (byte)((c1.IsEmpty ? 0 : c1[p]) + 128);
                columns[at + 2] = (byte)((c2.IsEmpty ? 0 : c2[p]) + 128);
                columns[at + 3] = (byte)((c3.IsEmpty ? 0 : c3[p]) + 128);
            }
        }
    }

    private static ReadOnlySpan<sbyte> Channel(ReadOnlySpan<sbyte> x, int i, int channels, int plane) =>
        i < channels ? x.Slice(i * plane, plane) : default;

    /// <summary>Bytes p to p + 15 of a channel; zeros for a missing one.</summary>
    private static Vector128<byte> Sixteen(ReadOnlySpan<sbyte> channel, int p) =>
        channel.IsEmpty ? Vector128<byte>.Zero : Vector128.Create(channel.Slice(p, 16)).AsByte();

    /// <summary>The input holds the channels, and the columns every
    /// k-group (4 bytes a position) up to the last written.</summary>
    private static void CheckSizes(int inputLength, int channels, int plane, int lastGroupEnd,
        int groups, int columnBytes)
    {
        if (inputLength < channels * plane || lastGroupEnd > groups ||
            columnBytes < groups * Int8Gemm.PaddedPositions(plane, Int8Gemm.PanelFor(plane)) * 4)
            throw new ArgumentException("The columns do not match the input.");
    }
}
