using System.Runtime.Intrinsics.X86;

namespace Csk6Tools.Engine.Inference;

/// <summary>
/// The instructions the engine's kernels run on, chosen once per engine. Every path computes the same exact
/// integer sums, so every path gives the scalar path's bits.
/// </summary>
public enum KernelPath
{
    /// <summary>Plain C#: the reference every other path equals.</summary>
    Scalar,
    /// <summary>256-bit vectors; int16 pair products with vpmaddwd.</summary>
    Avx2,
    /// <summary>256-bit vectors with AVX-VNNI's vpdpwssd (pair products added in one instruction).</summary>
    Vnni,
    /// <summary>512-bit vectors; vpmaddwd on AVX-512BW.</summary>
    Avx512,
}

/// <summary>Which <see cref="KernelPath"/>s this CPU runs, and the fastest.</summary>
public static class KernelPaths
{
    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Scalar => true,
        KernelPath.Avx2 => Avx2.IsSupported,
#pragma warning disable CA2252 // AvxVnni is marked preview in .NET 8's reference assemblies only; it is stable from .NET 9.
        KernelPath.Vnni => AvxVnni.IsSupported,
#pragma warning restore CA2252
        KernelPath.Avx512 => Avx512BW.IsSupported && Avx512F.IsSupported,
        _ => false,
    };

    /// <summary>AVX-512 where the CPU has it (twice the lanes), then VNNI, AVX2, scalar.</summary>
    public static KernelPath Best { get; } =
        new[] { KernelPath.Avx512, KernelPath.Vnni, KernelPath.Avx2 }.FirstOrDefault(IsSupported, KernelPath.Scalar);

    /// <summary>Every path this CPU runs, the scalar reference first.</summary>
    public static IReadOnlyList<KernelPath> Supported { get; } = Enum.GetValues<KernelPath>().Where(IsSupported).ToArray();
}
