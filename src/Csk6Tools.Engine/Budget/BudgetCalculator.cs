using Csk6Tools.Engine.Deploy;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Target;
using Csk6Tools.Engine.Transforms;

namespace Csk6Tools.Engine.Budget;

public sealed record BudgetOptions
{
    public Csk6Limits Limits { get; init; } = Csk6Limits.Default;

    /// <summary>Residual-add inputs assumed to need rescaling (each costs an input-sized workspace); see
    /// <see cref="DeployGraph.Lower(ModelGraph, int)"/>.</summary>
    public int RescaledAddInputs { get; init; } = 1;
}

/// <summary>Measures a model against the CSK6: pure graph analysis, no weights and no libtorch.</summary>
public static class BudgetCalculator
{
    /// <summary>A graph before QAT: each residual add is assumed to rescale
    /// <see cref="BudgetOptions.RescaledAddInputs"/> inputs.</summary>
    public static ModelBudget Measure(ModelGraph graph, BudgetOptions? options = null)
    {
        options ??= new BudgetOptions();
        return Measure(graph, DeployGraph.Lower(graph, options.RescaledAddInputs), options);
    }

    /// <summary>
    /// A model with weights. Once quantized its exponents say which add inputs are rescaled, so it is lowered as
    /// New-Csk6Package lowers it and the budget is the package's (RescaledAddInputs does not apply).
    /// </summary>
    public static ModelBudget Measure(Csk6Model model, BudgetOptions? options = null)
    {
        options ??= new BudgetOptions();
        if (model.Stage != ModelStage.Quantized || model.Quantization is not { } q)
            return Measure(model.Graph, options);
        var graph = model.Graph;
        return Measure(graph, DeployGraph.Lower(graph, add => q.RescaledInputs(add, graph.Input.Name)), options);
    }

    private static ModelBudget Measure(ModelGraph graph, DeployGraph deploy, BudgetOptions options)
    {
        var plan = MemoryPlanner.Plan(deploy);
        var weightBytes = new Dictionary<string, long>();
        long constants = 0;
        foreach (var t in deploy.Tensors)
            if (t.Kind == TensorKind.Constant)
            {
                constants += t.Bytes;
                weightBytes[t.Layer] = weightBytes.GetValueOrDefault(t.Layer) + t.Bytes;
            }
        long psram = Csk6.Align16(constants);
        var live = LiveBytes(plan, deploy.Ops.Count);
        var shareMem = new Dictionary<string, long>();
        foreach (var op in deploy.Ops)
            shareMem[op.Layer] = Math.Max(shareMem.GetValueOrDefault(op.Layer), live[op.Index]);
        var layers = new List<LayerBudget>(graph.Nodes.Count - 1);
        for (int i = 1; i < graph.Nodes.Count; i++)
            layers.Add(Row(graph, deploy, graph.Nodes[i], weightBytes, shareMem));

        var violations = graph.Nodes.Skip(1).SelectMany(n => OperatorRules.Check(graph, n)).ToList();
        if (psram > options.Limits.PsramBytes)
            violations.Add(Psram(graph, deploy, layers, psram, options.Limits.PsramBytes));
        if (plan.Bytes > options.Limits.ShareMemBytes)
            violations.Add(ShareMem(deploy, plan, options.Limits.ShareMemBytes));

        return new ModelBudget
        {
            Model = graph.Name,
            Parameters = graph.Parameters,
            DeployParameters = graph.DeployParameters,
            Macs = graph.Macs,
            Int8Bytes = graph.Int8Bytes,
            PsramBytes = psram,
            PsramCapacity = options.Limits.PsramBytes,
            ShareMemBytes = plan.Bytes,
            ShareMemCapacity = options.Limits.ShareMemBytes,
            Layers = layers,
            Violations = violations,
            ShareMemPlan = plan,
        };
    }

    private static LayerBudget Row(ModelGraph graph, DeployGraph deploy, Node n, Dictionary<string, long> weightBytes,
        Dictionary<string, long> shareMem) => new()
    {
        Name = n.Name,
        Op = n.Op,
        InputShape = n.InputShapes.FirstOrDefault(),
        OutputShape = n.OutputShape!,
        Parameters = n.Parameters,
        DeployParameters = graph.DeployParametersOf(n),
        WeightBytes = weightBytes.GetValueOrDefault(n.Name),
        ActivationBytes = n.OutputShape!.Elements,
        Macs = n.Macs,
        ShareMemBytes = shareMem.GetValueOrDefault(n.Name),
        Packing = Packing(deploy, n),
    };

    /// <summary>Per op: the bytes of the tensors live while it runs (an in-place alias counted once).</summary>
    private static long[] LiveBytes(MemoryPlan plan, int ops)
    {
        // Tensors at one offset for the same ops are one buffer (an alias chain): count its largest.
        var buffers = new Dictionary<(long Offset, int Begin, int End), long>(plan.Tensors.Count);
        foreach (var t in plan.Tensors)
            buffers[(t.Offset, t.Begin, t.End)] =
                Math.Max(buffers.GetValueOrDefault((t.Offset, t.Begin, t.End)), t.Bytes);
        var change = new long[ops + 1];
        foreach (var ((_, begin, end), bytes) in buffers)
        {
            int first = Math.Max(0, begin), last = Math.Min(end, ops - 1);
            if (first > last) continue;
            change[first] += bytes;
            change[last + 1] -= bytes;
        }
        var live = new long[ops];
        long sum = 0;
        for (int i = 0; i < ops; i++) live[i] = sum += change[i];
        return live;
    }

    private static string Packing(DeployGraph deploy, Node n)
    {
        if (deploy.FusedInto.TryGetValue(n.Name, out var into))
            return n is BatchNorm2dNode ? $"folded into {into}" : $"fused into {into}";
        string? split = deploy.Splits.TryGetValue(n.Name, out var s) ? s.Description : null;
        string? note = n switch
        {
            Conv2dNode c when InputOperandBytes(c) > Csk6.InputOperandLimit
                => $"rows in {WorkspacePass.HSplitCount(c)} bands at run time",
            GlobalAvgPoolNode g => $"AvgPool2dInt {g.InputShapes[0][1]}×{g.InputShapes[0][2]}",
            FlattenNode or ReshapeNode => "in-place Reshape",
            AddNode => ThinkerOp.iqAdd,
            _ => null,
        };
        return split is null ? note ?? "" : note is null ? split : $"{split}; {note}";
    }

    private static long InputOperandBytes(Conv2dNode c)
    {
        var (cin, h, w) = c.InputShapes[0].Chw;
        return Csk6.InputOperandBytes(cin, h, w, c.Stride[1]);
    }

    private static BudgetViolation Psram(ModelGraph graph, DeployGraph deploy,
        List<LayerBudget> layers, long psram, long limit)
    {
        var largest = layers.MaxBy(l => l.WeightBytes)!;
        long over = psram - limit;
        string message = $"constants need {psram:N0} B of PSRAM, {over:N0} B ({ByteUnits.MiB(over)}) over the " +
            $"{limit:N0} B capacity; " +
            $"the largest layer, {largest.Name}, holds {ByteUnits.MiB(largest.WeightBytes)}.";
        var conversion = DepthwiseConverter.Convert(graph);
        string fix;
        if (conversion.ConvertedLayers.Count > 0)
        {
            // Priced from the constants alone: the conversion's workspace and memory plan do not matter here.
            var converted = DeployGraph.ConstantBytesByLayer(conversion.Model);
            long after = Csk6.Align16(converted.Values.Sum());
            // The converted layer keeps its name (Dense3x3) or becomes <name>.depthwise + <name>.pointwise.
            long here = largest.WeightBytes - new[] { "", ".depthwise", ".pointwise" }
                .Sum(suffix => converted.GetValueOrDefault(largest.Name + suffix));
            fix = $"weights {ByteUnits.MiB(over)} over budget: Convert-ToDepthwise saves {ByteUnits.MiB(here)} here " +
                  $"and {ByteUnits.MiB(psram - after)} in all " +
                  (after <= limit
                      ? $"(PSRAM need {ByteUnits.MiB(after)}: fits)."
                      : $"but still needs {ByteUnits.MiB(after)}: also reduce the channel width (New-Csk6ResNet " +
                          $"-Width) of the largest layers.");
        }
        else
        {
            fix = $"weights {ByteUnits.MiB(over)} over budget: reduce the channel width of the largest layers (e.g. " +
                $"{largest.Name}) or prune them.";
        }
        return new BudgetViolation(largest.Name, Csk6Rule.Psram, $"{psram:N0} B", $"{limit:N0} B", message, fix);
    }

    private static BudgetViolation ShareMem(DeployGraph deploy, MemoryPlan plan, long limit)
    {
        var op = deploy.Ops[plan.PeakOp];
        var live = plan.Tensors.Where(t => t.Begin <= plan.PeakOp && plan.PeakOp <= t.End)
            .GroupBy(t => t.Offset).Select(g => g.First()).OrderByDescending(t => t.Bytes).Take(4)
            .Select(t => $"{t.Name} {ByteUnits.KiB(t.Bytes)}");
        long over = plan.Bytes - limit;
        return new BudgetViolation(op.Layer, Csk6Rule.ShareMem, $"{plan.Bytes:N0} B", $"{limit:N0} B",
            $"activations, workspace and DMA buffers need {plan.Bytes:N0} B of SHARE_MEM, {over:N0} B " +
            $"({ByteUnits.KiB(over)}) over the {limit:N0} B capacity; " +
            $"the peak is at {op.Layer} ({ByteUnits.KiB(plan.LowerBound)} live: {string.Join(", ", live)}).",
            $"reduce the channels or the input resolution up to {op.Layer} (each halving of the resolution " +
            $"quarters these tensors).");
    }
}
