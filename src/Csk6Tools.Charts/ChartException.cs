namespace Csk6Tools.Charts;

/// <summary>A chart that cannot be made; <see cref="ErrorId"/> is stable.</summary>
public sealed class ChartException(string errorId, string message) : Exception(message)
{
    public string ErrorId { get; } = errorId;

    /// <summary>The object is not a budget, a package or a model.</summary>
    public const string InputNotSupported = "ChartInputNotSupported";
    /// <summary>The object has no chart of the kind asked for.</summary>
    public const string KindNotSupported = "ChartKindNotSupported";
    /// <summary>The file name ends in neither .png nor .svg.</summary>
    public const string FormatNotSupported = "ChartFormatNotSupported";
    /// <summary>Nothing to draw: a model without training history, a plan without tensors.</summary>
    public const string NoData = "ChartNoData";
}
