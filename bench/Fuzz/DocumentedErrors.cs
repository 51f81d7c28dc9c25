using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Onnx;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Fuzz;

/// <summary>The errors a parser may raise on bad input: an engine exception carrying a stable error id.</summary>
public static class DocumentedErrors
{
    /// <summary>The stable id of a documented error, or null when <paramref name="e"/> is a bug (any other exception).</summary>
    public static string? IdOf(Exception e) => e switch
    {
        PackageFormatException p => p.ErrorId,
        OnnxImportException o => o.ErrorId,
        DatasetException d => d.ErrorId,
        InferenceException i => i.ErrorId,
        // The cmdlets turn these into ModelFileForeign / ModelFileCorrupt (ImportCsk6ModelCommand).
        ModelFileException m => m.Foreign ? "ModelFileForeign" : "ModelFileCorrupt",
        _ => null,
    };
}
