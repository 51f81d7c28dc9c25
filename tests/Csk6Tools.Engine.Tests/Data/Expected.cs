using Csk6Tools.Engine.Data;

namespace Csk6Tools.Engine.Tests.Data;

internal static class Expected
{
    /// <summary>Per-channel population mean and std, straight from the definition (the engine counts byte values instead).</summary>
    public static (double[] Mean, double[] Std) MeanStd(DatasetSplit split)
    {
        int plane = split.Height * split.Width;
        var mean = new double[split.Channels];
        var std = new double[split.Channels];
        for (int c = 0; c < split.Channels; c++)
        {
            var values = Enumerable.Range(0, split.Count).SelectMany(i => split.Image(i).Slice(c * plane, plane).ToArray()).Select(v => v / 255.0).ToArray();
            mean[c] = values.Average();
            std[c] = Math.Sqrt(values.Select(v => (v - mean[c]) * (v - mean[c])).Average());
        }
        return (mean, std);
    }

    public static void Close(double[] expected, float[] actual, double tolerance = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.InRange(actual[i], expected[i] - tolerance, expected[i] + tolerance);
    }

    public static DatasetException Error(string id, Action load)
    {
        var e = Assert.Throws<DatasetException>(load);
        Assert.Equal(id, e.ErrorId);
        return e;
    }
}
