using ScottPlot;

namespace Csk6Tools.Charts;

/// <summary>What every chart shares: colours, a sans-serif font, byte axes in KiB or MiB.</summary>
internal static class ChartStyle
{
    public static readonly Color Psram = Color.FromHex("#1f77b4");
    public static readonly Color ShareMem = Color.FromHex("#2ca02c");
    public static readonly Color Violation = Color.FromHex("#d62728");
    public static readonly Color Capacity = Color.FromHex("#8b0000");
    public static readonly Color Peak = Color.FromHex("#ff7f0e");
    public static readonly Color Muted = Color.FromHex("#7f7f7f");

    /// <summary>The stages of training, in order, with one colour each.</summary>
    public static readonly Color[] Stages = [Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"),
        Color.FromHex("#2ca02c")];

    private static readonly Lazy<string?> SansFont = new(() =>
        new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica" }
            .FirstOrDefault(f => SkiaSharp.SKFontManager.Default.MatchFamily(f) is not null));

    public static Plot NewPlot()
    {
        var plot = new Plot();
        if (SansFont.Value is { } font) plot.Font.Set(font);
        plot.Axes.Title.Label.FontSize = 16;
        return plot;
    }

    /// <summary>A horizontal line named where it starts or ends, inside the plot.</summary>
    public static void Level(Plot plot, double y, double x, string text, Color color, LinePattern pattern,
        Alignment alignment = Alignment.LowerRight)
    {
        plot.Add.HorizontalLine(y, 2, color, pattern);
        Note(plot, text, x, y, color, alignment);
    }

    /// <summary>A short note on the data, in a colour, on a white background so that lines do not cross it.</summary>
    public static void Note(Plot plot, string text, double x, double y, Color color, Alignment alignment)
    {
        var note = plot.Add.Text(text, x, y);
        note.LabelFontColor = color;
        note.LabelFontSize = 13;
        note.LabelBold = true;
        note.LabelAlignment = alignment;
        note.LabelBackgroundColor = Colors.White.WithAlpha(0.8);
        note.LabelPadding = 2;
    }

    /// <summary>Whole-number ticks on the horizontal axis (layers, operators, epochs).</summary>
    public static void IntegerTicks(Plot plot)
        => plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

    /// <summary>A unit that keeps a byte axis readable: KiB below 2 MiB, MiB above.</summary>
    public static (string Name, double Bytes) UnitFor(double maxBytes) => maxBytes >= 2 * 1048576.0
        ? ("MiB", 1048576.0)
        : ("KiB", 1024.0);

    public static string Bytes(long bytes) => bytes >= 2 * 1048576L
        ? $"{bytes / 1048576.0:0.00} MiB"
        : $"{bytes / 1024.0:0.#} KiB";
}
