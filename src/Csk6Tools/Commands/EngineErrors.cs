using System.Management.Automation;
using Csk6Tools.Engine;

namespace Csk6Tools.Commands;

/// <summary>The one translation of the engine's errors into error records: its id, its category, its target.</summary>
internal static class EngineErrors
{
    /// <param name="e">The engine's error.</param>
    /// <param name="target">The cmdlet's input, used when the error names no object of its own.</param>
    public static ErrorRecord Record(Csk6Exception e, object? target) =>
        new(e, e.ErrorId, Category(e.Category), e.Target ?? target);

    /// <summary>As <see cref="Record(Csk6Exception, object?)"/>,
    /// with the message prefixed by the input it is about.</summary>
    public static ErrorRecord Record(Csk6Exception e, string source, object? target) =>
        new(new InvalidDataException($"{source}: {e.Message}", e), e.ErrorId, Category(e.Category), target);

    public static ErrorCategory Category(Csk6ErrorCategory category) => category switch
    {
        Csk6ErrorCategory.InvalidArgument => ErrorCategory.InvalidArgument,
        Csk6ErrorCategory.InvalidOperation => ErrorCategory.InvalidOperation,
        Csk6ErrorCategory.ObjectNotFound => ErrorCategory.ObjectNotFound,
        Csk6ErrorCategory.NotImplemented => ErrorCategory.NotImplemented,
        Csk6ErrorCategory.LimitsExceeded => ErrorCategory.LimitsExceeded,
        Csk6ErrorCategory.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        _ => ErrorCategory.InvalidData,
    };
}
