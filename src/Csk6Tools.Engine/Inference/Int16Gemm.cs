using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Csk6Tools.Engine.Inference;

/// <summary>
/// acc[m, p] += Σ_k w[m, k] · x[k, p] with int16 operands in k-pairs and int32 sums: exact for int8 values
/// (|x·w| ≤ 2^14), so the AVX2 path (vpmaddwd: 16 multiply-adds per instruction) and the scalar path give
/// identical bits. Weights come as one int32 per k-pair (low half k, high half k+1); x as [k-pair][p][2].
/// </summary>
internal static class Int16Gemm
{
    public const int PositionBlock = 16;

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

    /// <summary>w: [m, kp] packed weights; x: [kp, positions, 2] pairs, positions a multiple of <see cref="PositionBlock"/>; acc: [m, positions], the biases on entry.</summary>
    public static void Multiply(ReadOnlySpan<int> w, int m, int kp, ReadOnlySpan<short> x, int positions, Span<int> acc)
    {
        if (Avx2.IsSupported) MultiplyAvx2(w, m, kp, x, positions, acc);
        else MultiplyScalar(w, m, kp, x, positions, acc);
    }

    internal static void MultiplyScalar(ReadOnlySpan<int> w, int m, int kp, ReadOnlySpan<short> x, int positions, Span<int> acc)
    {
        for (int r = 0; r < m; r++)
        {
            var row = acc.Slice(r * positions, positions);
            for (int j = 0; j < kp; j++)
            {
                int pair = w[r * kp + j];
                int lo = (short)pair, hi = pair >> 16;
                if (lo == 0 && hi == 0) continue;
                var xs = x.Slice(j * positions * 2, positions * 2);
                for (int p = 0; p < positions; p++) row[p] += lo * xs[2 * p] + hi * xs[2 * p + 1];
            }
        }
    }

    internal static void MultiplyAvx2(ReadOnlySpan<int> w, int m, int kp, ReadOnlySpan<short> x, int positions, Span<int> acc)
    {
        ref short x0 = ref MemoryMarshal.GetReference(x);
        ref int a0 = ref MemoryMarshal.GetReference(acc);
        int r = 0;
        for (; r + 4 <= m; r += 4)
            for (int p = 0; p < positions; p += PositionBlock)
                Block4(w, r, kp, ref x0, positions, p, ref a0);
        for (; r < m; r++)
            for (int p = 0; p < positions; p += PositionBlock)
                Block1(w, r, kp, ref x0, positions, p, ref a0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4(ReadOnlySpan<int> w, int r, int kp, ref short x0, int positions, int p, ref int a0)
    {
        Vector256<int> c00 = Load(ref a0, r * positions + p), c01 = Load(ref a0, r * positions + p + 8);
        Vector256<int> c10 = Load(ref a0, (r + 1) * positions + p), c11 = Load(ref a0, (r + 1) * positions + p + 8);
        Vector256<int> c20 = Load(ref a0, (r + 2) * positions + p), c21 = Load(ref a0, (r + 2) * positions + p + 8);
        Vector256<int> c30 = Load(ref a0, (r + 3) * positions + p), c31 = Load(ref a0, (r + 3) * positions + p + 8);
        for (int j = 0; j < kp; j++)
        {
            nuint at = (nuint)((j * positions + p) * 2);
            var v0 = Vector256.LoadUnsafe(ref x0, at);
            var v1 = Vector256.LoadUnsafe(ref x0, at + 16);
            var w0 = Vector256.Create(w[r * kp + j]).AsInt16();
            var w1 = Vector256.Create(w[(r + 1) * kp + j]).AsInt16();
            var w2 = Vector256.Create(w[(r + 2) * kp + j]).AsInt16();
            var w3 = Vector256.Create(w[(r + 3) * kp + j]).AsInt16();
            c00 = Avx2.Add(c00, Avx2.MultiplyAddAdjacent(v0, w0)); c01 = Avx2.Add(c01, Avx2.MultiplyAddAdjacent(v1, w0));
            c10 = Avx2.Add(c10, Avx2.MultiplyAddAdjacent(v0, w1)); c11 = Avx2.Add(c11, Avx2.MultiplyAddAdjacent(v1, w1));
            c20 = Avx2.Add(c20, Avx2.MultiplyAddAdjacent(v0, w2)); c21 = Avx2.Add(c21, Avx2.MultiplyAddAdjacent(v1, w2));
            c30 = Avx2.Add(c30, Avx2.MultiplyAddAdjacent(v0, w3)); c31 = Avx2.Add(c31, Avx2.MultiplyAddAdjacent(v1, w3));
        }
        Store(c00, ref a0, r * positions + p); Store(c01, ref a0, r * positions + p + 8);
        Store(c10, ref a0, (r + 1) * positions + p); Store(c11, ref a0, (r + 1) * positions + p + 8);
        Store(c20, ref a0, (r + 2) * positions + p); Store(c21, ref a0, (r + 2) * positions + p + 8);
        Store(c30, ref a0, (r + 3) * positions + p); Store(c31, ref a0, (r + 3) * positions + p + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block1(ReadOnlySpan<int> w, int r, int kp, ref short x0, int positions, int p, ref int a0)
    {
        Vector256<int> c0 = Load(ref a0, r * positions + p), c1 = Load(ref a0, r * positions + p + 8);
        for (int j = 0; j < kp; j++)
        {
            nuint at = (nuint)((j * positions + p) * 2);
            var wv = Vector256.Create(w[r * kp + j]).AsInt16();
            c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref x0, at), wv));
            c1 = Avx2.Add(c1, Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref x0, at + 16), wv));
        }
        Store(c0, ref a0, r * positions + p); Store(c1, ref a0, r * positions + p + 8);
    }

    private static Vector256<int> Load(ref int a0, int at) => Vector256.LoadUnsafe(ref a0, (nuint)at);
    private static void Store(Vector256<int> v, ref int a0, int at) => v.StoreUnsafe(ref a0, (nuint)at);
}
