using System.Runtime.Intrinsics.X86;

namespace Csk6Tools.Engine.Inference;

/// <summary>
/// The instructions the engine's kernels run on, chosen once per engine. Every path computes the same exact
/// integer sums, so every path gives the scalar path's bits (docs/quant-arithmetic.md#simd-exactness).
/// </summary>
public enum KernelPath
{
    /// <summary>Plain C#: the reference every other path equals.</summary>
    Scalar,
    /// <summary>256-bit vectors; int16 pair products with vpmaddwd.</summary>
    Avx2,
    /// <summary>
    /// 256-bit vectors with AVX-VNNI's vpdpbusd: four u8×s8 products added into each int32 per instruction (x + 128
    /// as the unsigned operand, 128·Σw taken back from the bias), twice the products of a vpmaddwd.
    /// </summary>
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
        // AvxVnni is marked preview in .NET 8's reference assemblies only; it is stable from .NET 9.
#pragma warning disable CA2252
        KernelPath.Vnni => AvxVnni.IsSupported,
#pragma warning restore CA2252
        KernelPath.Avx512 => Avx512BW.IsSupported && Avx512F.IsSupported,
        EmulatedVnni => Avx2.IsSupported,
        _ => false,
    };

    /// <summary>VNNI where the CPU has it (four products per lane), then AVX-512 (twice AVX2's lanes), AVX2,
    /// scalar.</summary>
    public static KernelPath Best { get; } =
        new[] { KernelPath.Vnni, KernelPath.Avx512, KernelPath.Avx2 }.FirstOrDefault(IsSupported, KernelPath.Scalar);

    /// <summary>
    /// The VNNI path's layout and arithmetic with vpdpbusd done by two AVX2 vpmaddwd: so that CPUs without VNNI
    /// test everything of that path but the one instruction. Not offered to users.
    /// </summary>
    internal const KernelPath EmulatedVnni = (KernelPath)100;

    /// <summary>Whether a path multiplies u8×s8 quads (VNNI) rather than int16 pairs.</summary>
    internal static bool UsesQuads(KernelPath path) => path is KernelPath.Vnni or EmulatedVnni;

    /// <summary>Every path this CPU runs, the scalar reference first.</summary>
    public static IReadOnlyList<KernelPath> Supported { get; } =
        Enum.GetValues<KernelPath>().Where(IsSupported).ToArray();
}
