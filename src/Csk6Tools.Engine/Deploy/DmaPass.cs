using Csk6Tools.Engine.Target;

namespace Csk6Tools.Engine.Deploy;

/// <summary>
/// Pass 4: the constants of every convolution and linear layer stream from PSRAM through one of two ping-pong
/// buffers (tpacker <c>memory.py</c> <c>get_dma_buffer</c>): such ops alternate between them in op order, and each
/// buffer is as large as the largest transfer it takes.
/// </summary>
internal static class DmaPass
{
    public static void Run(LoweringDraft d)
    {
        foreach (var op in d.Ops.Where(o => ThinkerOp.StreamsConstants(o.Kind)))
            op.DmaBytes = op.Constants.Sum(h => d[h].Bytes);
        var streaming = d.Ops.Where(o => o.DmaBytes > 0).ToList();
        for (int b = 0; b < Csk6.DmaBufferCount && b < streaming.Count; b++)
            d.Buffers.Add(new DeployTensor(-1, $"dma_buffer{b + 1}", TensorKind.DmaBuffer,
                streaming.Where((_, i) => i % Csk6.DmaBufferCount == b).Max(o => o.DmaBytes), ""));
    }
}
