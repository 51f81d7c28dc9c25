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
        var largest = new long[Csk6.DmaBufferCount];
        int streaming = 0;
        foreach (var op in d.Ops)
        {
            if (!ThinkerOp.StreamsConstants(op.Kind)) continue;
            long bytes = 0;
            foreach (int id in op.Constants) bytes += d[id].Bytes;
            if ((op.DmaBytes = bytes) == 0) continue;
            int buffer = streaming++ % Csk6.DmaBufferCount;
            largest[buffer] = Math.Max(largest[buffer], op.DmaBytes);
        }
        for (int b = 0; b < Csk6.DmaBufferCount && b < streaming; b++)
            d.Add(d.Buffers, $"dma_buffer{b + 1}", TensorKind.DmaBuffer, largest[b], "");
    }
}
