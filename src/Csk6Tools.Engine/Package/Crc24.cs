namespace Csk6Tools.Engine.Package;

/// <summary>thinker's CRC-24: polynomial 0x800063 processed
/// reflected (table from 0xC60001), init 0, no final XOR.</summary>
public static class Crc24
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ 0xC60001u : c >> 1;
            table[i] = c;
        }
        return table;
    }

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        foreach (byte b in data) crc = (crc >> 8) ^ Table[(crc ^ b) & 0xFF];
        return crc & 0xFFFFFF;
    }
}
