namespace Csk6Tools.Engine.Target;

/// <summary>
/// The operator names of LISTENAI's thinker runtime, as its packages and linger's ONNX dialect spell them (the
/// type string of a package's op record; the op_type of a node in the <c>thinker</c> domain). Every part of the
/// engine names an operator through these constants, so a misspelt name does not compile.
/// </summary>
public static class ThinkerOp
{
    public const string Conv2dInt = nameof(Conv2dInt);
    public const string LinearInt = nameof(LinearInt);
    public const string BatchNorm2dInt = nameof(BatchNorm2dInt);
    public const string iqAdd = nameof(iqAdd);
    public const string iqCat = nameof(iqCat);
    public const string AvgPool2dInt = nameof(AvgPool2dInt);
    public const string MaxPool = nameof(MaxPool);
    public const string Relu = nameof(Relu);
    public const string Clip = nameof(Clip);
    public const string Reshape = nameof(Reshape);
    public const string Flatten = nameof(Flatten);
    public const string Squeeze = nameof(Squeeze);
    public const string Unsqueeze = nameof(Unsqueeze);
    public const string Split = nameof(Split);
    public const string Quant = nameof(Quant);
    public const string Dequant = nameof(Dequant);

    /// <summary>Every name above.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Conv2dInt, LinearInt, BatchNorm2dInt, iqAdd, iqCat, AvgPool2dInt, MaxPool, Relu, Clip,
        Reshape, Flatten, Squeeze,
        Unsqueeze, Split, Quant, Dequant,
    };

    /// <summary>The ops whose constants stream through a DMA ping-pong buffer (tpacker's <c>memory.py</c>
    /// <c>get_dma_buffer</c>; of its list, the ones Csk6Tools emits).</summary>
    public static bool StreamsConstants(string op) => op is Conv2dInt or LinearInt;
}
