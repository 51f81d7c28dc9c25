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

    /// <summary>
    /// The least workspace of a MaxPool whose input is processed in row bands: 60 KB, or its output when larger
    /// (tpacker `memory.py` `get_workspace`, MaxPool branch).
    /// </summary>
    public const long MaxPoolBandWorkspace = 61_440;

    /// <summary>Channels an AvgPool2dInt holds in its workspace at once when
    /// its input exceeds the input operand (tpacker `get_workspace`).</summary>
    public const int AvgPoolBandChannels = 8;

    /// <summary>AvgPool2dInt workspace bytes per output value and channel: 2 when the window area is a power of two (a
    /// shift), 8 otherwise (tpacker `get_workspace`).</summary>
    public static int AvgPoolWorkspacePerOutput(int windowArea) => (windowArea & (windowArea - 1)) == 0 ? 2 : 8;

    /// <summary>Bytes of an int32 accumulator: a LinearInt with bias keeps
    /// one per output in its workspace (tpacker `get_workspace`).</summary>
    public const int AccumulatorBytes = 4;

    /// <summary>The DMA ping-pong buffers through which constants stream to SHARE_MEM: ops alternate between them
    /// (tpacker `memory.py` `get_dma_buffer`).</summary>
    public const int DmaBufferCount = 2;

    /// <summary>Output channels of a dense weight go in pairs (NHWC8); a split cuts at an even channel count.</summary>
    public const int OutputChannelGroup = 2;

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

/// <summary>The memory a budget is checked against; CSK6's packer
/// limits by default (boards with 4 MiB PSRAM exist).</summary>
public sealed record Csk6Limits
{
    public long PsramBytes { get; init; } = Csk6.PsramCapacity;
    public long ShareMemBytes { get; init; } = Csk6.ShareMemCapacity;

    public static Csk6Limits Default { get; } = new();
}
