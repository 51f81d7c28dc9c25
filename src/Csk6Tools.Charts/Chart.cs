using Csk6Tools.Engine;
using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Package;
using ScottPlot;
using SkiaSharp;

namespace Csk6Tools.Charts;

/// <summary>Budget: bytes per layer against the capacities. ShareMemPlan: the arena's tensors over the operators.
/// History: loss and accuracy per epoch.</summary>
public enum ChartKind { Budget, ShareMemPlan, History }

public enum ChartFormat { Png, Svg }

/// <summary>
/// A picture of an object users already have: a <see cref="ModelBudget"/> (Budget, ShareMemPlan), a
/// <see cref="ThinkerPackage"/> (ShareMemPlan) or a trained <see cref="Csk6Model"/> (History). One or more panels,
/// stacked top to bottom, rendered to PNG or SVG.
/// </summary>
public sealed class Chart : IDisposable
{
    public const int DefaultWidth = 1200, DefaultHeight = 800;

    private readonly IReadOnlyList<Plot> _panels;

    private Chart(ChartKind kind, IReadOnlyList<Plot> panels)
    {
        Kind = kind;
        _panels = panels;
    }

    public ChartKind Kind { get; }

    /// <summary>The kinds an object has, its default first; empty for an object without charts.</summary>
    public static IReadOnlyList<ChartKind> KindsOf(object input) => input switch
    {
        ModelBudget => [ChartKind.Budget, ChartKind.ShareMemPlan],
        ThinkerPackage => [ChartKind.ShareMemPlan],
        Csk6Model => [ChartKind.History],
        _ => [],
    };

    public static Chart For(object input, ChartKind? kind = null)
    {
        var kinds = KindsOf(input);
        if (kinds.Count == 0)
            throw new ChartException(ErrorIds.ChartInputNotSupported,
                $"There is no chart of a {input.GetType().Name}: give a budget (Get-ModelBudget), a package " +
                $"(New-Csk6Package, Get-Csk6Package) or a trained model.");
        var chosen = kind ?? kinds[0];
        if (!kinds.Contains(chosen))
            throw new ChartException(ErrorIds.ChartKindNotSupported,
                $"A {input.GetType().Name} has no {chosen} chart; it has: {string.Join(", ", kinds)}.");
        return new Chart(chosen, (input, chosen) switch
        {
            (ModelBudget b, ChartKind.Budget) => BudgetChart.Panels(b),
            (ModelBudget b, ChartKind.ShareMemPlan) =>
                ShareMemPlanChart.Panels(b.ShareMemPlan, $"{b.Model}: SHARE_MEM plan", b.ShareMemCapacity),
            (ThinkerPackage p, _) => ShareMemPlanChart.Panels(p.Report?.ShareMemPlan ?? PackageMemoryPlan.Read(p),
                $"{(p.Path is null ? "package" : System.IO.Path.GetFileName(p.Path))}: SHARE_MEM plan",
                p.Report?.Regions.FirstOrDefault(r => r.Region == MemoryKind.ShareMem)?.Capacity),
            (Csk6Model m, _) => HistoryChart.Panels(m),
            _ => throw new InvalidOperationException(),
        });
    }

    /// <summary>PNG or SVG from the file name's extension.</summary>
    public static ChartFormat FormatOf(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => ChartFormat.Png,
        ".svg" => ChartFormat.Svg,
        var other => throw new ChartException(ErrorIds.ChartFormatNotSupported,
            $"'{path}': charts are written as .png or .svg, not '{other}'."),
    };

    public byte[] Render(ChartFormat format, int width = DefaultWidth, int height = DefaultHeight)
    {
        if (width < 100 || height < 100 || width > 10_000 || height > 10_000)
            throw new ArgumentOutOfRangeException(nameof(width),
                $"A chart is 100 to 10,000 pixels wide and high, not {width}×{height}.");
        if (format == ChartFormat.Svg)
        {
            using var stream = new MemoryStream();
            using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream))
                Draw(canvas, width, height);
            return stream.ToArray();
        }
        using var surface = SKSurface.Create(new SKImageInfo(width, height))
            ?? throw new InvalidOperationException("SkiaSharp could not create a surface.");
        Draw(surface.Canvas, width, height);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Renders to <paramref name="path"/> (.png or .svg) through the atomic writer.</summary>
    public void Write(string path, int width = DefaultWidth, int height = DefaultHeight)
        => AtomicFile.Write(path, Render(FormatOf(path), width, height));

    private void Draw(SKCanvas canvas, int width, int height)
    {
        canvas.Clear(SKColors.White);
        float panelHeight = (float)height / _panels.Count;
        for (int i = 0; i < _panels.Count; i++)
        {
            // A plot paints its figure background over the whole canvas: clip each panel to its band.
            canvas.Save();
            canvas.ClipRect(new SKRect(0, i * panelHeight, width, (i + 1) * panelHeight));
            _panels[i].Render(canvas, new PixelRect(0, width, (i + 1) * panelHeight, i * panelHeight));
            canvas.Restore();
        }
    }

    public void Dispose()
    {
        foreach (var p in _panels) p.Dispose();
    }
}
