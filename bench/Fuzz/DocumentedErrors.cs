using Csk6Tools.Engine;

namespace Csk6Tools.Fuzz;

/// <summary>The errors a parser may raise on bad input: an engine exception (Csk6Exception) carrying a stable error
/// id.</summary>
public static class DocumentedErrors
{
    /// <summary>The stable id of a documented error, or null when <paramref name="e"/> is a bug (any other
    /// exception).</summary>
    public static string? IdOf(Exception e) => e is Csk6Exception { ErrorId: { Length: > 0 } id } ? id : null;
}
