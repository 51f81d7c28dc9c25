using Csk6Tools.Engine;
using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Deploy;
using ScottPlot;

namespace Csk6Tools.Charts;

/// <summary>
/// A SHARE_MEM plan as tpacker's memory report would look drawn: each tensor a rectangle from the first to the last
/// operator that needs it (across) at its offset in the arena (up), the arena's size, the capacity, and the peak
/// (the operator with the most bytes live) marked.
/// </summary>
internal static class ShareMemPlanChart
{
    private static readonly (TensorKind Kind, string Label, Color Color)[] Kinds =
    [
        (TensorKind.Input, "input", Color.FromHex("#9467bd")),
        (TensorKind.Activation, "activation", Color.FromHex("#1f77b4")),
        (TensorKind.Output, "output", Color.FromHex("#17becf")),
        (TensorKind.Workspace, "workspace", Color.FromHex("#ff7f0e")),
        (TensorKind.DmaBuffer, "DMA buffer", Color.FromHex("#8c564b")),
    ];

    public static IReadOnlyList<Plot> Panels(MemoryPlan plan, string title, long? capacity)
    {
        if (plan.Tensors.Count == 0)
            throw new ChartException(ErrorIds.ChartNoData, "The SHARE_MEM plan has no tensors to draw.");
        var plot = ChartStyle.NewPlot();
        double top = Math.Max(plan.Bytes, capacity ?? 0);
        var (unit, scale) = ChartStyle.UnitFor(top);
        foreach (var t in plan.Tensors.Where(t => t.Bytes > 0))
        {
            var color = Kinds.First(k => k.Kind == t.Kind).Color;
            var r = plot.Add.Rectangle(t.Begin - 0.45, t.End + 0.45, t.Offset / scale, (t.Offset + t.Bytes) / scale);
            r.FillColor = color.WithAlpha(0.55);
            r.LineColor = color.Darken(0.3);
            r.LineWidth = 0.75f;
        }

        int ops = plan.Tensors.Max(t => t.End) + 1;
        ChartStyle.Level(plot, plan.Bytes / scale, ops - 1, $"arena {ChartStyle.Bytes(plan.Bytes)}",
            Colors.Black, LinePattern.Solid);
        if (capacity is long c)
            ChartStyle.Level(plot, c / scale, 0, $"capacity {ChartStyle.Bytes(c)}", ChartStyle.Capacity,
                LinePattern.Dashed, Alignment.LowerLeft);
        plot.Add.VerticalLine(plan.PeakOp, 2, ChartStyle.Peak, LinePattern.Dashed);
        ChartStyle.Note(plot, $"peak: op {plan.PeakOp}, {ChartStyle.Bytes(plan.LowerBound)} live", plan.PeakOp,
            plan.Bytes / scale * 1.04,
            ChartStyle.Peak, plan.PeakOp < ops / 2 ? Alignment.LowerLeft : Alignment.LowerRight);

        foreach (var (kind, label, color) in Kinds.Where(k => plan.Tensors.Any(t => t.Kind == k.Kind)))
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = label, FillColor = color.WithAlpha(0.55), OutlineColor = color.Darken(0.3)
            });
        plot.ShowLegend(Alignment.UpperRight);

        plot.Title($"{title}: {plan.Tensors.Count} tensors over {ops} operators ({plan.Planner})");
        plot.XLabel("operator index");
        plot.YLabel($"offset in SHARE_MEM ({unit})");
        plot.Axes.SetLimits(-1, ops, 0, top / scale * 1.12);
        ChartStyle.IntegerTicks(plot);
        return [plot];
    }
}
