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

    public Int8Engine(ThinkerPackage package)
    {
        _package = package;
        if (package.Inputs.Count != 1 || package.Outputs.Count != 1)
            throw new InferenceException(ErrorIds.EngineUnsupportedOperator, $"The engine runs packages with one input and one output; this one has {package.Inputs.Count} and {package.Outputs.Count}.");
        _memory = new TensorMemory(package);
        var transfers = package.Dma.ToLookup(d => d.SourceTensor);
        _steps = package.Operators
            .Select(op => (Prepare(op), op.Inputs.SelectMany(id => transfers[id]).ToArray()))
            .ToArray();
    }

    public ThinkerPackage Package => _package;
    public PackageTensor InputTensor => _package.InputTensor;
    public PackageTensor OutputTensor => _package.OutputTensor;

    /// <summary>Runs one inference: <paramref name="input"/> holds exactly the input tensor's bytes.</summary>
    public byte[] Run(ReadOnlySpan<byte> input)
    {
        var target = _memory.Bytes(InputTensor);
        if (input.Length != target.Length)
            throw new InferenceException(ErrorIds.EngineInputSize,
                $"The input has {input.Length:N0} bytes; the package expects {target.Length:N0} ({InputTensor.DType} {string.Join("×", InputTensor.Shape)}).");
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
        return op.Type switch
        {
            ThinkerOp.Conv2dInt => DepthwiseKernel.Handles(Conv2dAttributes.Parse(op.Attributes), t[op.Inputs[0]], t[op.Outputs[0]])
                ? new DepthwiseKernel(op, _package, _memory) : new ConvKernel(op, _package, _memory, _columns),
            ThinkerOp.LinearInt => new LinearKernel(op, _package),
            ThinkerOp.iqAdd => new AddKernel(op, _package),
            ThinkerOp.iqCat => new ConcatKernel(op, _package),
            ThinkerOp.AvgPool2dInt => new PoolKernel(op, _package, average: true),
            ThinkerOp.MaxPool => new PoolKernel(op, _package, average: false),
            ThinkerOp.Relu => new ReluKernel(KernelChecks.Int8(_package, op.Inputs[0], op), KernelChecks.Int8(_package, op.Outputs[0], op)),
            ThinkerOp.Reshape or ThinkerOp.Flatten or ThinkerOp.Squeeze or ThinkerOp.Unsqueeze => Copy(op),
            ThinkerOp.Quant => new QuantKernel(t[op.Inputs[0]], KernelChecks.Int8(_package, op.Outputs[0], op), KernelChecks.Exponent(t[op.Outputs[0]], op)),
            ThinkerOp.Dequant => new DequantKernel(KernelChecks.Int8(_package, op.Inputs[0], op), t[op.Outputs[0]], KernelChecks.Exponent(t[op.Inputs[0]], op)),
            _ => throw new InferenceException(ErrorIds.EngineUnsupportedOperator, $"Operator {op.Index} is {op.Type}, which the int8 engine does not run."),
        };
    }

    private CopyKernel Copy(PackageOperator op)
    {
        var (x, y) = (_package.Tensors[op.Inputs[0]], _package.Tensors[op.Outputs[0]]);
        KernelChecks.SameElements(x, y, op);
        return new CopyKernel(x, y);
    }
}
