using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Inference;

/// <summary>
/// Runs a thinker package on the host as the CSK6 computes it: the package's own memory plan, DMA transfers and
/// the integer arithmetic of <see cref="Quant.Int8Arithmetic"/>. Input and output are the raw bytes test_thinker
/// reads and writes. Not thread-safe: one engine per thread.
/// </summary>
public sealed class Int8Engine
{
    private readonly ThinkerPackage _package;
    private readonly TensorMemory _memory;
    private readonly ColumnCache _columns = new();
    private readonly (IKernel Kernel, PackageDma[] Transfers)[] _steps;
    private readonly bool _depthwiseKernel;

    /// <summary>An engine on the fastest <see cref="KernelPath"/> this CPU has.</summary>
    public Int8Engine(ThinkerPackage package) : this(package, KernelPaths.Best) { }

    /// <summary>An engine on the given path (every path gives the same bits; see
    /// <see cref="KernelPaths.Supported"/>).</summary>
    public Int8Engine(ThinkerPackage package, KernelPath path) : this(package, path, depthwiseKernel: true) { }

    /// <param name="package">The package.</param>
    /// <param name="path">The instructions the kernels use.</param>
    /// <param name="depthwiseKernel">False runs depthwise convolutions
    /// with the general kernel, its twin (for tests).</param>
    internal Int8Engine(ThinkerPackage package, KernelPath path, bool depthwiseKernel)
    {
        if (!KernelPaths.IsSupported(path))
            throw new InferenceException(ErrorIds.EngineKernelPathNotSupported,
                $"This CPU does not have the instructions of the {path} path.");
        _package = package;
        Path = path;
        _depthwiseKernel = depthwiseKernel;
        if (package.Inputs.Count != 1 || package.Outputs.Count != 1)
            throw new InferenceException(ErrorIds.EngineUnsupportedOperator,
                $"The engine runs packages with one input and one output; this one has {package.Inputs.Count} and " +
                $"{package.Outputs.Count}.");
        _memory = new TensorMemory(package);
        var transfers = DmaTransfers.ThatMatter(package, _memory);
        _steps = package.Operators.Select((op, k) => (Prepare(op), transfers[k])).ToArray();
    }

    public ThinkerPackage Package => _package;

    /// <summary>The instructions this engine's kernels use.</summary>
    public KernelPath Path { get; }

    /// <summary>The kernel that runs each operator, by type name.</summary>
    internal IEnumerable<string> KernelNames => _steps.Select(s => s.Kernel.GetType().Name);
    public PackageTensor InputTensor => _package.InputTensor;
    public PackageTensor OutputTensor => _package.OutputTensor;

    /// <summary>Runs one inference: <paramref name="input"/> holds exactly the input tensor's bytes.</summary>
    public byte[] Run(ReadOnlySpan<byte> input)
    {
        var target = _memory.Bytes(InputTensor);
        if (input.Length != target.Length)
            throw new InferenceException(ErrorIds.EngineInputSize,
                $"The input has {input.Length:N0} bytes; the package expects {target.Length:N0} ({InputTensor.DType} " +
                $"{string.Join("×", InputTensor.Shape)}).");
        input.CopyTo(target);
        foreach (var (kernel, dma) in _steps)
        {
            foreach (var transfer in dma) _memory.Transfer(transfer);
            kernel.Run(_memory);
        }
        return _memory.Bytes(OutputTensor).ToArray();
    }

    private IKernel Prepare(PackageOperator op)
    {
        var t = _package.Tensors;
        int inputs = op.Type is ThinkerOp.Conv2dInt or ThinkerOp.LinearInt or ThinkerOp.iqAdd ? 2 : 1;
        if (op.Inputs.Length < inputs || op.Outputs.Length < 1)
            throw KernelChecks.Invalid(op,
                $"it has {op.Inputs.Length} input(s) and {op.Outputs.Length} output(s), it needs at " +
                $"least {inputs} and 1");
        if (op.Type is ThinkerOp.Quant or ThinkerOp.Dequant or ThinkerOp.Relu)
            KernelChecks.SameElements(t[op.Inputs[0]], t[op.Outputs[0]], op);
        return op.Type switch
        {
            ThinkerOp.Conv2dInt => _depthwiseKernel &&
                    DepthwiseKernel.Handles(Conv2dAttributes.Parse(op.Attributes), t[op.Inputs[0]], t[op.Outputs[0]])
                ? new DepthwiseKernel(op, _package, _memory, Path)
                : new ConvKernel(op, _package, _memory, _columns, Path),
            ThinkerOp.LinearInt => new LinearKernel(op, _package, Path),
            ThinkerOp.iqAdd => new AddKernel(op, _package),
            ThinkerOp.iqCat => new ConcatKernel(op, _package),
            ThinkerOp.AvgPool2dInt => new PoolKernel(op, _package, average: true),
            ThinkerOp.MaxPool => new PoolKernel(op, _package, average: false),
            ThinkerOp.Relu =>
                new ReluKernel(KernelChecks.Int8(_package, op.Inputs[0], op),
                    KernelChecks.Int8(_package, op.Outputs[0], op)),
            ThinkerOp.Reshape or ThinkerOp.Flatten or ThinkerOp.Squeeze or ThinkerOp.Unsqueeze => Copy(op),
            ThinkerOp.Quant =>
                new QuantKernel(KernelChecks.Float32(_package, op.Inputs[0], op),
                    KernelChecks.Int8(_package, op.Outputs[0], op), KernelChecks.Exponent(t[op.Outputs[0]], op)),
            ThinkerOp.Dequant =>
                new DequantKernel(KernelChecks.Int8(_package, op.Inputs[0], op),
                    KernelChecks.Float32(_package, op.Outputs[0], op), KernelChecks.Exponent(t[op.Inputs[0]], op)),
            _ => throw new InferenceException(ErrorIds.EngineUnsupportedOperator,
                $"Operator {op.Index} is {op.Type}, which the int8 engine does not run."),
        };
    }

    private CopyKernel Copy(PackageOperator op)
    {
        var (x, y) = (_package.Tensors[op.Inputs[0]], _package.Tensors[op.Outputs[0]]);
        KernelChecks.SameElements(x, y, op);
        return new CopyKernel(x, y);
    }
}
