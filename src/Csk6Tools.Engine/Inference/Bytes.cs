using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Csk6Tools.Engine.Inference;

/// <summary>Byte moves the kernels share: short row copies and sign extension to int32.</summary>
internal static class Bytes
{
    /// <summary>n bytes; the short rows of small maps without a call to memmove.</summary>
    public static void CopyRow(ref sbyte to, ref sbyte from, int n)
    {
        ref byte target = ref Unsafe.As<sbyte, byte>(ref to), source = ref Unsafe.As<sbyte, byte>(ref from);
        switch (n)
        {
            case 4: Unsafe.WriteUnaligned(ref target, Unsafe.ReadUnaligned<uint>(ref source)); break;
            case 8: Unsafe.WriteUnaligned(ref target, Unsafe.ReadUnaligned<ulong>(ref source)); break;
            case 16: Vector128.LoadUnsafe(ref source).StoreUnsafe(ref target); break;
            case 32: Vector256.LoadUnsafe(ref source).StoreUnsafe(ref target); break;
            default: Unsafe.CopyBlockUnaligned(ref target, ref source, (uint)n); break;
        }
    }

    /// <summary>Bytes j to j + 7, sign-extended.</summary>
    public static Vector256<int> Eight(ref sbyte source, int j)
    {
        long bytes = Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref source, j)));
        return Avx2.ConvertToVector256Int32(Vector128.CreateScalar(bytes).AsSByte());
    }
}
