using Csk6Tools.Engine.Data;

namespace Csk6Tools.Engine.Tests.Data;

internal static class Expected
{
    /// <summary>Per-channel population mean and std, straight from the definition (the engine counts byte values
    /// instead).</summary>
    public static (double[] Mean, double[] Std) MeanStd(DatasetSplit split)
    {
        int plane = split.Height * split.Width;
        var mean = new double[split.Channels];
        var std = new double[split.Channels];
        for (int c = 0; c < split.Channels; c++)
        {
            var values = Enumerable.Range(0, split.Count)
                .SelectMany(i => split.Image(i).Slice(c * plane, plane).ToArray())
                .Select(v => v / 255.0)
                .ToArray();
            mean[c] = values.Average();
            std[c] = Math.Sqrt(values.Select(v => (v - mean[c]) * (v - mean[c])).Average());
        }
        return (mean, std);
    }

    /// <summary>
    /// Statistics within what their arithmetic allows: the code sums byte counts exactly, divides in double and rounds
    /// to float (half a float ulp); E[x²] − mean² can lose 4·u·255² (u = 2⁻⁵³) to cancellation, which the square root
    /// turns into at most 2√u (2.1e-8) of a standard deviation near zero. One float ulp plus that.
    /// </summary>
    public static void Close(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float nearest = Math.Abs((float)expected[i]);
            double tolerance = MathF.BitIncrement(nearest) - nearest + 2 * Math.Sqrt(Math.ScaleB(1, -53));
            Assert.InRange(actual[i], expected[i] - tolerance, expected[i] + tolerance);
        }
    }

    public static DatasetException Error(string id, Action load)
    {
        var e = Assert.Throws<DatasetException>(load);
        Assert.Equal(id, e.ErrorId);
        return e;
    }
}
