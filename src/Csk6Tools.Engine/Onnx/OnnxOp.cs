namespace Csk6Tools.Engine.Onnx;

/// <summary>The standard ONNX operators (the default domain)
/// that Csk6Tools reads and writes, each named once.</summary>
internal static class OnnxOp
{
    public const string Conv = nameof(Conv);
    public const string Gemm = nameof(Gemm);
    public const string MatMul = nameof(MatMul);
    public const string BatchNormalization = nameof(BatchNormalization);
    public const string Relu = nameof(Relu);
    public const string Clip = nameof(Clip);
    public const string Add = nameof(Add);
    public const string Concat = nameof(Concat);
    public const string MaxPool = nameof(MaxPool);
    public const string AveragePool = nameof(AveragePool);
    public const string GlobalAveragePool = nameof(GlobalAveragePool);
    public const string Flatten = nameof(Flatten);
    public const string Reshape = nameof(Reshape);
    public const string QuantizeLinear = nameof(QuantizeLinear);
    public const string DequantizeLinear = nameof(DequantizeLinear);
    public const string Constant = nameof(Constant);
    public const string Identity = nameof(Identity);
    public const string Dropout = nameof(Dropout);
    public const string Shape = nameof(Shape);
    public const string Pad = nameof(Pad);
    public const string Gather = nameof(Gather);
    public const string Unsqueeze = nameof(Unsqueeze);
    public const string Squeeze = nameof(Squeeze);
    public const string Cast = nameof(Cast);
}
