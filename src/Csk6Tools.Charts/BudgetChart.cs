using Csk6Tools.Engine.Budget;
using ScottPlot;

namespace Csk6Tools.Charts;

/// <summary>
/// A budget as two panels over the layers (x: the index into <c>.Layers</c>): PSRAM, each layer's packed constants
/// and their running total against the capacity; SHARE_MEM, the bytes live while each layer runs against the planned
/// arena and the capacity. The layers a violation names are red, numbered, and listed with their rule.
/// </summary>
internal static class BudgetChart
{
    private const int MaxListed = 6;

    public static IReadOnlyList<Plot> Panels(ModelBudget b)
    {
        var violations = b.Violations.GroupBy(v => v.Layer)
            .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(v => v.Rule).Distinct()));
        return [Psram(b, violations), ShareMem(b, violations)];
    }

    private static Plot Psram(ModelBudget b, Dictionary<string, string> violations)
    {
        var plot = ChartStyle.NewPlot();
        var (unit, scale) = ChartStyle.UnitFor(Math.Max(b.PsramBytes, b.PsramCapacity));
        var layers = b.Layers;
        plot.Add.Bars(Bars(layers, l => l.WeightBytes / scale, l => violations.ContainsKey(l.Name), ChartStyle.Psram))
            .LegendText = "the layer's constants";

        double running = 0;
        var total = layers.Select(l => running += l.WeightBytes / scale).ToArray();
        var line = plot.Add.ScatterLine(Enumerable.Range(0, layers.Count).Select(i => (double)i).ToArray(),
            total, ChartStyle.Muted);
        line.LineWidth = 2;
        line.LegendText = "running total";

        double capacity = b.PsramCapacity / scale;
        ChartStyle.Level(plot, capacity, 0, $"capacity {ChartStyle.Bytes(b.PsramCapacity)}", ChartStyle.Capacity,
            LinePattern.Dashed, Alignment.LowerLeft);
        int full = Array.FindIndex(total, t => t > capacity);
        if (full >= 0)
        {
            plot.Add.VerticalLine(full, 1.5f, ChartStyle.Violation, LinePattern.Dotted);
            ChartStyle.Note(plot, $"full at layer {full}", full, capacity * 0.96,
                ChartStyle.Violation, Alignment.UpperRight);
        }
        Number(plot, layers, violations, l => l.WeightBytes / scale);
        if (violations.Count > 0)
        {
            var listed = layers.Select((l, i) => (l, i)).Where(x => violations.ContainsKey(x.l.Name)).ToList();
            var lines = listed.Take(MaxListed).Select(x => $"{x.i}  {x.l.Name}: {violations[x.l.Name]}").ToList();
            if (listed.Count > MaxListed) lines.Add($"… and {listed.Count - MaxListed} more (see .Violations)");
            var box = plot.Add.Annotation($"Violations\n{string.Join("\n", lines)}", Alignment.UpperCenter);
            box.LabelFontColor = ChartStyle.Violation;
            box.LabelFontSize = 13;
            box.LabelBackgroundColor = Colors.White.WithAlpha(0.9);
            box.LabelBorderColor = ChartStyle.Violation;
        }

        plot.Title($"{b.Model}: PSRAM {ChartStyle.Bytes(b.PsramBytes)} of " +
            $"{ChartStyle.Bytes(b.PsramCapacity)}{(b.PsramBytes > b.PsramCapacity ? " (does not fit)" : "")}");
        plot.YLabel($"PSRAM ({unit})");
        plot.XLabel("layer (index into .Layers)");
        plot.Axes.SetLimits(-1, layers.Count, 0, Math.Max(total.DefaultIfEmpty(0).Max(), capacity) * 1.15);
        ChartStyle.IntegerTicks(plot);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static Plot ShareMem(ModelBudget b, Dictionary<string, string> violations)
    {
        var plot = ChartStyle.NewPlot();
        var (unit, scale) = ChartStyle.UnitFor(Math.Max(b.ShareMemBytes, b.ShareMemCapacity));
        var layers = b.Layers;
        plot.Add.Bars(
            Bars(layers, l => l.ShareMemBytes / scale, l => violations.ContainsKey(l.Name), ChartStyle.ShareMem))
            .LegendText = "live while the layer runs (activations, workspace, DMA buffers)";
        ChartStyle.Level(plot, b.ShareMemBytes / scale, 0,
            $"planned arena {ChartStyle.Bytes(b.ShareMemBytes)} ({b.ShareMemPlan.Planner})",
            Colors.Black, LinePattern.Solid, Alignment.LowerLeft);
        ChartStyle.Level(plot, b.ShareMemCapacity / scale, 0,
            $"capacity {ChartStyle.Bytes(b.ShareMemCapacity)}", ChartStyle.Capacity,
            LinePattern.Dashed, Alignment.LowerLeft);
        Number(plot, layers, violations, l => l.ShareMemBytes / scale);

        plot.Title($"SHARE_MEM {ChartStyle.Bytes(b.ShareMemBytes)} of " +
            $"{ChartStyle.Bytes(b.ShareMemCapacity)}{(b.ShareMemBytes > b.ShareMemCapacity ? " (does not fit)" : "")}");
        plot.YLabel($"SHARE_MEM ({unit})");
        plot.XLabel("layer (index into .Layers)");
        plot.Axes.SetLimits(-1, layers.Count, 0, Math.Max(b.ShareMemBytes, b.ShareMemCapacity) / scale * 1.25);
        ChartStyle.IntegerTicks(plot);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static List<Bar> Bars(IReadOnlyList<LayerBudget> layers, Func<LayerBudget, double> value,
        Func<LayerBudget, bool> bad, Color color)
        => layers.Select((l, i) => new Bar
        {
            Position = i,
            Value = value(l),
            FillColor = bad(l) ? ChartStyle.Violation : color,
            LineWidth = 0,
            Size = 0.8,
        }).ToList();

    /// <summary>The index above each violating layer's bar, to find it in the list and in <c>.Layers</c>.</summary>
    private static void Number(Plot plot, IReadOnlyList<LayerBudget> layers, Dictionary<string, string> violations,
        Func<LayerBudget, double> value)
    {
        foreach (var (l, i) in layers.Select((l, i) => (l, i)).Where(x => violations.ContainsKey(x.l.Name)))
        {
            var text = plot.Add.Text($"{i}", i, value(l));
            text.LabelFontColor = ChartStyle.Violation;
            text.LabelFontSize = 12;
            text.LabelBold = true;
            text.LabelAlignment = Alignment.LowerCenter;
        }
    }
}
