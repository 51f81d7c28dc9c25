using Csk6Tools.Engine.Data;

namespace Csk6Tools.Engine.Imaging;

/// <summary>What a package's input expects: C×H×W int8 at exponent
/// Q, after per-channel normalization of [0, 1] pixels.</summary>
public sealed record InputSpec(int Channels, int Height, int Width, int Exponent, float[] Mean, float[] Std)
{
    /// <summary>CIFAR-100's 3×32×32 at Q6 with its training-set normalization: the tutorial's input.bin.</summary>
    public static InputSpec Cifar100 { get; } = new(3, 32, 32, 6, [.. Data.Cifar100.Mean], [.. Data.Cifar100.Std]);

    public static InputSpec Create(int channels, int height, int width, int exponent, float[]? mean, float[]? std)
    {
        if (channels is not (1 or 3))
            throw new ArgumentException($"An image input has 1 or 3 channels, not {channels}.");
        if (mean is null && std is null && channels != 3)
            throw new ArgumentException("CIFAR-100's normalization is for RGB: give the mean and standard deviation " +
                "of this 1-channel input (packages New-Csk6Package writes carry theirs in the " +
                "model.json beside the bin).");
        mean ??= [.. Data.Cifar100.Mean];
        std ??= [.. Data.Cifar100.Std];
        if (mean.Length != channels || std.Length != channels)
            throw new ArgumentException($"The input has {channels} channel(s): give {channels} mean and {channels} " +
                $"std value(s), not {mean.Length} and {std.Length}.");
        if (std.Any(s => !(s > 0))) throw new ArgumentException("Standard deviations must be positive.");
        return new InputSpec(channels, height, width, exponent, mean, std);
    }

    public int Bytes => Channels * Height * Width;

    public override string ToString() => $"{Channels}×{Height}×{Width} int8 at Q{Exponent}";
}
