namespace Csk6Tools.Engine.Search;

/// <summary>A search that cannot run: an empty range, a width or capacity
/// out of range, a model it cannot vary (ErrorIds.Search*).</summary>
public sealed class SearchException(string errorId, string message) : Csk6Exception(errorId, message);
