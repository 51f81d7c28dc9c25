using Csk6Tools.Engine;
using Csk6Tools.Engine.Model;
using ScottPlot;

namespace Csk6Tools.Charts;

/// <summary>
/// A model's training history as two panels over the epochs of all stages in order (float, constrained, QAT):
/// the mean training loss, and the training and test accuracy, one colour per stage.
/// </summary>
internal static class HistoryChart
{
    public static IReadOnlyList<Plot> Panels(Csk6Model model)
    {
        var history = model.History;
        if (history.Count == 0)
            throw new ChartException(ErrorIds.ChartNoData,
                $"Model '{model.Name}' has no training history: train it (Invoke-ModelTraining …) first.");
        var x = Enumerable.Range(1, history.Count).Select(i => (double)i).ToArray();
        var stages = history.Select((e, i) => (e.Stage, i))
            .GroupBy(p => p.Stage)
            .Select(g => (Stage: g.Key, Index: g.Select(p => p.i).ToArray()))
            .ToList();

        var loss = ChartStyle.NewPlot();
        var accuracy = ChartStyle.NewPlot();
        foreach (var (stage, index) in stages)
        {
            var color = ChartStyle.Stages[(int)stage % ChartStyle.Stages.Length];
            double[] xs = index.Select(i => x[i]).ToArray();
            Line(loss, xs, index.Select(i => history[i].Loss).ToArray(), color, $"{stage} loss", LinePattern.Solid);
            Line(accuracy, xs, index.Select(i => 100 * history[i].Accuracy).ToArray(), color,
                $"{stage} training", LinePattern.Solid);
            var tested = index.Where(i => history[i].TestAccuracy is not null).ToArray();
            if (tested.Length > 0)
                Line(accuracy, tested.Select(i => x[i]).ToArray(),
                    tested.Select(i => 100 * history[i].TestAccuracy!.Value).ToArray(), color,
                    $"{stage} test", LinePattern.Dashed);
        }
        foreach (var plot in new[] { loss, accuracy })
        {
            foreach (var (_, index) in stages.Skip(1))
                plot.Add.VerticalLine(x[index[0]] - 0.5, 1, ChartStyle.Muted, LinePattern.Dotted);
            plot.XLabel("epoch (all stages in order)");
            plot.Axes.SetLimitsX(0.5, history.Count + 0.5);
            ChartStyle.IntegerTicks(plot);
            plot.ShowLegend(Alignment.UpperRight);
        }
        double? last = model.Accuracy;
        loss.Title($"{model.Name}: training " +
            $"({string.Join(", ", stages.Select(s => $"{s.Stage} {s.Index.Length} epoch(s)"))})");
        loss.YLabel("mean training loss");
        loss.Axes.SetLimitsY(0, history.Max(e => e.Loss) * 1.1);
        accuracy.Title(last is double a ? $"accuracy (last: {100 * a:0.00} %)" : "accuracy");
        accuracy.YLabel("top-1 accuracy (%)");
        accuracy.Axes.SetLimitsY(0, 100);
        accuracy.ShowLegend(Alignment.LowerRight);
        return [loss, accuracy];
    }

    private static void Line(Plot plot, double[] xs, double[] ys, Color color, string label, LinePattern pattern)
    {
        var s = plot.Add.Scatter(xs, ys, color);
        s.LegendText = label;
        s.LineWidth = 2;
        s.MarkerSize = 6;
        s.LinePattern = pattern;
    }
}
