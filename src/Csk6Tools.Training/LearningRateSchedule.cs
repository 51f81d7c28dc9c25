namespace Csk6Tools.Training;

/// <summary>
/// pytorch-cifar100's schedule scaled to any length: MultiStepLR with milestones after 30 %, 60 % and 80 % of the
/// epochs (60, 120, 160 of 200; at least one epoch), gamma 0.2,
/// after a linear warm-up per iteration over the first epochs.
/// </summary>
internal sealed class LearningRateSchedule(double baseRate, int epochs, int batchesPerEpoch, int warmupEpochs)
{
    private readonly int[] _milestones =
        [.. new[] { 0.3, 0.6, 0.8 }.Select(f => Math.Max(1, (int)Math.Round(epochs * f)))];

    /// <summary>The rate for batch <paramref name="batch"/> of epoch <paramref name="epoch"/> (both from 0).</summary>
    public double Rate(int epoch, int batch)
    {
        if (epoch < warmupEpochs)
            return baseRate * (epoch * batchesPerEpoch + batch + 1) / (warmupEpochs * batchesPerEpoch);
        int passed = _milestones.Count(m => m <= epoch);
        return baseRate * Math.Pow(0.2, passed);
    }
}
