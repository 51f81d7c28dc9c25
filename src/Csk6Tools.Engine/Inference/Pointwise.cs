using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Csk6Tools.Engine.Inference;

/// <summary>
/// Channel planes interleaved in pairs into <see cref="Int16Gemm"/>'s panels: the im2col of a 1×1 stride-1
/// convolution, and of one tap of any other (<see cref="ConvColumns"/>). An odd last channel pairs with 0;
/// positions beyond the plane are left as they are (their sums are never read).
/// </summary>
internal static class Pointwise
{
    /// <summary>Channels 2c and 2c + 1 of <paramref name="x"/> become k-pair <paramref name="firstPair"/> + c of <paramref name="pairs"/>.</summary>
    public static void Interleave(ReadOnlySpan<sbyte> x, int channels, int plane, Span<short> columns, KernelPath path, int firstPair, int pairs)
    {
        int channelPairs = (channels + 1) / 2, panel = Int16Gemm.PanelFor(plane);
        if (x.Length < channels * plane || firstPair + channelPairs > pairs || columns.Length < pairs * Int16Gemm.PaddedPositions(plane, panel) * 2)
            throw new ArgumentException("The columns do not match the input.");
        bool vector = path != KernelPath.Scalar;
        for (int c = 0; c < channelPairs; c++)
        {
            int j = firstPair + c;
            var even = x.Slice(2 * c * plane, plane);
            var odd = 2 * c + 1 < channels ? x.Slice((2 * c + 1) * plane, plane) : default;
            int p = 0;
            if (vector && !odd.IsEmpty)
            {
                ref sbyte e0 = ref MemoryMarshal.GetReference(even), o0 = ref MemoryMarshal.GetReference(odd);
                for (; p + 16 <= plane; p += 16)
                {
                    // 16 positions never straddle a panel: panels hold 16 or 32 and p is a multiple of 16.
                    ref short c0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(columns), Int16Gemm.ColumnIndex(j, p, pairs, panel));
                    var a = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref e0, (nuint)p));
                    var b = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref o0, (nuint)p));
                    var low = Avx2.UnpackLow(a, b);   // positions 0–3 | 8–11, each (even, odd)
                    var high = Avx2.UnpackHigh(a, b); // positions 4–7 | 12–15
                    Avx2.Permute2x128(low, high, 0x20).StoreUnsafe(ref c0);
                    Avx2.Permute2x128(low, high, 0x31).StoreUnsafe(ref c0, 16);
                }
            }
            for (; p < plane; p++)
            {
                int at = Int16Gemm.ColumnIndex(j, p, pairs, panel);
                columns[at] = even[p];
                columns[at + 1] = odd.IsEmpty ? (short)0 : odd[p];
            }
        }
    }
}
