using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Csk6Tools.Engine.Quant;

namespace Csk6Tools.Engine.Inference;

/// <summary>
/// A convolution's sums and requantization in one pass: y[m, p] = requantize(bias[m] + Σ_k w[m, k] · x[k, p]).
/// Operands are int8 values in k-groups with int32 sums, exact, so every <see cref="KernelPath"/> gives the
/// scalar path's bits: int16 k-pairs (|x·w| ≤ 2^14; weights as one int32 per pair, low half k, high half k+1),
/// or on the VNNI path u8×s8 k-quads (x + 128 against int8 weights, 4 bytes of one int32; the caller takes
/// 128·Σw from the bias). x comes in panels of 32 positions (16 when there are no more): within a panel, k-group
/// after k-group, the 4 bytes of each position (see <see cref="ColumnIndex"/>), so a block of outputs reads its
/// inputs in one sequential sweep. The sums stay in registers from the bias to the int8 output.
/// </summary>
internal static class Int8Gemm
{
    /// <summary>The panel width for a number of positions: 16 for a 4×4 map (no padding wasted), else 32.</summary>
    public static int PanelFor(int positions) => positions <= 16 ? 16 : 32;

    /// <summary>Where k-group <paramref name="pair"/> of a position
    /// starts in the panels, in int16 (a quad is two).</summary>
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

    /// <summary>Packs rows of int8 weights [m, k] into k-quads
    /// (4 bytes of an int32, k first), zero-padding k.</summary>
    public static int[] PackQuads(ReadOnlySpan<sbyte> w, int m, int k)
    {
        int kq = (k + 3) / 4;
        var packed = new int[m * kq];
        for (int r = 0; r < m; r++)
            for (int j = 0; j < kq; j++)
                for (int t = 0; t < 4 && 4 * j + t < k; t++)
                    packed[r * kq + j] |= (byte)w[r * k + 4 * j + t] << (8 * t);
        return packed;
    }

    /// <summary>The output side: one bias per row (none: 0), the
    /// shift and ReLU, rows of <c>Plane</c> int8 values.</summary>
    public readonly ref struct Output(ReadOnlySpan<int> bias, int shift, bool relu, Span<sbyte> y, int plane)
    {
        public readonly ReadOnlySpan<int> Bias = bias;
        public readonly int Shift = shift, Plane = plane;
        public readonly bool Relu = relu;
        public readonly Span<sbyte> Y = y;

        public int BiasOf(int row) => Bias.IsEmpty ? 0 : Bias[row];
    }

    /// <summary>
    /// w: [m, kp] packed k-groups (quads on the VNNI paths, pairs elsewhere); x: panels of [kp, panel, 4 bytes]
    /// (panel 16 or 32) over <paramref name="positions"/>, a multiple of the panel; the first <c>output.Plane</c>
    /// positions of each row are written.
    /// </summary>
    public static void Multiply(
        KernelPath path, ReadOnlySpan<int> w, int m, int kp, ReadOnlySpan<short> x, int positions,
        int panel, Output output)
    {
        if (panel is not (16 or 32) || positions % panel != 0 || output.Plane > positions || w.Length < m * kp ||
            x.Length < kp * positions * 2 || output.Y.Length < m * output.Plane ||
            !(output.Bias.IsEmpty || output.Bias.Length >= m) || output.Shift is < 0 or > 31)
            throw new ArgumentException("The GEMM's operands do not match its sizes.");
        switch (path)
        {
            case KernelPath.Avx512 when panel == 32: Multiply512<WidePanel>(w, m, kp, x, output); break;
            case KernelPath.Avx512: Multiply512<NarrowPanel>(w, m, kp, x, output); break;
            case KernelPath.Vnni: Multiply256<VnniQuadDot>(w, m, kp, x, panel, output); break;
            case KernelPaths.EmulatedVnni: Multiply256<EmulatedQuadDot>(w, m, kp, x, panel, output); break;
            case KernelPath.Avx2: Multiply256<Avx2Dot>(w, m, kp, x, panel, output); break;
            default: MultiplyScalar(w, m, kp, x, panel, output); break;
        }
    }

    /// <summary>The reference for the pair paths; <see cref="MultiplyScalarQuads"/> is the VNNI paths'.</summary>
    private static void MultiplyScalar(ReadOnlySpan<int> w, int m, int kp, ReadOnlySpan<short> x,
        int panel, Output output)
    {
        Span<int> sums = stackalloc int[panel];
        for (int b = 0; b * panel < output.Plane; b++)
        {
            var columns = x.Slice(b * kp * panel * 2, kp * panel * 2);
            int valid = Math.Min(panel, output.Plane - b * panel);
            for (int r = 0; r < m; r++)
            {
                sums.Fill(output.BiasOf(r));
                for (int j = 0; j < kp; j++)
                {
                    int pair = w[r * kp + j];
                    int lo = (short)pair, hi = pair >> 16;
                    if (lo == 0 && hi == 0) continue;
                    var xs = columns.Slice(j * panel * 2, panel * 2);
                    for (int p = 0; p < panel; p++) sums[p] += lo * xs[2 * p] + hi * xs[2 * p + 1];
                }
                var y = output.Y.Slice(r * output.Plane + b * panel, valid);
                for (int p = 0; p < valid; p++) y[p] = Int8Arithmetic.Requantize(sums[p], output.Shift, output.Relu);
            }
        }
    }

    /// <summary>Σ (x + 128)·w over k-quads, one product at a time (the caller's bias holds −128·Σw).</summary>
    internal static void MultiplyScalarQuads(
        ReadOnlySpan<int> w, int m, int kq, ReadOnlySpan<byte> x, int panel, Output output)
    {
        Span<int> sums = stackalloc int[panel];
        for (int b = 0; b * panel < output.Plane; b++)
        {
            var columns = x.Slice(b * kq * panel * 4, kq * panel * 4);
            int valid = Math.Min(panel, output.Plane - b * panel);
            for (int r = 0; r < m; r++)
            {
                sums.Fill(output.BiasOf(r));
                for (int j = 0; j < kq; j++)
                {
                    int quad = w[r * kq + j];
                    var xs = columns.Slice(j * panel * 4, panel * 4);
                    for (int t = 0; t < 4; t++)
                    {
                        int weight = (sbyte)(quad >> (8 * t));
                        if (weight == 0) continue;
                        for (int p = 0; p < panel; p++) sums[p] += xs[4 * p + t] * weight;
                    }
                }
                var y = output.Y.Slice(r * output.Plane + b * panel, valid);
                for (int p = 0; p < valid; p++) y[p] = Int8Arithmetic.Requantize(sums[p], output.Shift, output.Relu);
            }
        }
    }

    /// <summary>Requantizes 8 sums and writes those of them that
    /// are real positions (<paramref name="valid"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<int> sums, Output output, int at, int valid)
    {
        if (valid <= 0) return;
        var r = Int8Arithmetic.Requantize(sums, output.Shift, output.Relu);
        var bytes = Vector256.Narrow(Vector256.Narrow(r, r), Vector256<short>.Zero); // in [−128, 127]: exact
        ref sbyte y = ref Unsafe.Add(ref MemoryMarshal.GetReference(output.Y), at);
        if (valid >= 8) Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref y), bytes.AsUInt64().ToScalar());
        else for (int i = 0; i < valid; i++) Unsafe.Add(ref y, i) = bytes.GetElement(i);
    }

    /// <summary>The 16-sum form of <see cref="Store(Vector256{int}, Output, int, int)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<int> sums, Output output, int at, int valid)
    {
        if (valid <= 0) return;
        var bytes = Avx512F.ConvertToVector128SByte(Int8Arithmetic.Requantize(sums, output.Shift, output.Relu));
        ref sbyte y = ref Unsafe.Add(ref MemoryMarshal.GetReference(output.Y), at);
        if (valid >= 16) bytes.StoreUnsafe(ref y);
        else for (int i = 0; i < valid; i++) Unsafe.Add(ref y, i) = bytes.GetElement(i);
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

    /// <summary>vpdpbusd: in each int32, the four u8 bytes of x times the four s8 bytes of w, summed exactly.</summary>
    private readonly struct VnniQuadDot : IDot256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> acc, Vector256<short> x, Vector256<short> w) =>
#pragma warning disable CA2252 // preview in .NET 8's reference assemblies only (see KernelPaths)
            AvxVnni.MultiplyWideningAndAdd(acc, x.AsByte(), w.AsSByte());
#pragma warning restore CA2252
    }

    /// <summary>vpdpbusd's sums with AVX2: even and odd bytes widened to int16 (x zero-, w sign-extended), two
    /// vpmaddwd.</summary>
    private readonly struct EmulatedQuadDot : IDot256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> acc, Vector256<short> x, Vector256<short> w)
        {
            var xEven = (x.AsUInt16() & Vector256.Create((ushort)0xFF)).AsInt16();
            var xOdd = Vector256.ShiftRightLogical(x.AsUInt16(), 8).AsInt16();
            var wEven = Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(w, 8), 8);
            var wOdd = Vector256.ShiftRightArithmetic(w, 8);
            return Avx2.Add(acc,
                Avx2.Add(Avx2.MultiplyAddAdjacent(xEven, wEven), Avx2.MultiplyAddAdjacent(xOdd, wOdd)));
        }
    }

    /// <summary>256 bits: blocks of 4 rows × 16 positions (8
    /// accumulators), 16 positions of a panel at a time.</summary>
    private static void Multiply256<TDot>(
        ReadOnlySpan<int> w, int m, int kp, ReadOnlySpan<short> x, int panel, Output output)
            where TDot : struct, IDot256
    {
        ref int w0 = ref MemoryMarshal.GetReference(w);
        int stride = panel * 2;
        for (int b = 0; b * panel < output.Plane; b++)
            for (int half = 0; half < panel; half += 16)
            {
                ref short x0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), (b * kp * panel + half) * 2);
                int p = b * panel + half, r = 0;
                for (; r + 4 <= m; r += 4)
                    Rows4<TDot>(ref Unsafe.Add(ref w0, r * kp), kp, ref x0, stride, output, r, p);
                for (; r < m; r++) Rows1<TDot>(ref Unsafe.Add(ref w0, r * kp), kp, ref x0, stride, output, r, p);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows4<TDot>(ref int w, int kp, ref short x, int stride, Output output, int r, int p)
        where TDot : struct, IDot256
    {
        Vector256<int> c00 = Bias256(output, r), c01 = c00, c10 = Bias256(output, r + 1), c11 = c10;
        Vector256<int> c20 = Bias256(output, r + 2), c21 = c20, c30 = Bias256(output, r + 3), c31 = c30;
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
        int plane = output.Plane, valid = plane - p;
        Store(c00, output, r * plane + p, valid); Store(c01, output, r * plane + p + 8, valid - 8);
        Store(c10, output, (r + 1) * plane + p, valid); Store(c11, output, (r + 1) * plane + p + 8, valid - 8);
        Store(c20, output, (r + 2) * plane + p, valid); Store(c21, output, (r + 2) * plane + p + 8, valid - 8);
        Store(c30, output, (r + 3) * plane + p, valid); Store(c31, output, (r + 3) * plane + p + 8, valid - 8);
    }

    /// <summary>One row: even and odd k-groups in separate accumulators,
    /// so the additions do not wait on each other.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows1<TDot>(ref int w, int kp, ref short x, int stride, Output output, int r, int p)
        where TDot : struct, IDot256
    {
        Vector256<int> c0 = Bias256(output, r), c1 = c0, d0 = Vector256<int>.Zero, d1 = d0;
        int j = 0;
        for (; j + 2 <= kp; j += 2)
        {
            nuint at = (nuint)(j * stride), next = at + (nuint)stride;
            var even = Vector256.Create(Unsafe.Add(ref w, j)).AsInt16();
            var odd = Vector256.Create(Unsafe.Add(ref w, j + 1)).AsInt16();
            c0 = TDot.Add(c0, Vector256.LoadUnsafe(ref x, at), even);
            c1 = TDot.Add(c1, Vector256.LoadUnsafe(ref x, at + 16), even);
            d0 = TDot.Add(d0, Vector256.LoadUnsafe(ref x, next), odd);
            d1 = TDot.Add(d1, Vector256.LoadUnsafe(ref x, next + 16), odd);
        }
        if (j < kp)
        {
            nuint at = (nuint)(j * stride);
            var last = Vector256.Create(Unsafe.Add(ref w, j)).AsInt16();
            c0 = TDot.Add(c0, Vector256.LoadUnsafe(ref x, at), last);
            c1 = TDot.Add(c1, Vector256.LoadUnsafe(ref x, at + 16), last);
        }
        int valid = output.Plane - p;
        Store(c0 + d0, output, r * output.Plane + p, valid);
        Store(c1 + d1, output, r * output.Plane + p + 8, valid - 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Dot(Vector512<int> acc, Vector512<short> x, Vector512<short> w) =>
        Avx512BW.Add(acc, Avx512BW.MultiplyAddAdjacent(x, w));

    private static Vector256<int> Bias256(Output output, int row) => Vector256.Create(output.BiasOf(row));
    private static Vector512<int> Bias512(Output output, int row) => Vector512.Create(output.BiasOf(row));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> Broadcast(ref int w, int at) => Vector512.Create(Unsafe.Add(ref w, at)).AsInt16();

    /// <summary>The 512-bit blocks for one panel width: 8 rows, 4 rows and 1 row of a panel's positions.</summary>
    private interface IPanel512
    {
        static abstract int Width { get; }
        static abstract void Rows8(ref int w, int kp, ref short x, Output output, int r, int p);
        static abstract void Rows4(ref int w, int kp, ref short x, Output output, int r, int p);
        static abstract void Row1(ref int w, int kp, ref short x, Output output, int r, int p);
    }

    /// <summary>Panels of 32 positions: two vectors per row (16 accumulators in an 8-row block).</summary>
    private readonly struct WidePanel : IPanel512
    {
        public static int Width => 32;
        public static void Rows8(ref int w, int kp, ref short x, Output output, int r, int p) =>
            Rows8Wide(ref w, kp, ref x, output, r, p);
        public static void Rows4(ref int w, int kp, ref short x, Output output, int r, int p) =>
            Rows4Wide(ref w, kp, ref x, output, r, p);
        public static void Row1(ref int w, int kp, ref short x, Output output, int r, int p) =>
            Row1Wide(ref w, kp, ref x, output, r, p);
    }

    /// <summary>Panels of 16 positions: one vector per row.</summary>
    private readonly struct NarrowPanel : IPanel512
    {
        public static int Width => 16;
        public static void Rows8(ref int w, int kp, ref short x, Output output, int r, int p) =>
            Rows8Narrow(ref w, kp, ref x, output, r, p);
        public static void Rows4(ref int w, int kp, ref short x, Output output, int r, int p) =>
            Rows4Narrow(ref w, kp, ref x, output, r, p);
        public static void Row1(ref int w, int kp, ref short x, Output output, int r, int p) =>
            Row1Narrow(ref w, kp, ref x, output, r, p);
    }

    /// <summary>512 bits: each panel in blocks of 8 rows, then 4, then 1.</summary>
    private static void Multiply512<TPanel>(ReadOnlySpan<int> w, int m, int kp, ReadOnlySpan<short> x, Output output)
        where TPanel : struct, IPanel512
    {
        ref int w0 = ref MemoryMarshal.GetReference(w);
        for (int b = 0; b * TPanel.Width < output.Plane; b++)
        {
            ref short x0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), b * kp * TPanel.Width * 2);
            int p = b * TPanel.Width, r = 0;
            for (; r + 8 <= m; r += 8) TPanel.Rows8(ref Unsafe.Add(ref w0, r * kp), kp, ref x0, output, r, p);
            for (; r + 4 <= m; r += 4) TPanel.Rows4(ref Unsafe.Add(ref w0, r * kp), kp, ref x0, output, r, p);
            for (; r < m; r++) TPanel.Row1(ref Unsafe.Add(ref w0, r * kp), kp, ref x0, output, r, p);
        }
    }

    private static void Rows8Wide(ref int w, int kp, ref short x, Output output, int r, int p)
    {
        Vector512<int> c00 = Bias512(output, r), c01 = c00, c10 = Bias512(output, r + 1), c11 = c10;
        Vector512<int> c20 = Bias512(output, r + 2), c21 = c20, c30 = Bias512(output, r + 3), c31 = c30;
        Vector512<int> c40 = Bias512(output, r + 4), c41 = c40, c50 = Bias512(output, r + 5), c51 = c50;
        Vector512<int> c60 = Bias512(output, r + 6), c61 = c60, c70 = Bias512(output, r + 7), c71 = c70;
        for (int j = 0; j < kp; j++)
        {
            nuint at = (nuint)(j * 64);
            var v0 = Vector512.LoadUnsafe(ref x, at);
            var v1 = Vector512.LoadUnsafe(ref x, at + 32);
            var w0 = Broadcast(ref w, j);
            c00 = Dot(c00, v0, w0); c01 = Dot(c01, v1, w0);
            var w1 = Broadcast(ref w, kp + j);
            c10 = Dot(c10, v0, w1); c11 = Dot(c11, v1, w1);
            var w2 = Broadcast(ref w, 2 * kp + j);
            c20 = Dot(c20, v0, w2); c21 = Dot(c21, v1, w2);
            var w3 = Broadcast(ref w, 3 * kp + j);
            c30 = Dot(c30, v0, w3); c31 = Dot(c31, v1, w3);
            var w4 = Broadcast(ref w, 4 * kp + j);
            c40 = Dot(c40, v0, w4); c41 = Dot(c41, v1, w4);
            var w5 = Broadcast(ref w, 5 * kp + j);
            c50 = Dot(c50, v0, w5); c51 = Dot(c51, v1, w5);
            var w6 = Broadcast(ref w, 6 * kp + j);
            c60 = Dot(c60, v0, w6); c61 = Dot(c61, v1, w6);
            var w7 = Broadcast(ref w, 7 * kp + j);
            c70 = Dot(c70, v0, w7); c71 = Dot(c71, v1, w7);
        }
        int plane = output.Plane, valid = plane - p, at0 = r * plane + p;
        Store(c00, output, at0, valid); Store(c01, output, at0 + 16, valid - 16);
        Store(c10, output, at0 + plane, valid); Store(c11, output, at0 + plane + 16, valid - 16);
        Store(c20, output, at0 + 2 * plane, valid); Store(c21, output, at0 + 2 * plane + 16, valid - 16);
        Store(c30, output, at0 + 3 * plane, valid); Store(c31, output, at0 + 3 * plane + 16, valid - 16);
        Store(c40, output, at0 + 4 * plane, valid); Store(c41, output, at0 + 4 * plane + 16, valid - 16);
        Store(c50, output, at0 + 5 * plane, valid); Store(c51, output, at0 + 5 * plane + 16, valid - 16);
        Store(c60, output, at0 + 6 * plane, valid); Store(c61, output, at0 + 6 * plane + 16, valid - 16);
        Store(c70, output, at0 + 7 * plane, valid); Store(c71, output, at0 + 7 * plane + 16, valid - 16);
    }

    private static void Rows4Wide(ref int w, int kp, ref short x, Output output, int r, int p)
    {
        Vector512<int> c00 = Bias512(output, r), c01 = c00, c10 = Bias512(output, r + 1), c11 = c10;
        Vector512<int> c20 = Bias512(output, r + 2), c21 = c20, c30 = Bias512(output, r + 3), c31 = c30;
        for (int j = 0; j < kp; j++)
        {
            nuint at = (nuint)(j * 64);
            var v0 = Vector512.LoadUnsafe(ref x, at);
            var v1 = Vector512.LoadUnsafe(ref x, at + 32);
            var w0 = Broadcast(ref w, j);
            var w1 = Broadcast(ref w, kp + j);
            var w2 = Broadcast(ref w, 2 * kp + j);
            var w3 = Broadcast(ref w, 3 * kp + j);
            c00 = Dot(c00, v0, w0); c01 = Dot(c01, v1, w0); c10 = Dot(c10, v0, w1); c11 = Dot(c11, v1, w1);
            c20 = Dot(c20, v0, w2); c21 = Dot(c21, v1, w2); c30 = Dot(c30, v0, w3); c31 = Dot(c31, v1, w3);
        }
        int plane = output.Plane, valid = plane - p, at0 = r * plane + p;
        Store(c00, output, at0, valid); Store(c01, output, at0 + 16, valid - 16);
        Store(c10, output, at0 + plane, valid); Store(c11, output, at0 + plane + 16, valid - 16);
        Store(c20, output, at0 + 2 * plane, valid); Store(c21, output, at0 + 2 * plane + 16, valid - 16);
        Store(c30, output, at0 + 3 * plane, valid); Store(c31, output, at0 + 3 * plane + 16, valid - 16);
    }

    /// <summary>One row: even and odd k-pairs in separate accumulators,
    /// so the additions do not wait on each other.</summary>
    private static void Row1Wide(ref int w, int kp, ref short x, Output output, int r, int p)
    {
        Vector512<int> c0 = Bias512(output, r), c1 = c0, d0 = Vector512<int>.Zero, d1 = d0;
        int j = 0;
        for (; j + 2 <= kp; j += 2)
        {
            nuint at = (nuint)(j * 64);
            Vector512<short> even = Broadcast(ref w, j), odd = Broadcast(ref w, j + 1);
            c0 = Dot(c0, Vector512.LoadUnsafe(ref x, at), even);
            c1 = Dot(c1, Vector512.LoadUnsafe(ref x, at + 32), even);
            d0 = Dot(d0, Vector512.LoadUnsafe(ref x, at + 64), odd);
            d1 = Dot(d1, Vector512.LoadUnsafe(ref x, at + 96), odd);
        }
        if (j < kp)
        {
            var last = Broadcast(ref w, j);
            c0 = Dot(c0, Vector512.LoadUnsafe(ref x, (nuint)(j * 64)), last);
            c1 = Dot(c1, Vector512.LoadUnsafe(ref x, (nuint)(j * 64 + 32)), last);
        }
        int valid = output.Plane - p;
        Store(c0 + d0, output, r * output.Plane + p, valid);
        Store(c1 + d1, output, r * output.Plane + p + 16, valid - 16);
    }

    private static void Rows8Narrow(ref int w, int kp, ref short x, Output output, int r, int p)
    {
        Vector512<int> c0 = Bias512(output, r), c1 = Bias512(output, r + 1);
        Vector512<int> c2 = Bias512(output, r + 2), c3 = Bias512(output, r + 3);
        Vector512<int> c4 = Bias512(output, r + 4), c5 = Bias512(output, r + 5);
        Vector512<int> c6 = Bias512(output, r + 6), c7 = Bias512(output, r + 7);
        for (int j = 0; j < kp; j++)
        {
            var v = Vector512.LoadUnsafe(ref x, (nuint)(j * 32));
            c0 = Dot(c0, v, Broadcast(ref w, j));
            c1 = Dot(c1, v, Broadcast(ref w, kp + j));
            c2 = Dot(c2, v, Broadcast(ref w, 2 * kp + j));
            c3 = Dot(c3, v, Broadcast(ref w, 3 * kp + j));
            c4 = Dot(c4, v, Broadcast(ref w, 4 * kp + j));
            c5 = Dot(c5, v, Broadcast(ref w, 5 * kp + j));
            c6 = Dot(c6, v, Broadcast(ref w, 6 * kp + j));
            c7 = Dot(c7, v, Broadcast(ref w, 7 * kp + j));
        }
        int plane = output.Plane, valid = plane - p, at0 = r * plane + p;
        Store(c0, output, at0, valid); Store(c1, output, at0 + plane, valid);
        Store(c2, output, at0 + 2 * plane, valid); Store(c3, output, at0 + 3 * plane, valid);
        Store(c4, output, at0 + 4 * plane, valid); Store(c5, output, at0 + 5 * plane, valid);
        Store(c6, output, at0 + 6 * plane, valid); Store(c7, output, at0 + 7 * plane, valid);
    }

    private static void Rows4Narrow(ref int w, int kp, ref short x, Output output, int r, int p)
    {
        Vector512<int> c0 = Bias512(output, r), c1 = Bias512(output, r + 1);
        Vector512<int> c2 = Bias512(output, r + 2), c3 = Bias512(output, r + 3);
        for (int j = 0; j < kp; j++)
        {
            var v = Vector512.LoadUnsafe(ref x, (nuint)(j * 32));
            c0 = Dot(c0, v, Broadcast(ref w, j));
            c1 = Dot(c1, v, Broadcast(ref w, kp + j));
            c2 = Dot(c2, v, Broadcast(ref w, 2 * kp + j));
            c3 = Dot(c3, v, Broadcast(ref w, 3 * kp + j));
        }
        int plane = output.Plane, valid = plane - p, at0 = r * plane + p;
        Store(c0, output, at0, valid); Store(c1, output, at0 + plane, valid);
        Store(c2, output, at0 + 2 * plane, valid); Store(c3, output, at0 + 3 * plane, valid);
    }

    /// <summary>One row: even and odd k-pairs in two accumulators,
    /// so the additions do not wait on each other.</summary>
    private static void Row1Narrow(ref int w, int kp, ref short x, Output output, int r, int p)
    {
        Vector512<int> even = Bias512(output, r), odd = Vector512<int>.Zero;
        int j = 0;
        for (; j + 2 <= kp; j += 2)
        {
            even = Dot(even, Vector512.LoadUnsafe(ref x, (nuint)(j * 32)), Broadcast(ref w, j));
            odd = Dot(odd, Vector512.LoadUnsafe(ref x, (nuint)(j * 32 + 32)), Broadcast(ref w, j + 1));
        }
        if (j < kp) even = Dot(even, Vector512.LoadUnsafe(ref x, (nuint)(j * 32)), Broadcast(ref w, j));
        Store(even + odd, output, r * output.Plane + p, output.Plane - p);
    }
}
