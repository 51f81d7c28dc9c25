namespace Csk6Tools.Training;

/// <summary>How a <see cref="GraphNetwork"/> computes: float32,
/// float32 with linger's ±8 clamps, or fake-quantized int8.</summary>
public enum NetworkMode { Float, Constrained, Quantized }
