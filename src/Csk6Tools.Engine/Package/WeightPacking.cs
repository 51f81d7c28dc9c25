using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Package;

/// <summary>
/// venus weight packing (docs/thinker-model-bin.md#weight-packing). Dense: per pair of output channels, per kernel
/// position, per group of 8 input channels, 2 × 8 values (NHWC8). Depthwise: per group of 16 channels, per kernel
/// position, 16 values. Group convs: each group packed as a dense conv, groups back to back.
/// </summary>
public static class WeightPacking
{
    public static bool IsDepthwise(int cout, int cin, int group) => Graph.Conv2dNode.IsDepthwiseShape(cout, cin, group);

    public static long PackedBytes(int cout, int cin, int group, int kh, int kw) => IsDepthwise(cout, cin, group)
        ? Csk6.DepthwiseWeightBytes(cout, kh, kw)
        : group * Csk6.DenseWeightBytes(cin / group, cout / group, kh, kw);

    /// <summary>Index of W[o, i, y, x] (i within the group) in the packed bytes.</summary>
    public static long PackedIndex(int o, int i, int y, int x, int cout, int cin, int group, int kh, int kw)
    {
        int taps = kh * kw, position = y * kw + x;
        if (IsDepthwise(cout, cin, group)) return ((long)(o / 16) * taps + position) * 16 + o % 16;
        int groupOut = cout / group, oa = (int)Csk6.Align(groupOut, 2), ia = (int)Csk6.Align(cin / group, 8);
        int g = o / groupOut, og = o % groupOut;
        long groupStart = (long)g * oa * taps * ia;
        return groupStart + (((long)(og / 2) * taps + position) * (ia / 8) + i / 8) * 16 + og % 2 * 8 + i % 8;
    }

    /// <summary>Packs W [Cout, Cin/g, kh, kw] (row-major int8) into venus order; padding bytes are zero.</summary>
    public static sbyte[] Pack(ReadOnlySpan<sbyte> weights, int cout, int cin, int group, int kh, int kw)
    {
        var packed = new sbyte[PackedBytes(cout, cin, group, kh, kw)];
        int groupIn = cin / group, k = 0;
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < groupIn; i++)
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++)
                        packed[PackedIndex(o, i, y, x, cout, cin, group, kh, kw)] = weights[k++];
        return packed;
    }

    /// <summary>The weights in OIHW order; <paramref name="packed"/>
    /// must hold <see cref="PackedBytes"/> bytes.</summary>
    internal static sbyte[] Unpack(ReadOnlySpan<sbyte> packed, int cout, int cin, int group, int kh, int kw)
    {
        int groupIn = cin / group, k = 0;
        var weights = new sbyte[cout * groupIn * kh * kw];
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < groupIn; i++)
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++)
                        weights[k++] = packed[(int)PackedIndex(o, i, y, x, cout, cin, group, kh, kw)];
        return weights;
    }
}
