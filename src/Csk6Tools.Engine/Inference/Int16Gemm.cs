using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Csk6Tools.Engine.Inference;

/// <summary>
/// acc[m, p] += Σ_k w[m, k] · x[k, p] with int16 operands in k-pairs and int32 sums: exact for int8 values
/// (|x·w| ≤ 2^14), so every <see cref="KernelPath"/> gives the scalar path's bits. Weights come as one int32 per
/// k-pair (low half k, high half k+1). x comes in panels of 32 positions (16 when there are no more): within a
/// panel, k-pair after k-pair, the pairs of its positions (see <see cref="ColumnIndex"/>), so a block of outputs
/// reads its inputs in one sequential sweep.
/// </summary>
internal static class Int16Gemm
{
    /// <summary>The panel width for a number of positions: 16 for a 4×4 map (no padding wasted), else 32.</summary>
    public static int PanelFor(int positions) => positions <= 16 ? 16 : 32;

    /// <summary>Where the pair (x[2·pair, position], x[2·pair + 1, position]) starts in the panels.</summary>
    public static int ColumnIndex(int pair, int position, int pairs, int panel) =>
        ((position / panel * pairs + pair) * panel + position % panel) * 2;

    /// <summary>Positions rounded up to whole panels.</summary>
    public static int PaddedPositions(int positions, int panel) => (positions + panel - 1) / panel * panel;

    /// <summary>Packs rows of int8 weights [m, k] into k-pairs, zero-padding an odd k.</summary>
    public static int[] PackWeights(ReadOnlySpan<sbyte> w, int m, int k)
    {
        int kp = (k + 1) / 2;
        var packed = new int[m * kp];
        for (int r = 0; r < m; r++)
            for (int j = 0; j < kp; j++)
            {
                int lo = w[r * k + 2 * j], hi = 2 * j + 1 < k ? w[r * k + 2 * j + 1] : 0;
                packed[r * kp + j] = (ushort)(short)lo | (hi << 16);
            }
        return packed;
    }

    /// <summary>
    /// w: [m, kp] packed weights; x: panels of [kp, panel, 2] (panel 16 or 32); positions a multiple of the
    /// panel; acc: [m, positions], the biases on entry.
    /// </summary>
    public static void Multiply(KernelPath path, ReadOnlySpan<int> w, int m, int kp, ReadOnlySpan<short> x, int positions, int panel, Span<int> acc)
    {
        if (panel is not (16 or 32) || positions % panel != 0 || w.Length < m * kp || x.Length < kp * positions * 2 || acc.Length < m * positions)
            throw new ArgumentException("The GEMM's operands do not match its sizes.");
        switch (path)
        {
            case KernelPath.Avx512 when panel == 32: Multiply512(w, m, kp, x, positions, acc); break;
            case KernelPath.Avx512: Multiply512Narrow(w, m, kp, x, positions, acc); break;
            case KernelPath.Vnni: Multiply256<VnniDot>(w, m, kp, x, positions, panel, acc); break;
            case KernelPath.Avx2: Multiply256<Avx2Dot>(w, m, kp, x, positions, panel, acc); break;
            default: MultiplyScalar(w, m, kp, x, positions, panel, acc); break;
        }
    }

    private static void MultiplyScalar(ReadOnlySpan<int> w, int m, int kp, ReadOnlySpan<short> x, int positions, int panel, Span<int> acc)
    {
        for (int b = 0; b < positions / panel; b++)
        {
            var columns = x.Slice(b * kp * panel * 2, kp * panel * 2);
            for (int r = 0; r < m; r++)
            {
                var row = acc.Slice(r * positions + b * panel, panel);
                for (int j = 0; j < kp; j++)
                {
                    int pair = w[r * kp + j];
                    int lo = (short)pair, hi = pair >> 16;
                    if (lo == 0 && hi == 0) continue;
                    var xs = columns.Slice(j * panel * 2, panel * 2);
                    for (int p = 0; p < panel; p++) row[p] += lo * xs[2 * p] + hi * xs[2 * p + 1];
                }
            }
        }
    }

    /// <summary>acc + the pair products of x and w, as one 256-bit instruction or two.</summary>
    private interface IDot256
    {
        static abstract Vector256<int> Add(Vector256<int> acc, Vector256<short> x, Vector256<short> w);
    }

    private readonly struct Avx2Dot : IDot256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> acc, Vector256<short> x, Vector256<short> w) =>
            Avx2.Add(acc, Avx2.MultiplyAddAdjacent(x, w));
    }

    private readonly struct VnniDot : IDot256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> acc, Vector256<short> x, Vector256<short> w) =>
#pragma warning disable CA2252 // preview in .NET 8's reference assemblies only (see KernelPaths)
            AvxVnni.MultiplyWideningAndAdd(acc, x, w);
#pragma warning restore CA2252
    }

    /// <summary>256 bits: blocks of 4 rows × 16 positions (8 accumulators), 16 positions of a panel at a time.</summary>
    private static void Multiply256<TDot>(ReadOnlySpan<int> w, int m, int kp, ReadOnlySpan<short> x, int positions, int panel, Span<int> acc)
        where TDot : struct, IDot256
    {
        ref int w0 = ref MemoryMarshal.GetReference(w);
        ref int a0 = ref MemoryMarshal.GetReference(acc);
        int stride = panel * 2;
        for (int b = 0; b < positions / panel; b++)
            for (int half = 0; half < panel; half += 16)
            {
                ref short x0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), (b * kp * panel + half) * 2);
                int p = b * panel + half, r = 0;
                for (; r + 4 <= m; r += 4)
                    Rows4<TDot>(ref Unsafe.Add(ref w0, r * kp), kp, ref x0, stride, ref Unsafe.Add(ref a0, r * positions + p), positions);
                for (; r < m; r++) Rows1<TDot>(ref Unsafe.Add(ref w0, r * kp), kp, ref x0, stride, ref Unsafe.Add(ref a0, r * positions + p));
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows4<TDot>(ref int w, int kp, ref short x, int stride, ref int acc, int positions) where TDot : struct, IDot256
    {
        ref int a1 = ref Unsafe.Add(ref acc, positions);
        ref int a2 = ref Unsafe.Add(ref acc, 2 * positions);
        ref int a3 = ref Unsafe.Add(ref acc, 3 * positions);
        Vector256<int> c00 = V(ref acc, 0), c01 = V(ref acc, 8), c10 = V(ref a1, 0), c11 = V(ref a1, 8);
        Vector256<int> c20 = V(ref a2, 0), c21 = V(ref a2, 8), c30 = V(ref a3, 0), c31 = V(ref a3, 8);
        for (int j = 0; j < kp; j++)
        {
            nuint at = (nuint)(j * stride);
            var v0 = Vector256.LoadUnsafe(ref x, at);
            var v1 = Vector256.LoadUnsafe(ref x, at + 16);
            var w0 = Vector256.Create(Unsafe.Add(ref w, j)).AsInt16();
            var w1 = Vector256.Create(Unsafe.Add(ref w, kp + j)).AsInt16();
            var w2 = Vector256.Create(Unsafe.Add(ref w, 2 * kp + j)).AsInt16();
            var w3 = Vector256.Create(Unsafe.Add(ref w, 3 * kp + j)).AsInt16();
            c00 = TDot.Add(c00, v0, w0); c01 = TDot.Add(c01, v1, w0);
            c10 = TDot.Add(c10, v0, w1); c11 = TDot.Add(c11, v1, w1);
            c20 = TDot.Add(c20, v0, w2); c21 = TDot.Add(c21, v1, w2);
            c30 = TDot.Add(c30, v0, w3); c31 = TDot.Add(c31, v1, w3);
        }
        c00.StoreUnsafe(ref acc); c01.StoreUnsafe(ref acc, 8); c10.StoreUnsafe(ref a1); c11.StoreUnsafe(ref a1, 8);
        c20.StoreUnsafe(ref a2); c21.StoreUnsafe(ref a2, 8); c30.StoreUnsafe(ref a3); c31.StoreUnsafe(ref a3, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows1<TDot>(ref int w, int kp, ref short x, int stride, ref int acc) where TDot : struct, IDot256
    {
        Vector256<int> c0 = V(ref acc, 0), c1 = V(ref acc, 8);
        for (int j = 0; j < kp; j++)
        {
            nuint at = (nuint)(j * stride);
            var wv = Vector256.Create(Unsafe.Add(ref w, j)).AsInt16();
            c0 = TDot.Add(c0, Vector256.LoadUnsafe(ref x, at), wv);
            c1 = TDot.Add(c1, Vector256.LoadUnsafe(ref x, at + 16), wv);
        }
        c0.StoreUnsafe(ref acc); c1.StoreUnsafe(ref acc, 8);
    }

    /// <summary>512 bits: blocks of 8 rows × 32 positions (16 accumulators), then 4 rows, then 1.</summary>
    private static void Multiply512(ReadOnlySpan<int> w, int m, int kp, ReadOnlySpan<short> x, int positions, Span<int> acc)
    {
        ref int w0 = ref MemoryMarshal.GetReference(w);
        ref int a0 = ref MemoryMarshal.GetReference(acc);
        for (int b = 0; b < positions / 32; b++)
        {
            ref short x0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), b * kp * 64);
            int p = b * 32, r = 0;
            for (; r + 8 <= m; r += 8) Rows8Wide(ref Unsafe.Add(ref w0, r * kp), kp, ref x0, ref Unsafe.Add(ref a0, r * positions + p), positions);
            for (; r + 4 <= m; r += 4) Rows4Wide(ref Unsafe.Add(ref w0, r * kp), kp, ref x0, ref Unsafe.Add(ref a0, r * positions + p), positions);
            for (; r < m; r++) Rows1Wide(ref Unsafe.Add(ref w0, r * kp), kp, ref x0, ref Unsafe.Add(ref a0, r * positions + p));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Dot(Vector512<int> acc, Vector512<short> x, Vector512<short> w) =>
        Avx512BW.Add(acc, Avx512BW.MultiplyAddAdjacent(x, w));

    private static void Rows8Wide(ref int w, int kp, ref short x, ref int acc, int positions)
    {
        ref int a1 = ref Unsafe.Add(ref acc, positions), a2 = ref Unsafe.Add(ref acc, 2 * positions);
        ref int a3 = ref Unsafe.Add(ref acc, 3 * positions), a4 = ref Unsafe.Add(ref acc, 4 * positions);
        ref int a5 = ref Unsafe.Add(ref acc, 5 * positions), a6 = ref Unsafe.Add(ref acc, 6 * positions);
        ref int a7 = ref Unsafe.Add(ref acc, 7 * positions);
        Vector512<int> c00 = Z(ref acc, 0), c01 = Z(ref acc, 16), c10 = Z(ref a1, 0), c11 = Z(ref a1, 16);
        Vector512<int> c20 = Z(ref a2, 0), c21 = Z(ref a2, 16), c30 = Z(ref a3, 0), c31 = Z(ref a3, 16);
        Vector512<int> c40 = Z(ref a4, 0), c41 = Z(ref a4, 16), c50 = Z(ref a5, 0), c51 = Z(ref a5, 16);
        Vector512<int> c60 = Z(ref a6, 0), c61 = Z(ref a6, 16), c70 = Z(ref a7, 0), c71 = Z(ref a7, 16);
        for (int j = 0; j < kp; j++)
        {
            nuint at = (nuint)(j * 64);
            var v0 = Vector512.LoadUnsafe(ref x, at);
            var v1 = Vector512.LoadUnsafe(ref x, at + 32);
            var w0 = Vector512.Create(Unsafe.Add(ref w, j)).AsInt16();
            c00 = Dot(c00, v0, w0); c01 = Dot(c01, v1, w0);
            var w1 = Vector512.Create(Unsafe.Add(ref w, kp + j)).AsInt16();
            c10 = Dot(c10, v0, w1); c11 = Dot(c11, v1, w1);
            var w2 = Vector512.Create(Unsafe.Add(ref w, 2 * kp + j)).AsInt16();
            c20 = Dot(c20, v0, w2); c21 = Dot(c21, v1, w2);
            var w3 = Vector512.Create(Unsafe.Add(ref w, 3 * kp + j)).AsInt16();
            c30 = Dot(c30, v0, w3); c31 = Dot(c31, v1, w3);
            var w4 = Vector512.Create(Unsafe.Add(ref w, 4 * kp + j)).AsInt16();
            c40 = Dot(c40, v0, w4); c41 = Dot(c41, v1, w4);
            var w5 = Vector512.Create(Unsafe.Add(ref w, 5 * kp + j)).AsInt16();
            c50 = Dot(c50, v0, w5); c51 = Dot(c51, v1, w5);
            var w6 = Vector512.Create(Unsafe.Add(ref w, 6 * kp + j)).AsInt16();
            c60 = Dot(c60, v0, w6); c61 = Dot(c61, v1, w6);
            var w7 = Vector512.Create(Unsafe.Add(ref w, 7 * kp + j)).AsInt16();
            c70 = Dot(c70, v0, w7); c71 = Dot(c71, v1, w7);
        }
        c00.StoreUnsafe(ref acc); c01.StoreUnsafe(ref acc, 16); c10.StoreUnsafe(ref a1); c11.StoreUnsafe(ref a1, 16);
        c20.StoreUnsafe(ref a2); c21.StoreUnsafe(ref a2, 16); c30.StoreUnsafe(ref a3); c31.StoreUnsafe(ref a3, 16);
        c40.StoreUnsafe(ref a4); c41.StoreUnsafe(ref a4, 16); c50.StoreUnsafe(ref a5); c51.StoreUnsafe(ref a5, 16);
        c60.StoreUnsafe(ref a6); c61.StoreUnsafe(ref a6, 16); c70.StoreUnsafe(ref a7); c71.StoreUnsafe(ref a7, 16);
    }

    private static void Rows4Wide(ref int w, int kp, ref short x, ref int acc, int positions)
    {
        ref int a1 = ref Unsafe.Add(ref acc, positions), a2 = ref Unsafe.Add(ref acc, 2 * positions);
        ref int a3 = ref Unsafe.Add(ref acc, 3 * positions);
        Vector512<int> c00 = Z(ref acc, 0), c01 = Z(ref acc, 16), c10 = Z(ref a1, 0), c11 = Z(ref a1, 16);
        Vector512<int> c20 = Z(ref a2, 0), c21 = Z(ref a2, 16), c30 = Z(ref a3, 0), c31 = Z(ref a3, 16);
        for (int j = 0; j < kp; j++)
        {
            nuint at = (nuint)(j * 64);
            var v0 = Vector512.LoadUnsafe(ref x, at);
            var v1 = Vector512.LoadUnsafe(ref x, at + 32);
            var w0 = Vector512.Create(Unsafe.Add(ref w, j)).AsInt16();
            var w1 = Vector512.Create(Unsafe.Add(ref w, kp + j)).AsInt16();
            var w2 = Vector512.Create(Unsafe.Add(ref w, 2 * kp + j)).AsInt16();
            var w3 = Vector512.Create(Unsafe.Add(ref w, 3 * kp + j)).AsInt16();
            c00 = Dot(c00, v0, w0); c01 = Dot(c01, v1, w0); c10 = Dot(c10, v0, w1); c11 = Dot(c11, v1, w1);
            c20 = Dot(c20, v0, w2); c21 = Dot(c21, v1, w2); c30 = Dot(c30, v0, w3); c31 = Dot(c31, v1, w3);
        }
        c00.StoreUnsafe(ref acc); c01.StoreUnsafe(ref acc, 16); c10.StoreUnsafe(ref a1); c11.StoreUnsafe(ref a1, 16);
        c20.StoreUnsafe(ref a2); c21.StoreUnsafe(ref a2, 16); c30.StoreUnsafe(ref a3); c31.StoreUnsafe(ref a3, 16);
    }

    private static void Rows1Wide(ref int w, int kp, ref short x, ref int acc)
    {
        Vector512<int> c0 = Z(ref acc, 0), c1 = Z(ref acc, 16);
        for (int j = 0; j < kp; j++)
        {
            nuint at = (nuint)(j * 64);
            var wv = Vector512.Create(Unsafe.Add(ref w, j)).AsInt16();
            c0 = Dot(c0, Vector512.LoadUnsafe(ref x, at), wv);
            c1 = Dot(c1, Vector512.LoadUnsafe(ref x, at + 32), wv);
        }
        c0.StoreUnsafe(ref acc); c1.StoreUnsafe(ref acc, 16);
    }

    /// <summary>512 bits on panels of 16 positions: blocks of 8 rows × 16 positions, then 4 rows, then 1.</summary>
    private static void Multiply512Narrow(ReadOnlySpan<int> w, int m, int kp, ReadOnlySpan<short> x, int positions, Span<int> acc)
    {
        ref int w0 = ref MemoryMarshal.GetReference(w);
        ref int a0 = ref MemoryMarshal.GetReference(acc);
        for (int b = 0; b < positions / 16; b++)
        {
            ref short x0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), b * kp * 32);
            int p = b * 16, r = 0;
            for (; r + 8 <= m; r += 8) Rows8Narrow(ref Unsafe.Add(ref w0, r * kp), kp, ref x0, ref Unsafe.Add(ref a0, r * positions + p), positions);
            for (; r + 4 <= m; r += 4) Rows4Narrow(ref Unsafe.Add(ref w0, r * kp), kp, ref x0, ref Unsafe.Add(ref a0, r * positions + p), positions);
            for (; r < m; r++) Row1Narrow(ref Unsafe.Add(ref w0, r * kp), kp, ref x0, ref Unsafe.Add(ref a0, r * positions + p));
        }
    }

    /// <summary>One row: even and odd k-pairs in two accumulators, so the additions do not wait on each other.</summary>
    private static void Row1Narrow(ref int w, int kp, ref short x, ref int acc)
    {
        Vector512<int> even = Z(ref acc, 0), odd = Vector512<int>.Zero;
        int j = 0;
        for (; j + 2 <= kp; j += 2)
        {
            even = Dot(even, Vector512.LoadUnsafe(ref x, (nuint)(j * 32)), Vector512.Create(Unsafe.Add(ref w, j)).AsInt16());
            odd = Dot(odd, Vector512.LoadUnsafe(ref x, (nuint)(j * 32 + 32)), Vector512.Create(Unsafe.Add(ref w, j + 1)).AsInt16());
        }
        if (j < kp) even = Dot(even, Vector512.LoadUnsafe(ref x, (nuint)(j * 32)), Vector512.Create(Unsafe.Add(ref w, j)).AsInt16());
        (even + odd).StoreUnsafe(ref acc);
    }

    private static void Rows4Narrow(ref int w, int kp, ref short x, ref int acc, int positions)
    {
        ref int a1 = ref Unsafe.Add(ref acc, positions), a2 = ref Unsafe.Add(ref acc, 2 * positions);
        ref int a3 = ref Unsafe.Add(ref acc, 3 * positions);
        Vector512<int> c0 = Z(ref acc, 0), c1 = Z(ref a1, 0), c2 = Z(ref a2, 0), c3 = Z(ref a3, 0);
        for (int j = 0; j < kp; j++)
        {
            var v = Vector512.LoadUnsafe(ref x, (nuint)(j * 32));
            c0 = Dot(c0, v, Vector512.Create(Unsafe.Add(ref w, j)).AsInt16());
            c1 = Dot(c1, v, Vector512.Create(Unsafe.Add(ref w, kp + j)).AsInt16());
            c2 = Dot(c2, v, Vector512.Create(Unsafe.Add(ref w, 2 * kp + j)).AsInt16());
            c3 = Dot(c3, v, Vector512.Create(Unsafe.Add(ref w, 3 * kp + j)).AsInt16());
        }
        c0.StoreUnsafe(ref acc); c1.StoreUnsafe(ref a1); c2.StoreUnsafe(ref a2); c3.StoreUnsafe(ref a3);
    }

    private static void Rows8Narrow(ref int w, int kp, ref short x, ref int acc, int positions)
    {
        ref int a1 = ref Unsafe.Add(ref acc, positions), a2 = ref Unsafe.Add(ref acc, 2 * positions);
        ref int a3 = ref Unsafe.Add(ref acc, 3 * positions), a4 = ref Unsafe.Add(ref acc, 4 * positions);
        ref int a5 = ref Unsafe.Add(ref acc, 5 * positions), a6 = ref Unsafe.Add(ref acc, 6 * positions);
        ref int a7 = ref Unsafe.Add(ref acc, 7 * positions);
        Vector512<int> c0 = Z(ref acc, 0), c1 = Z(ref a1, 0), c2 = Z(ref a2, 0), c3 = Z(ref a3, 0);
        Vector512<int> c4 = Z(ref a4, 0), c5 = Z(ref a5, 0), c6 = Z(ref a6, 0), c7 = Z(ref a7, 0);
        for (int j = 0; j < kp; j++)
        {
            var v = Vector512.LoadUnsafe(ref x, (nuint)(j * 32));
            c0 = Dot(c0, v, Vector512.Create(Unsafe.Add(ref w, j)).AsInt16());
            c1 = Dot(c1, v, Vector512.Create(Unsafe.Add(ref w, kp + j)).AsInt16());
            c2 = Dot(c2, v, Vector512.Create(Unsafe.Add(ref w, 2 * kp + j)).AsInt16());
            c3 = Dot(c3, v, Vector512.Create(Unsafe.Add(ref w, 3 * kp + j)).AsInt16());
            c4 = Dot(c4, v, Vector512.Create(Unsafe.Add(ref w, 4 * kp + j)).AsInt16());
            c5 = Dot(c5, v, Vector512.Create(Unsafe.Add(ref w, 5 * kp + j)).AsInt16());
            c6 = Dot(c6, v, Vector512.Create(Unsafe.Add(ref w, 6 * kp + j)).AsInt16());
            c7 = Dot(c7, v, Vector512.Create(Unsafe.Add(ref w, 7 * kp + j)).AsInt16());
        }
        c0.StoreUnsafe(ref acc); c1.StoreUnsafe(ref a1); c2.StoreUnsafe(ref a2); c3.StoreUnsafe(ref a3);
        c4.StoreUnsafe(ref a4); c5.StoreUnsafe(ref a5); c6.StoreUnsafe(ref a6); c7.StoreUnsafe(ref a7);
    }

    private static Vector256<int> V(ref int a, nuint at) => Vector256.LoadUnsafe(ref a, at);
    private static Vector512<int> Z(ref int a, nuint at) => Vector512.LoadUnsafe(ref a, at);
}
