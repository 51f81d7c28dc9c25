using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Deploy;

/// <summary>
/// Pass 3: the workspace each op asks for (tpacker <c>memory.py</c> <c>get_workspace</c>) and the one workspace
/// tensor, as large as the largest ask. An op that asks for 0 bytes still counts for the workspace's lifetime.
/// </summary>
internal static class WorkspacePass
{
    public static void Run(LoweringDraft d, ModelGraph graph, Func<AddNode, int> rescaledAddInputs)
    {
        foreach (var op in d.Ops)
            op.Workspace = Workspace(op, graph[op.Layer], d, rescaledAddInputs);
        AddWorkspaceTensor(d);
    }

    /// <summary>The one workspace tensor, as large as the largest ask, when any op asks.</summary>
    internal static void AddWorkspaceTensor(LoweringDraft d)
    {
        long? largest = null;
        foreach (var op in d.Ops)
            if (op.Workspace is long w) largest = Math.Max(largest ?? 0, w);
        if (largest is long bytes) d.Add(d.Buffers, "workspace", TensorKind.Workspace, bytes, "");
    }

    private static long? Workspace(DeployOp op, Node node, LoweringDraft d, Func<AddNode, int> rescaledAddInputs) =>
        (op.Kind, node) switch
    {
        (ThinkerOp.Conv2dInt, Conv2dNode c) =>
            Conv(c, d.Splits.TryGetValue(c.Name, out var s)
                ? s.Pieces[s.PieceStartingAt(op.ChannelStart)]
                : c.OutChannels),
        (ThinkerOp.iqCat, _) => 0,
        (ThinkerOp.iqAdd, AddNode a) => rescaledAddInputs(a) * d[op.Inputs[0]].Bytes,
        (ThinkerOp.MaxPool, MaxPool2dNode mp) => MaxPool(mp),
        (ThinkerOp.AvgPool2dInt, AvgPool2dNode ap) => AvgPool(ap.InputShapes[0], ap.OutputShape!, ap.Kernel, ap.Stride),
        (ThinkerOp.AvgPool2dInt, GlobalAvgPoolNode g) => GlobalAvgPool(g),
        (ThinkerOp.LinearInt, LinearNode { Bias: true }) => d[op.Outputs[0]].Bytes * Csk6.AccumulatorBytes,
        _ => null,
    };

    /// <summary>The engine's row split: the smallest s dividing out_h whose band of input rows fits 64 KB.</summary>
    internal static int HSplitCount(Conv2dNode c)
    {
        var (cin, _, w) = c.InputShapes[0].Chw;
        int oh = c.OutputShape![1], sh = c.Stride[0], kh = c.Kernel[0];
        for (int s = 1; s <= oh; s++)
        {
            if (oh % s != 0) continue;
            int band = oh * sh / s + kh - sh;
            if (Csk6.InputOperandBytes(cin, band, w, c.Stride[1]) <= Csk6.InputOperandLimit) return s;
        }
        return oh;
    }

    /// <param name="c">The conv.</param>
    /// <param name="cout">Its output channels, or a split piece's.</param>
    private static long? Conv(Conv2dNode c, int cout)
    {
        var (cin, h, w) = c.InputShapes[0].Chw;
        var (_, oh, ow) = c.OutputShape!.Chw;
        long outBytes = Csk6.Align16((long)cout * oh * ow);
        // tpacker tells a depthwise conv by its packed weight's shape (dim 1 is 1, dim 0 is ALIGN16(group)). A dense
        // conv packs as (ALIGN2(cout), kh, kw, ALIGN8(cin)), so one with kh 1 and 15 or 16 outputs counts as depthwise.
        if (c.IsDepthwise || c.Kernel[0] == 1 && Csk6.Align(cout, 2) == 16)
        {
            long data = Csk6.InputOperandBytes(cin, h, w, c.Stride[1]);
            return data > Csk6.InputOperandLimit ? (long)Math.Ceiling((double)outBytes / HSplitCount(c)) : 0;
        }
        if ((long)h * w >= Csk6.InputOperandLimit)
            return Math.Max((long)Math.Ceiling((double)outBytes / HSplitCount(c)), Csk6.InputOperandLimit);
        return null;
    }

    private static long MaxPool(MaxPool2dNode mp)
    {
        var (c, h, w) = mp.InputShapes[0].Chw;
        long outBytes = Csk6.Align16(mp.OutputShape!.Elements);
        return Csk6.InputOperandBytes(c, h, w, mp.Stride[1]) > Csk6.InputOperandLimit
            ? Math.Max(Csk6.MaxPoolBandWorkspace, outBytes)
            : outBytes;
    }

    private static long GlobalAvgPool(GlobalAvgPoolNode g)
    {
        var (_, h, w) = g.InputShapes[0].Chw;
        return AvgPool(g.InputShapes[0], g.OutputShape!, [h, w], [h, w]);
    }

    private static long AvgPool(TensorShape input, TensorShape output, int[] kernel, int[] stride)
    {
        var (c, h, w) = input.Chw;
        var (_, oh, ow) = output.Chw;
        int channels = Csk6.InputOperandBytes(c, h, w, stride[1]) > Csk6.InputOperandLimit
            ? Csk6.AvgPoolBandChannels
            : c;
        return (long)channels * oh * ow * Csk6.AvgPoolWorkspacePerOutput(kernel[0] * kernel[1]);
    }
}
