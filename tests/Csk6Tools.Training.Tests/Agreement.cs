using Csk6Tools.Training;

namespace Csk6Tools.Training.Tests;

/// <summary>Float outputs compared within the <see cref="RoundingBound"/> of their network and input, output by
/// output.</summary>
internal static class Agreement
{
    /// <summary>Two correct evaluations, each in float32 (or both in float64): within
    /// <see cref="RoundingBound.Between"/>.</summary>
    public static void Between(
        RoundingBound bound, IReadOnlyList<double> a, IReadOnlyList<double> b, string what, int bits = 32)
        => Check(a, b, what, i => bound.Between(i, Unit(bits)));

    public static void Between(RoundingBound bound, float[] a, float[] b, string what)
        => Between(bound, Widen(a), Widen(b), what);

    /// <summary>One float32 evaluation against the exact (float64) outputs: within
    /// <see cref="RoundingBound.Error"/>.</summary>
    public static void WithinError(RoundingBound bound, float[] single, IReadOnlyList<double> exact, string what)
        => Check(Widen(single), exact, what, i => bound.Error(i, RoundingBound.Float32Unit));

    /// <summary>The largest gap and the largest share of its bound it used: how tight the bound is.</summary>
    public static string Describe(RoundingBound bound, IReadOnlyList<double> a, IReadOnlyList<double> b, int bits = 32)
    {
        var gaps = Enumerable.Range(0, a.Count)
            .Select(i => (Gap: Math.Abs(a[i] - b[i]), Bound: bound.Between(i, Unit(bits))));
        return $"float{bits} gap up to {gaps.Max(g => g.Gap):E2} " +
            $"(bound {gaps.Min(g => g.Bound):E2}–{gaps.Max(g => g.Bound):E2}, " +
            $"at most {gaps.Max(g => g.Gap / g.Bound):P2} of it)";
    }

    public static string Describe(RoundingBound bound, float[] a, float[] b) => Describe(bound, Widen(a), Widen(b));

    private static void Check(IReadOnlyList<double> a, IReadOnlyList<double> b, string what, Func<int, double> limit)
    {
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
            Assert.True(Math.Abs(a[i] - b[i]) <= limit(i),
                $"{what}: output {i} is {a[i]:R} against {b[i]:R}, {Math.Abs(a[i] - b[i]):E2} apart, " +
                $"beyond the bound {limit(i):E2}.");
    }

    private static double Unit(int bits) => bits == 64 ? RoundingBound.Float64Unit : RoundingBound.Float32Unit;

    private static double[] Widen(float[] values) => [.. values.Select(v => (double)v)];
}
