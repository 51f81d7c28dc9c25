namespace Csk6Tools.Engine.Budget;

/// <summary>
/// The CSK6 rules a model can break (docs/csk6-target.md#operator-rules). The names are stable: scripts match on them.
/// </summary>
public enum Csk6Rule
{
    /// <summary>Convolution and pool kernels are 1–5 on each axis.</summary>
    KernelSize,
    /// <summary>Strides are 1, 2 or 4.</summary>
    Stride,
    /// <summary>Each of the four pads is 0–4.</summary>
    Padding,
    /// <summary>A pad may not exceed the kernel on its axis.</summary>
    PadExceedsKernel,
    /// <summary>The kernel must cover the stride (linger and tpacker reject a 1×1 stride-2 convolution).</summary>
    KernelBelowStride,
    /// <summary>Dilation must be 1.</summary>
    Dilation,
    /// <summary>The unpadded input must be at least as large as the kernel.</summary>
    InputSmallerThanKernel,
    /// <summary>A depthwise convolution's packed weights ALIGN16(C)·kh·kw
    /// must fit the NPU's 32 KB weight operand.</summary>
    DepthwiseWeights,
    /// <summary>Weights over 32 KB even for one pair of output channels
    /// (the packer cannot split them) and an input over 64 KB.</summary>
    ConvWeightAndInput,
    /// <summary>Weights over 32 KB even for one pair of output
    /// channels: tpacker's channel split divides by zero.</summary>
    ConvSplitImpossible,
    /// <summary>One band of input rows must fit the NPU's 64 KB
    /// input operand, or the engine's row split never ends.</summary>
    RowBand,
    /// <summary>A ReLU6/Clip after a convolution is fused and then silently dropped by the venus kernel.</summary>
    FusedClip,
    /// <summary>An operator the venus packer does not support.</summary>
    UnsupportedOperator,
    /// <summary>Constants (int8 weights, int32 biases, each padded to 16 bytes) must fit PSRAM.</summary>
    Psram,
    /// <summary>Activations, workspace and DMA buffers must fit the SRAM shared with the NPU.</summary>
    ShareMem,
}
