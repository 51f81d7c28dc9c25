using System.Buffers.Binary;

namespace Csk6Tools.Engine.Package;

/// <summary>Fused activation of a Conv2dInt (act_type).</summary>
public enum FusedActivation : byte { None = 0, Relu = 1, Prelu = 2, Clip = 3 }

/// <summary>Conv2dIntAttrs (26 bytes): dilation, kernel, pads (top,
/// left, bottom, right), stride, group, quant type, activation.</summary>
public sealed record Conv2dAttributes(
    int KernelH, int KernelW, int StrideH, int StrideW, int DilationH, int DilationW,
    int PadTop, int PadLeft, int PadBottom, int PadRight, int Group, byte QuantType, FusedActivation Activation)
{
    public const int Size = 26;

    public static Conv2dAttributes Parse(ReadOnlySpan<byte> a)
    {
        if (a.Length < Size)
            throw new PackageFormatException(ErrorIds.PackageCorrupt,
                $"Conv2dInt attributes need {Size} bytes, the record has {a.Length}.");
        return new(BinaryPrimitives.ReadUInt16LittleEndian(a[4..]), BinaryPrimitives.ReadUInt16LittleEndian(a[6..]),
            a[16], a[17], a[0], a[1], a[10], a[11], a[12], a[13],
            BinaryPrimitives.ReadInt16LittleEndian(a[20..]), a[24], (FusedActivation)a[25]);
    }

    public byte[] ToBytes()
    {
        var a = new byte[Size];
        a[0] = (byte)DilationH; a[1] = (byte)DilationW;
        BinaryPrimitives.WriteUInt16LittleEndian(a.AsSpan(4), (ushort)KernelH);
        BinaryPrimitives.WriteUInt16LittleEndian(a.AsSpan(6), (ushort)KernelW);
        a[10] = (byte)PadTop; a[11] = (byte)PadLeft; a[12] = (byte)PadBottom; a[13] = (byte)PadRight;
        a[16] = (byte)StrideH; a[17] = (byte)StrideW;
        BinaryPrimitives.WriteInt16LittleEndian(a.AsSpan(20), (short)Group);
        a[24] = QuantType; a[25] = (byte)Activation;
        return a;
    }
}

/// <summary>PoolAttrs (14 bytes) of MaxPool and AvgPool2dInt.</summary>
public sealed record PoolAttributes(
    bool CeilMode, int KernelH, int KernelW, int StrideH, int StrideW,
    int PadTop, int PadLeft, int PadBottom, int PadRight, byte QuantType)
{
    public const int Size = 14;

    public static PoolAttributes Parse(ReadOnlySpan<byte> a)
    {
        if (a.Length < Size)
            throw new PackageFormatException(ErrorIds.PackageCorrupt,
                $"pool attributes need {Size} bytes, the record has {a.Length}.");
        return new(a[0] != 0, a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[12]);
    }

    public byte[] ToBytes()
    {
        var a = new byte[Size];
        a[0] = (byte)(CeilMode ? 1 : 0); a[1] = (byte)KernelH; a[2] = (byte)KernelW;
        a[3] = (byte)StrideH; a[4] = (byte)StrideW;
        a[5] = (byte)PadTop; a[6] = (byte)PadLeft; a[7] = (byte)PadBottom; a[8] = (byte)PadRight; a[12] = QuantType;
        return a;
    }
}

/// <summary>
/// LinearIntAttrs (20 bytes): alpha and beta (f32, which tpacker leaves at 0), transA, transB (i32), quant type.
/// tpacker writes transA 0 and transB 1, and stores the weight transposed ([in, out]) whatever transB says.
/// </summary>
public sealed record LinearAttributes(float Alpha, float Beta, bool TransA, bool TransB, byte QuantType)
{
    public const int Size = 20;

    public static LinearAttributes Parse(ReadOnlySpan<byte> a)
    {
        if (a.Length < Size)
            throw new PackageFormatException(ErrorIds.PackageCorrupt,
                $"LinearInt attributes need {Size} bytes, the record has {a.Length}.");
        return new(BinaryPrimitives.ReadSingleLittleEndian(a), BinaryPrimitives.ReadSingleLittleEndian(a[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(a[8..]) != 0,
            BinaryPrimitives.ReadInt32LittleEndian(a[12..]) != 0, a[16]);
    }

    public byte[] ToBytes()
    {
        var a = new byte[Size];
        BinaryPrimitives.WriteSingleLittleEndian(a, Alpha);
        BinaryPrimitives.WriteSingleLittleEndian(a.AsSpan(4), Beta);
        BinaryPrimitives.WriteInt32LittleEndian(a.AsSpan(8), TransA ? 1 : 0);
        BinaryPrimitives.WriteInt32LittleEndian(a.AsSpan(12), TransB ? 1 : 0);
        a[16] = QuantType;
        return a;
    }
}
