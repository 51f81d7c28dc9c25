namespace Csk6Tools.Engine.Graph;

/// <summary>Sliding-window arithmetic shared by convolutions and pools. Pads are [top, left, bottom, right].</summary>
internal static class Window2d
{
    public static int[] Pair(int v) => [v, v];
    public static int[] Pads(int v) => [v, v, v, v];

    public static void Check(Node n, int[] kernel, int[] stride, int[] pads, int[] dilation,
        Func<string, GraphException> fail)
    {
        if (kernel.Length != 2 || stride.Length != 2 || dilation.Length != 2 || pads.Length != 4)
            throw fail("kernel, stride and dilation take 2 values, pads 4 (top, left, bottom, right).");
        if (kernel.Any(k => k < 1) || stride.Any(s => s < 1) || dilation.Any(d => d < 1) || pads.Any(p => p < 0))
            throw fail($"kernel {kernel[0]}×{kernel[1]}, stride {stride[0]}×{stride[1]}, dilation " +
                $"{dilation[0]}×{dilation[1]} must be positive and pads non-negative.");
    }

    public static int OutputSize(int input, int kernel, int stride, int padBefore,
        int padAfter, int dilation, bool ceil)
    {
        int span = input + padBefore + padAfter - dilation * (kernel - 1) - 1;
        if (span < 0) return 0;
        int o = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        // PyTorch: with ceil_mode the last window must start inside the input or left padding.
        if (ceil && (o - 1) * stride >= input + padBefore) o--;
        return o;
    }
}
