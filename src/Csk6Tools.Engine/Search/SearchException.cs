namespace Csk6Tools.Engine.Search;

/// <summary>A search that cannot run: an empty range, a width or capacity out of range, a model it cannot vary. <see cref="ErrorId"/> is stable.</summary>
public sealed class SearchException(string errorId, string message) : Exception(message)
{
    public string ErrorId { get; } = errorId;

    public const string EmptyRange = "SearchEmptyRange";
    public const string InvalidDepth = "SearchInvalidDepth";
    public const string InvalidWidth = "SearchInvalidWidth";
    public const string InvalidCapacity = "SearchInvalidCapacity";
    public const string InvalidLimit = "SearchInvalidLimit";
    public const string InvalidInput = "SearchInvalidInput";
    public const string ModelNotConvertible = "SearchModelNotConvertible";
    public const string DatasetRequired = "SearchDatasetRequired";
}
