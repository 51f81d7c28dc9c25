using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Deploy;

/// <summary>
/// Pass 3 as tpacker 3.x runs it for venus (<c>graph_analysis/ops/*.py</c> <c>get_workspace</c>), with every tensor in
/// SHARE_MEM. Unlike 2.1.1 an op that needs no bytes reports no workspace (so its record lists none), and:
/// convolutions ask for none (3.x tests the ONNX dilations, a list, against the tuple (1, 1), so only dilated
/// convolutions reach its size rules); a residual add asks for one input's bytes only when both inputs are rescaled;
/// iqCat asks for none; MaxPool only when its input exceeds 64 KB; LinearInt with a bias four bytes per output.
/// </summary>
internal static class WorkspacePassV3
{
    public static void Run(LoweringDraft d, ModelGraph graph, Func<AddNode, int> rescaledAddInputs)
    {
        foreach (var op in d.Ops)
            op.Workspace = Workspace(op, graph[op.Layer], d, rescaledAddInputs) is long w and > 0 ? w : null;
        WorkspacePass.AddWorkspaceTensor(d);
    }

    private static long? Workspace(DeployOp op, Node node, LoweringDraft d, Func<AddNode, int> rescaledAddInputs) =>
        (op.Kind, node) switch
    {
        (ThinkerOp.Conv2dInt, Conv2dNode c) when c.Dilation[0] > 1 => DilatedConv(c),
        (ThinkerOp.iqAdd, AddNode a) => rescaledAddInputs(a) == 2 ? d[op.Inputs[0]].Bytes : null,
        (ThinkerOp.MaxPool, MaxPool2dNode mp) => MaxPool(mp),
        (ThinkerOp.AvgPool2dInt, AvgPool2dNode ap) =>
            AvgPool(ap.InputShapes[0], ap.OutputShape!, ap.Kernel, ap.Stride, ap.Pads),
        (ThinkerOp.AvgPool2dInt, GlobalAvgPoolNode g) =>
            AvgPool(g.InputShapes[0], g.OutputShape!, [g.InputShapes[0][1], g.InputShapes[0][2]],
            [g.InputShapes[0][1], g.InputShapes[0][2]], [0, 0, 0, 0]),
        (ThinkerOp.LinearInt, LinearNode { Bias: true }) => d[op.Outputs[0]].Bytes * Csk6.AccumulatorBytes,
        _ => null,
    };

    private static long DilatedConv(Conv2dNode c)
    {
        var (cin, h, w) = c.InputShapes[0].Chw;
        var (cout, _, ow) = c.OutputShape!.Chw;
        int kh = c.Kernel[0], dh = c.Dilation[0];
        int splitIn = h - ((kh - 1) * dh + 1) / dh + kh, splitOut = (splitIn - kh) / c.Stride[0] + 1;
        return (long)cin * h * w + Math.Max((long)cin * w * splitIn, (long)cout * ow * splitOut);
    }

    private static long? MaxPool(MaxPool2dNode mp)
    {
        var (c, h, w) = mp.InputShapes[0].Chw;
        return Csk6.InputOperandBytes(c, h, w, mp.Stride[1]) > Csk6.InputOperandLimit
            ? Math.Max(Csk6.MaxPoolBandWorkspace, Csk6.Align16(mp.OutputShape!.Elements)) : null;
    }

    /// <summary>A window covering the whole (padded) input pools per channel with a 32-bit sum per output.</summary>
    private static long AvgPool(TensorShape input, TensorShape output, int[] kernel, int[] stride, int[] pads)
    {
        var (c, h, w) = input.Chw;
        var (_, oh, ow) = output.Chw;
        int area = kernel[0] * kernel[1];
        bool powerOfTwo = (area & (area - 1)) == 0;
        if (kernel[0] == h + pads[0] + pads[2] && kernel[1] == w + pads[1] + pads[3])
        {
            int channels = Csk6.Align(c, 8) * h * w > Csk6.InputOperandLimit ? Csk6.AvgPoolBandChannels : c;
            long sums = (long)channels * oh * ow * 4;
            return Math.Max((long)h * w, sums) + (powerOfTwo ? 0 : sums);
        }
        int split = Csk6.InputOperandBytes(c, h, w, stride[1]) > Csk6.InputOperandLimit ? Csk6.AvgPoolBandChannels : c;
        return (long)split * oh * ow * (powerOfTwo ? 2 : 8);
    }
}
