namespace Csk6Tools.Engine.Inference;

/// <summary>One operator of a package, prepared once (attributes
/// parsed, weights unpacked) and run per inference.</summary>
internal interface IKernel
{
    void Run(TensorMemory memory);
}
