using System.Globalization;

namespace Csk6Tools.Engine.Budget;

internal static class ByteUnits
{
    public static string MiB(long bytes) => (bytes / 1048576.0).ToString("0.00", CultureInfo.InvariantCulture) + " MiB";
    public static string KiB(long bytes) => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KiB";
}
