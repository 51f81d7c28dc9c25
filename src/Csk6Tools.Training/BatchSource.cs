using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Model;

namespace Csk6Tools.Training;

/// <summary>
/// Batches of one split: a per-epoch shuffle and per-batch augmentation, both drawn from generators seeded by
/// (seed, epoch, batch) alone, so a run resumed at any batch sees the same data as an uninterrupted one.
/// </summary>
internal sealed class BatchSource(DatasetSplit split, Normalization normalization, int batchSize, int? maxBatches)
{
    public int Batches => Count(split.Count, batchSize, maxBatches);

    /// <summary>Batches of <paramref name="batchSize"/> that <paramref name="samples"/> make, at most
    /// <paramref name="maxBatches"/>.</summary>
    public static int Count(int samples, int batchSize, int? maxBatches) =>
        Math.Min((samples + batchSize - 1) / batchSize, maxBatches ?? int.MaxValue);

    /// <summary>The sample indices of one epoch: shuffled for training, in order otherwise.</summary>
    public int[] Order(int seed, int epoch, bool shuffle)
    {
        var order = Enumerable.Range(0, split.Count).ToArray();
        if (shuffle) new Random(Mix(seed, epoch, -1)).Shuffle(order);
        return order;
    }

    public (float[] Images, long[] Labels, int Count) Batch(int[] order, int batch, int seed,
        int epoch, Augmentations augment)
    {
        int start = batch * batchSize, count = Math.Min(batchSize, order.Length - start);
        int size = split.ImageBytes;
        var images = new float[count * size];
        var labels = new long[count];
        var random = augment != Augmentations.None ? new Random(Mix(seed, epoch, batch)) : null;
        for (int i = 0; i < count; i++)
        {
            int index = order[start + i];
            Augmentation.Apply(split.Image(index), split.Channels, split.Height, split.Width, normalization.Mean,
                normalization.Std, augment, random, images.AsSpan(i * size, size));
            labels[i] = split.Labels[index];
        }
        return (images, labels, count);
    }

    /// <summary>A seed that is the same in every process (unlike HashCode, which is randomized per process).</summary>
    private static int Mix(int seed, int epoch, int batch) => unchecked((seed * 1_000_003 + epoch) * 1_000_033 + batch);
}
