namespace Csk6Tools.Engine.Target;

/// <summary>
/// The CSK6 ("venus") numbers, each from LISTENAI's packer (tpacker v2.1.1) or runtime; see
/// docs/csk6-target.md for the source of each.
/// </summary>
public static class Csk6
{
    /// <summary>PSRAM the packer allows for one model (`_tMemory.py`: "exceed 8MB").</summary>
    public const long PsramCapacity = 8L * 1024 * 1024;

    /// <summary>SRAM shared with the NPU that holds activations, workspace and DMA buffers (`_tMemory.py`).</summary>
    public const long ShareMemCapacity = 640L * 1024;

    /// <summary>NPU weight ("right") operand per call: ALIGN8(Cin)·kh·kw·ALIGN2(Cout) bytes.</summary>
    public const int WeightOperandLimit = 32 * 1024;

    /// <summary>NPU input ("left") operand per call: ALIGN8(Cin)·H·ALIGN(W, 8·stride) bytes.</summary>
    public const int InputOperandLimit = 64 * 1024;

    public const int MaxKernel = 5;
    public const int MaxPad = 4;
    public static IReadOnlyList<int> Strides { get; } = [1, 2, 4];

    public static long Align(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
    public static long Align16(long value) => Align(value, 16);

    /// <summary>Bytes of the packed int8 weight of a dense convolution (NHWC8: Cout to pairs, Cin to eights).</summary>
    public static long DenseWeightBytes(int cin, int cout, int kh, int kw) => Align(cout, 2) * Align(cin, 8) * kh * kw;

    /// <summary>Bytes of the packed int8 weight of a depthwise convolution (channels to sixteens).</summary>
    public static long DepthwiseWeightBytes(int channels, int kh, int kw) => Align(channels, 16) * kh * kw;

    /// <summary>Bytes the NPU reads as its input operand for a C×H×W map at this horizontal stride.</summary>
    public static long InputOperandBytes(int c, int h, int w, int strideW) => Align(c, 8) * h * Align(w, 8L * strideW);
}

/// <summary>The memory a budget is checked against; CSK6's packer limits by default (boards with 4 MiB PSRAM exist).</summary>
public sealed record Csk6Limits
{
    public long PsramBytes { get; init; } = Csk6.PsramCapacity;
    public long ShareMemBytes { get; init; } = Csk6.ShareMemCapacity;

    public static Csk6Limits Default { get; } = new();
}
