using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Inference;

/// <summary>
/// The DMA transfers the engine makes before each operator. Kernels read weights and biases where the transfers
/// read them (the parameter blob), so the copy a transfer writes into the arena is read by no kernel: it matters
/// only when the memory plan puts it over a tensor that is still live, which it then corrupts as on the chip.
/// Those transfers are made at every run; the others are checked once, here, and skipped.
/// </summary>
internal static class DmaTransfers
{
    /// <summary>For each operator, the transfers before it that overwrite a live tensor.</summary>
    public static PackageDma[][] ThatMatter(ThinkerPackage package, TensorMemory memory)
    {
        var (born, lastRead) = Lifetimes(package);
        var byTensor = package.Dma.ToLookup(d => d.SourceTensor);
        var result = new PackageDma[package.Operators.Count][];
        for (int k = 0; k < result.Length; k++)
        {
            var transfers = package.Operators[k].Inputs.SelectMany(id => byTensor[id]).ToArray();
            foreach (var dma in transfers) memory.CheckTransfer(dma);
            result[k] = transfers.Where(d => OverwritesLiveTensor(package, d, k, born, lastRead)).ToArray();
        }
        return result;
    }

    /// <summary>
    /// A tensor is live at operator k when it was written before k (the input: before everything) and is read at
    /// k or later (the output: after everything).
    /// </summary>
    private static (int[] Born, int[] LastRead) Lifetimes(ThinkerPackage package)
    {
        int n = package.Tensors.Count;
        var born = Enumerable.Repeat(int.MaxValue, n).ToArray();
        var lastRead = Enumerable.Repeat(-1, n).ToArray();
        foreach (var io in package.Inputs) born[io.Tensor] = -1;
        foreach (var io in package.Outputs) lastRead[io.Tensor] = int.MaxValue;
        for (int k = 0; k < package.Operators.Count; k++)
        {
            foreach (int t in package.Operators[k].Outputs) born[t] = Math.Min(born[t], k);
            foreach (int t in package.Operators[k].Inputs) lastRead[t] = Math.Max(lastRead[t], k);
        }
        return (born, lastRead);
    }

    private static bool OverwritesLiveTensor(ThinkerPackage package, PackageDma dma, int k, int[] born, int[] lastRead)
    {
        var dst = package.Tensors[dma.DestinationTensor];
        long start = dst.Offset, end = dst.Offset + dma.Bytes;
        foreach (var t in package.Tensors)
            if (t.Index != dst.Index && t.InArena && t.Memory == dst.Memory && born[t.Index] < k &&
                lastRead[t.Index] >= k && t.Offset < end && start < t.Offset + t.Bytes)
                return true;
        return false;
    }
}
