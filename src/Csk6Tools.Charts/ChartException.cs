using Csk6Tools.Engine;

namespace Csk6Tools.Charts;

/// <summary>A chart that cannot be made; its id is one of the Chart* ids of <see cref="ErrorIds"/>.</summary>
public sealed class ChartException(string errorId, string message) : Csk6Exception(errorId, message);
