using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Target;
using Csk6Tools.Engine.Transforms;
using Csk6Tools.Engine.Zoo;

namespace Csk6Tools.Engine.Search;

/// <summary>What <see cref="NetworkSearch"/> varies and what a candidate must fit.</summary>
public sealed record NetworkSearchOptions
{
    /// <summary>C×H×W of one input (square: the zoo's ResNets take
    /// one size); ignored when <see cref="Model"/> is set.</summary>
    public TensorShape InputShape { get; init; } = new(3, 32, 32);

    /// <summary>Outputs of the classifier; ignored when <see cref="Model"/> is set.</summary>
    public int Classes { get; init; } = 100;

    /// <summary>A graph to vary instead of the ResNet family: its width and its depthwise conversion.</summary>
    public ModelGraph? Model { get; init; }

    public IReadOnlyList<int> Depths { get; init; } = ResNet.Depths;
    public IReadOnlyList<double> Widths { get; init; } = [0.25, 0.5, 0.75, 1.0];

    /// <summary>
    /// The depthwise variants, one per shortcut style (Convert-ToDepthwise's default; add Dense3x3 for LISTENAI's demo
    /// style); the dense network is always a candidate too.
    /// </summary>
    public IReadOnlyList<ShortcutStyle> Shortcuts { get; init; } = [ShortcutStyle.DepthwiseSeparable];

    /// <summary>Also try each depthwise variant with its stem converted.</summary>
    public bool IncludeStem { get; init; }

    public Csk6Limits Limits { get; init; } = Csk6Limits.Default;

    /// <summary>At most this many multiply-accumulates per image (0: no limit).</summary>
    public long MaxMacs { get; init; }

    /// <summary>At most this many trainable parameters (0: no limit).</summary>
    public long MaxParameters { get; init; }

    /// <summary>
    /// Residual-add inputs budgeted as rescaled (each costs an input-sized workspace). 2, the most QAT can give, by
    /// default: a candidate that fits then packs whatever exponents its training chooses.
    /// </summary>
    public int RescaledAddInputs { get; init; } = 2;

    /// <summary>Keep the candidates that do not fit (after those that do), with their violations.</summary>
    public bool KeepAll { get; init; }

    /// <summary>Candidates budgeted at once (0: one per core).</summary>
    public int Threads { get; init; }
}
