namespace Csk6Tools.Engine;

/// <summary>What kind of failure an error is; the cmdlets map
/// it to PowerShell's ErrorCategory of the same name.</summary>
public enum Csk6ErrorCategory
{
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    ObjectNotFound,
    NotImplemented,
    LimitsExceeded,
    ResourceUnavailable,
}

/// <summary>
/// The base of every exception the engine throws for bad input: a stable <see cref="ErrorId"/> from
/// <see cref="ErrorIds"/> that scripts match on, and its <see cref="Category"/>. Anything else the engine throws is
/// a bug, and the cmdlets let it surface as one.
/// </summary>
public abstract class Csk6Exception : Exception
{
    protected Csk6Exception(string errorId, string message, Exception? inner = null, Csk6ErrorCategory? category = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category ?? ErrorIds.CategoryOf(errorId);
    }

    public string ErrorId { get; }

    public Csk6ErrorCategory Category { get; }

    /// <summary>What the error is about (a file, a layer), for the
    /// error record's target; null: the cmdlet's input.</summary>
    public virtual object? Target => null;
}
