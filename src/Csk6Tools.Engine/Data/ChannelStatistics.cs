namespace Csk6Tools.Engine.Data;

/// <summary>Per-channel mean and standard deviation of uint8 images, for pixels scaled to [0, 1].</summary>
public static class ChannelStatistics
{
    /// <summary>
    /// Population mean and std over every pixel of every image, per channel, as pytorch-cifar100's
    /// compute_mean_std does. Counting byte values first makes it exact and one pass.
    /// </summary>
    public static (float[] Mean, float[] Std) Compute(DatasetSplit split)
    {
        var mean = new float[split.Channels];
        var std = new float[split.Channels];
        int plane = split.Height * split.Width;
        for (int c = 0; c < split.Channels; c++)
        {
            var histogram = new long[256];
            for (int i = 0; i < split.Count; i++)
                foreach (byte value in split.Images.AsSpan(i * split.ImageBytes + c * plane, plane))
                    histogram[value]++;
            (mean[c], std[c]) = MeanAndStd(histogram);
        }
        return (mean, std);
    }

    private static (float Mean, float Std) MeanAndStd(long[] histogram)
    {
        double n = 0, sum = 0, squares = 0;
        for (int v = 0; v < 256; v++)
        {
            n += histogram[v];
            sum += (double)histogram[v] * v;
            squares += (double)histogram[v] * v * v;
        }
        if (n == 0) return (0f, 1f);
        double mean = sum / n;
        double variance = Math.Max(0, squares / n - mean * mean);
        return ((float)(mean / 255), (float)(Math.Sqrt(variance) / 255));
    }
}
