namespace Csk6Tools.Engine.Inference;

/// <summary>A package or input the int8 engine cannot run (ids Engine*).</summary>
public sealed class InferenceException(string errorId, string message) : Csk6Exception(errorId, message);
