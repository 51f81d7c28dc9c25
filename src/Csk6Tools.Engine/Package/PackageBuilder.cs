using Csk6Tools.Engine.Deploy;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Quant;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Package;

public sealed record PackOptions
{
    public Csk6Limits Limits { get; init; } = Csk6Limits.Default;

    /// <summary>A SHARE_MEM planner to force (GreedyByBreadth plans as
    /// tpacker v2.1.1 does); the smallest plan by default.</summary>
    public string? Planner { get; init; }

    /// <summary>Float32 input and output through Quant and Dequant ops
    /// (tpacker <c>-s Remove_QuantDequant</c>) instead of int8 I/O.</summary>
    public bool KeepQuantDequant { get; init; }

    /// <summary>V2 (thinker 2.1.1, the default) or V3 (thinker 3.x
    /// for venus: its workspaces, shapes and layout).</summary>
    public PackageLayout Layout { get; init; } = PackageLayout.V2;
}

/// <summary>
/// Packs a quantized model into a thinker v2 package for venus, laid out as tpacker does it: the graph lowered by
/// <see cref="DeployGraph"/> (fusion, splits, workspace, DMA), int8 weights in venus packing followed by their int32
/// biases in one PSRAM blob, activations planned in one SHARE_MEM arena, int8 input and output (no Quant/Dequant).
/// </summary>
public static class PackageBuilder
{
    private const byte Luna = 1, LunaQuant = 4, NormalQuant = 3;

    public static PackResult Build(Csk6Model model, PackOptions? options = null)
    {
        options ??= new PackOptions();
        var q = model.Quantization;
        if (model.Stage != ModelStage.Quantized || q is null)
            throw new PackException(ErrorIds.ModelNotQuantized,
                $"Model '{model.Name}' is {model.Stage}: only a model after quantization-aware training " +
                $"(Invoke-QuantTraining) has the int8 weights and exponents a package needs.");
        var graph = model.Graph;
        var unsupported = graph.Nodes
            .Where(n => n is BatchNorm2dNode or Relu6Node or ConcatNode or OtherNode ||
                n is Conv2dNode { IsDepthwise: false, Groups: > 1 })
            .ToList();
        if (unsupported.Count > 0)
            throw new PackException(ErrorIds.PackUnsupportedOperator, "The packer does not pack " +
                string.Join(", ",
                    unsupported.Select(n => $"{n.Name} ({n.Op}{(n is Conv2dNode c ? $", {c.Groups} groups" : "")})")) +
                    ".");

        bool thinker3 = options.Layout == PackageLayout.V3;
        if (thinker3 && options.KeepQuantDequant)
            throw new PackException(ErrorIds.PackOptionNotInLayout,
                "KeepQuantDequant (float32 input and output) is a thinker 2.1.1 option; the V3 layout packs int8 " +
                "input and output only.");
        var deploy = DeployGraph.Lower(graph, add => q.RescaledInputs(add, graph.Input.Name),
            options.KeepQuantDequant, thinker3);
        var plan = MemoryPlanner.Plan(deploy, options.Planner);
        var constants = new ConstantBlob(model, deploy, thinker3);
        var offsets = plan.Tensors.ToDictionary(p => p.Id, p => p.Offset);
        var tensors = deploy.Tensors
            .Select(t => Tensor(t, q, graph, deploy, offsets, constants) with { Name = NameOf(t, model.Names) })
            .ToList();
        var outputs = graph.Outputs
            .Select(o =>
                deploy.Tensors.First(t => t.Kind == TensorKind.Output &&
                    t.Layer == deploy.FusedInto.GetValueOrDefault(o, o)).Id)
            .Select(id => new PackageIO(id, tensors[id].Name)).ToList();
        var content = new PackageContent(
            [new PackageMemory(0, MemoryKind.Psram, constants.BlobBytes, true),
                new PackageMemory(1, MemoryKind.ShareMem, Csk6.Align16(plan.Bytes), false)],
            tensors,
            Operators(deploy, graph, thinker3),
            [new PackageIO(0, graph.Input.Name)],
            outputs,
            [new ParameterBlobData(MemoryKind.Psram, constants.Blob)],
            Dma(deploy)) { Layout = options.Layout }; // platform 0: venus

        var regions = new[]
        {
            new RegionUsage(MemoryKind.Psram, constants.BlobBytes, options.Limits.PsramBytes),
            new RegionUsage(MemoryKind.ShareMem, plan.Bytes, options.Limits.ShareMemBytes),
        };
        foreach (var r in regions.Where(r => !r.Fits)) throw OverCapacity(r, r.Region == MemoryKind.Psram
            ? deploy.Tensors.Where(t => t.Kind == TensorKind.Constant)
                .GroupBy(t => t.Layer)
                .Select(g => (g.Key, g.Sum(t => t.Bytes)))
            : plan.Tensors.Where(t => t.Begin <= plan.PeakOp && plan.PeakOp <= t.End).Select(t => (t.Name, t.Bytes)));
        var report = new PackageReport(regions, plan,
            deploy.Splits.Values.Select(s => $"{s.Layer}: {s.Description}").ToList());
        var bytes = PackageWriter.Write(content);
        return new PackResult(bytes, content, report, PackageDescription.For(ThinkerPackage.Read(bytes), model));
    }

    private static PackException OverCapacity(RegionUsage r, IEnumerable<(string Name, long Bytes)> users)
    {
        var top = users.OrderByDescending(u => u.Bytes).Take(5).Select(u => $"{u.Name} {u.Bytes:N0} B");
        return new PackException(ErrorIds.PackageOverCapacity,
            $"{r.Region} needs {r.Bytes:N0} B, {r.Bytes - r.Capacity:N0} B over its {r.Capacity:N0} B; the largest: " +
            $"{string.Join(", ", top)}.");
    }

    /// <summary>
    /// The tensor's name in the package: the imported file's, else its own. Split pieces are named as tpacker names
    /// them, <c>&lt;tensor&gt;_&lt;node&gt;_&lt;i&gt;</c>, so an ONNX export and re-import packs to the same bytes.
    /// </summary>
    private static string NameOf(DeployTensor t, TensorNames? names)
    {
        string Tensor(string name) => names?.Tensor(name) ?? name;
        if (t.Piece is not int g) return Tensor(t.Name);
        return $"{Tensor(t.Name[..^($"_{g}".Length)])}_{names?.Operator(t.Layer) ?? t.Layer}_{g}";
    }

    private static PackageTensor Tensor(DeployTensor t, QuantizationState q, ModelGraph graph, DeployGraph deploy,
        Dictionary<int, long> offsets, ConstantBlob constants)
    {
        if (t.Kind == TensorKind.Constant)
        {
            var c = constants[t.Id];
            return new PackageTensor(t.Id, t.Name, MemoryKind.Psram, false, c.DType, c.Exponent ?? -1,
                c.Shape, c.Offset, c.Layout);
        }
        long offset = offsets[t.Id];
        if (t.Kind is TensorKind.Workspace or TensorKind.DmaBuffer)
            return new PackageTensor(t.Id, t.Name, MemoryKind.ShareMem, true, ThinkerDType.Int8, -1, [(int)t.Bytes],
                offset, TensorLayout.Nchw);
        var shape = ActivationShape(t, graph, deploy);
        // Float I/O (Quant/Dequant kept): tpacker leaves the graph input's scale at −1 and gives Dequant's output 1.0.
        if (t.Kind == TensorKind.Input && deploy.Ops[0].Kind == ThinkerOp.Quant)
            return new PackageTensor(t.Id, t.Name, MemoryKind.ShareMem, true, ThinkerDType.Float32, -1, shape,
                offset, TensorLayout.Nchw);
        if (t.Producer >= 0 && deploy.Ops[t.Producer].Kind == ThinkerOp.Dequant)
            return new PackageTensor(t.Id, t.Name, MemoryKind.ShareMem, true, ThinkerDType.Float32, 1, shape,
                offset, TensorLayout.Nchw);
        int exponent = t.Kind == TensorKind.Input || t.Layer == graph.Input.Name ? q.InputExponent : q[t.Layer].Output;
        return new PackageTensor(t.Id, t.Name, MemoryKind.ShareMem, true, ThinkerDType.Int8, exponent, shape,
            offset, TensorLayout.Nchw);
    }

    /// <summary>[1, per-sample dims] of the layer, or of the split piece.</summary>
    private static int[] ActivationShape(DeployTensor t, ModelGraph graph, DeployGraph deploy)
    {
        if (t.Kind == TensorKind.Input) return [1, .. graph.InputShape.Dims];
        var op = deploy.Ops[t.Producer];
        var node = graph[op.Layer];
        var dims = node.OutputShape!.Dims.ToArray();
        if (op.Kind == ThinkerOp.Conv2dInt && deploy.Splits.TryGetValue(op.Layer, out var split))
            dims[0] = split.Pieces[split.PieceStartingAt(op.ChannelStart)];
        return [1, .. dims];
    }

    private static List<PackageOperator> Operators(DeployGraph deploy, ModelGraph graph, bool thinker3)
    {
        int workspace = deploy.Tensors.FirstOrDefault(t => t.Kind == TensorKind.Workspace)?.Id ?? -1;
        var buffers = deploy.Tensors.Where(t => t.Kind == TensorKind.DmaBuffer).Select(t => t.Id).ToArray();
        int dmaOps = 0;
        var list = new List<PackageOperator>();
        foreach (var op in deploy.Ops)
        {
            var temps = new List<int>();
            if (op.Workspace.HasValue) temps.Add(workspace);
            if (op.DmaBytes > 0) temps.Add(buffers[dmaOps++ % 2]);
            list.Add(new PackageOperator(op.Index, op.Kind, Attributes(op, graph, thinker3),
                [.. op.Inputs, .. op.Constants], [.. op.Outputs], [.. temps], Luna));
        }
        return list;
    }

    /// <summary>The op's attribute struct; tpacker 3.x leaves
    /// AvgPool2dInt's quant_type and LinearInt's transB at 0.</summary>
    private static byte[] Attributes(DeployOp op, ModelGraph graph, bool thinker3)
    {
        var node = graph[op.Layer];
        switch (op.Kind)
        {
            case ThinkerOp.Conv2dInt:
                var c = (Conv2dNode)node;
                return new Conv2dAttributes(c.Kernel[0], c.Kernel[1], c.Stride[0], c.Stride[1],
                    c.Dilation[0], c.Dilation[1],
                    c.Pads[0], c.Pads[1], c.Pads[2], c.Pads[3], c.IsDepthwise ? c.Groups : 1, LunaQuant,
                    op.FusedRelu ? FusedActivation.Relu : FusedActivation.None).ToBytes();
            case ThinkerOp.iqCat:
                return [1];
            case ThinkerOp.Quant:
                return [8, LunaQuant]; // data_bits, quant_type
            case ThinkerOp.AvgPool2dInt or ThinkerOp.MaxPool:
                byte quant = op.Kind == ThinkerOp.MaxPool ? NormalQuant : thinker3 ? (byte)0 : LunaQuant;
                if (node is GlobalAvgPoolNode g)
                {
                    var (_, h, w) = g.InputShapes[0].Chw;
                    return new PoolAttributes(false, h, w, h, w, 0, 0, 0, 0, quant).ToBytes();
                }
                var p = (Pool2dNode)node;
                return new PoolAttributes(p.CeilMode, p.Kernel[0], p.Kernel[1], p.Stride[0], p.Stride[1], p.Pads[0],
                    p.Pads[1], p.Pads[2], p.Pads[3], quant).ToBytes();
            case ThinkerOp.LinearInt: // the weight is stored transposed; 3.x nevertheless writes transB 0
                return new LinearAttributes(0, 0, TransA: false, TransB: !thinker3, LunaQuant).ToBytes();
            default:
                return [];
        }
    }

    private static List<PackageDma> Dma(DeployGraph deploy)
    {
        var buffers = deploy.Tensors.Where(t => t.Kind == TensorKind.DmaBuffer).Select(t => t.Id).ToArray();
        return deploy.Ops.Where(o => o.DmaBytes > 0)
            // tpacker copies the constants as they sit in the blob,
            // each padded to 16 (a 14-channel bias: 64 B, not 56).
            .Select((o, i) =>
                new PackageDma(MemoryKind.Psram, MemoryKind.ShareMem, o.Constants[0], buffers[i % 2], o.DmaBytes))
            .ToList();
    }
}
