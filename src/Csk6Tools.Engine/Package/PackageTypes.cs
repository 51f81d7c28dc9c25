namespace Csk6Tools.Engine.Package;

/// <summary>Where a tensor lives (thinker MemType).</summary>
public enum MemoryKind : byte { Flash = 0, Psram = 1, ShareMem = 2, Uncertain = 3 }

/// <summary>Tensor storage order (thinker layout codes).</summary>
public enum TensorLayout : byte { Nchw = 0, Nhwc = 1, Ncwh = 2, Nhwc8 = 3, Nwhc8 = 4, Nhwc16 = 5 }

/// <summary>The two incompatible package layouts: thinker v2.1.1 (test_thinker v2) and thinker 3.x.</summary>
public enum PackageLayout { V2, V3 }

/// <summary>thinker element types: (type letter &lt;&lt; 8) | bytes.</summary>
public enum ThinkerDType : ushort
{
    Int4 = 0x6801, Int4V3 = 0x6900,
    Int8 = 0x6901, Int16 = 0x6902, Int32 = 0x6904, Int64 = 0x6908,
    UInt8 = 0x7501, UInt16 = 0x7502, UInt32 = 0x7504, UInt64 = 0x7508,
    Float16 = 0x6602, Float32 = 0x6604, Float64 = 0x6608, Bool = 0x6201,
}

/// <summary>One entry of the memory list: a parameter blob or a runtime arena.</summary>
public sealed record PackageMemory(int Index, MemoryKind Kind, long Size, bool IsParameterBlob)
{
    public override string ToString() => $"{Kind} {Size:N0} B{(IsParameterBlob ? " of parameters" : "")}";
}

/// <summary>One tensor record. <see cref="InArena"/>: in the runtime
/// arena (mem_id 1) rather than the parameter blob.</summary>
public sealed record PackageTensor(
    int Index, string Name, MemoryKind Memory, bool InArena, ThinkerDType DType, float Scale,
    int[] Shape, long Offset, TensorLayout Layout)
{
    /// <summary>The power-of-two exponent Q (value = q / 2^Q), or null for tensors without a scale.</summary>
    public int? Exponent => Scale < 0 ? null : (int)Scale;
    public int ElementSize => Math.Max(1, (ushort)DType & 0xF);
    public long Elements => Shape.Aggregate(1L, (a, d) => a * d);
    public long Bytes => Elements * ElementSize;
    public override string ToString() => $"{Index} {Name} {DType} ({string.Join(", ", Shape)})";
}

/// <summary>One operator record in execution order; <see cref="Attributes"/> are the raw attribute bytes.</summary>
public sealed record PackageOperator(
    int Index, string Type, byte[] Attributes, int[] Inputs, int[] Outputs, int[] Temps, byte Device)
{
    public override string ToString() => $"{Index} {Type} ({string.Join(", ", Inputs)}) -> " +
        $"({string.Join(", ", Outputs)})";
}

/// <summary>A parameter blob: where its bytes start in the file.</summary>
public sealed record PackageParameterBlob(MemoryKind Memory, long FileOffset, long Size)
{
    public override string ToString() => $"{Memory} {Size:N0} B at file offset {FileOffset:N0}";
}

/// <summary>A DMA record: the op's constants copied from PSRAM into a share-memory buffer before it runs.</summary>
public sealed record PackageDma(MemoryKind SourceMemory, MemoryKind DestinationMemory, int SourceTensor,
    int DestinationTensor, long Bytes)
{
    public override string ToString() => $"{SourceMemory} {SourceTensor} → {DestinationMemory} " +
        $"{DestinationTensor}, {Bytes:N0} B";
}

/// <summary>A graph input or output: tensor id and name.</summary>
public sealed record PackageIO(int Tensor, string Name)
{
    public override string ToString() => $"{Tensor} {Name}";
}
