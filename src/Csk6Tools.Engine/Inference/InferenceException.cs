namespace Csk6Tools.Engine.Inference;

/// <summary>A package or input the int8 engine cannot run; <see cref="ErrorId"/> is stable.</summary>
public sealed class InferenceException(string errorId, string message) : Exception(message)
{
    public string ErrorId { get; } = errorId;

    public const string UnsupportedOperator = "EngineUnsupportedOperator";
    public const string InvalidPackage = "EngineInvalidPackage";
    public const string InputSize = "EngineInputSize";
}
