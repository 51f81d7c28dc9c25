using Csk6Tools.Engine.Inference;

namespace Csk6Tools.Engine.Tests.Inference;

/// <summary>Every kernel path, and the VNNI path's AVX2 emulation, so CPUs without VNNI test that path's layout and
/// arithmetic.</summary>
internal static class TestedPaths
{
    public static IEnumerable<KernelPath> All => Enum.GetValues<KernelPath>().Append(KernelPaths.EmulatedVnni);
}
