using Csk6Tools.Engine.Inference;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Tests.Inference;

/// <summary>Which DMA transfers the engine makes: none on a sound plan, and those that overwrite a live tensor on a bad
/// one.</summary>
public class DmaTransfersTests
{
    [Fact]
    public void ASoundPlanNeedsNoCopyAndAnOverlapStillCorruptsAsOnTheChip()
    {
        var package = ThinkerPackage.Read(Fixtures.Path("resnet18_v2_model.bin"));
        var input = File.ReadAllBytes(Fixtures.Path("apple_input_q6.bin"));
        Assert.Equal(111, package.Dma.Count);
        Assert.All(DmaTransfers.ThatMatter(package, new TensorMemory(package)), Assert.Empty);

        // An operator's input activation planned where the DMA buffer of its weights is: the copy lands on it.
        var (k, dma, x) = package.Operators.SelectMany(op => package.Dma.Where(d => op.Inputs.Contains(d.SourceTensor))
                .Select(d => (op.Index, Dma: d, X: package.Tensors[op.Inputs[0]])))
            .First(c => c.X.InArena && c.X.Memory == package.Tensors[c.Dma.DestinationTensor].Memory &&
                        package.Tensors[c.Dma.DestinationTensor].Offset + c.X.Bytes <= ArenaBytes(package, c.X.Memory));
        var buffer = package.Tensors[dma.DestinationTensor];
        var bad = package with
        {
            Tensors = package.Tensors.Select(t => t.Index == x.Index ? t with { Offset = buffer.Offset } : t).ToList(),
        };
        var transfers = DmaTransfers.ThatMatter(bad, new TensorMemory(bad));
        Assert.Contains(dma, transfers[k]);

        var expected = File.ReadAllBytes(Fixtures.Path("apple_output_q4.bin"));
        Assert.Equal(expected, new Int8Engine(package).Run(input));
        Assert.NotEqual(expected, new Int8Engine(bad).Run(input));
    }

    private static long ArenaBytes(ThinkerPackage package, MemoryKind kind) =>
        package.Memories.Where(m => !m.IsParameterBlob && m.Kind == kind).Sum(m => m.Size);
}
