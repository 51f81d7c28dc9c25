using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Deploy;

/// <summary>
/// How the packer cuts a convolution the NPU cannot take in one call: a dense weight over the weight operand limit
/// into pieces of an even number of output channels (tpacker <c>op_split.py</c>), a group convolution into one
/// convolution per group after a Split (<c>op_divide.py</c>). An iqCat joins the pieces.
/// </summary>
internal static class ChannelSplit
{
    /// <summary>Dense weights over 32 KB are cut into chunks of an even number of output channels.</summary>
    public static bool NeedsSplit(Conv2dNode c, out int chunk)
    {
        long perChannel = Csk6.Align(c.InChannels / c.Groups, 8) * c.Kernel[0] * c.Kernel[1];
        chunk = (int)(Csk6.WeightOperandLimit / perChannel) & ~(Csk6.OutputChannelGroup - 1);
        return Csk6.DenseWeightBytes(c.InChannels / c.Groups, c.OutChannels / c.Groups, c.Kernel[0],
            c.Kernel[1]) > Csk6.WeightOperandLimit && chunk > 0;
    }

    /// <summary>The output channels of each piece, or null when the convolution runs as one op.</summary>
    public static List<int>? Pieces(Conv2dNode c)
    {
        if (c.IsDepthwise) return null;
        if (c.Groups > 1) return Enumerable.Repeat(c.OutChannels / c.Groups, c.Groups).ToList();
        if (!NeedsSplit(c, out int chunk)) return null;
        var pieces = new List<int>();
        for (int start = 0; start < c.OutChannels; start += chunk) pieces.Add(Math.Min(chunk, c.OutChannels - start));
        return pieces;
    }

    /// <summary>What the budget and the packer's report say about the cut.</summary>
    public static string Describe(Conv2dNode c, IReadOnlyList<int> pieces)
    {
        if (c.Groups > 1) return $"Split + {pieces.Count} group convs + {ThinkerOp.iqCat}";
        // Each distinct width once, in the order first met, with how many pieces have it ("2×56 + 16").
        var widths = new List<(int Channels, int Count)>();
        foreach (int p in pieces)
        {
            int i = 0;
            while (i < widths.Count && widths[i].Channels != p) i++;
            if (i == widths.Count) widths.Add((p, 1)); else widths[i] = (p, widths[i].Count + 1);
        }
        var text = new System.Text.StringBuilder($"{pieces.Count} × {ThinkerOp.Conv2dInt} (");
        for (int i = 0; i < widths.Count; i++)
        {
            var (channels, count) = widths[i];
            text.Append(i > 0 ? " + " : "").Append(count > 1 ? $"{count}×{channels}" : $"{channels}");
        }
        return text.Append($" ch) + {ThinkerOp.iqCat}").ToString();
    }
}
