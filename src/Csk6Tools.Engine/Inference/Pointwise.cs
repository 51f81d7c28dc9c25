using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Csk6Tools.Engine.Inference;

/// <summary>The im2col of a 1×1 stride-1 convolution: columns[j, p, 0..1] = (x[2j, p], x[2j + 1, p]) as int16, zero beyond.</summary>
internal static class Pointwise
{
    public static void Interleave(ReadOnlySpan<sbyte> x, int channels, int plane, int positions, Span<short> columns) =>
        Interleave(x, channels, plane, positions, columns, Avx2.IsSupported);

    /// <summary>As above; <c>avx2</c> chooses the AVX2 path (its scalar twin handles what remains).</summary>
    internal static void Interleave(ReadOnlySpan<sbyte> x, int channels, int plane, int positions, Span<short> columns, bool avx2)
    {
        int pairs = (channels + 1) / 2;
        columns[..(pairs * positions * 2)].Clear();
        for (int j = 0; j < pairs; j++)
        {
            var even = x.Slice(2 * j * plane, plane);
            var odd = 2 * j + 1 < channels ? x.Slice((2 * j + 1) * plane, plane) : default;
            var column = columns.Slice(j * positions * 2, positions * 2);
            int p = 0;
            if (avx2 && !odd.IsEmpty)
            {
                ref sbyte e0 = ref MemoryMarshal.GetReference(even), o0 = ref MemoryMarshal.GetReference(odd);
                ref short c0 = ref MemoryMarshal.GetReference(column);
                for (; p + 16 <= plane; p += 16)
                {
                    var a = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref e0, (nuint)p));
                    var b = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref o0, (nuint)p));
                    var low = Avx2.UnpackLow(a, b);   // positions 0–3 | 8–11, each (even, odd)
                    var high = Avx2.UnpackHigh(a, b); // positions 4–7 | 12–15
                    Avx2.Permute2x128(low, high, 0x20).StoreUnsafe(ref c0, (nuint)(2 * p));
                    Avx2.Permute2x128(low, high, 0x31).StoreUnsafe(ref c0, (nuint)(2 * p + 16));
                }
            }
            for (; p < plane; p++)
            {
                column[2 * p] = even[p];
                if (!odd.IsEmpty) column[2 * p + 1] = odd[p];
            }
        }
    }
}
