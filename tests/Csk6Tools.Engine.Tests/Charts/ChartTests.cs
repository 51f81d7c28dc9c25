using Csk6Tools.Engine;
using Csk6Tools.Charts;
using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Package;
using Csk6Tools.Engine.Transforms;
using Csk6Tools.Engine.Zoo;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Csk6Tools.Engine.Tests.Charts;

/// <summary>Charts rendered to PNG and decoded again: the size asked for, real content, violations in their
/// colour.</summary>
public class ChartTests
{
    private static readonly Rgb24 White = new(255, 255, 255), ViolationRed = new(0xd6, 0x27, 0x28);

    private static ModelBudget Budget(bool depthwise)
    {
        var graph = ResNet.Create(new ResNetOptions());
        return BudgetCalculator.Measure(depthwise ? DepthwiseConverter.Convert(graph).Model : graph);
    }

    private static Csk6Model Trained()
    {
        var history = new List<EpochRecord>();
        for (int e = 1; e <= 6; e++)
            history.Add(new EpochRecord(ModelStage.Float, e, 2.0 / e, 0.3 + 0.1 * e, 0.25 + 0.1 * e, 0.1, 10));
        history.Add(new EpochRecord(ModelStage.Constrained, 1, 0.45, 0.86, 0.84, 0.01, 10));
        for (int e = 1; e <= 2; e++)
            history.Add(new EpochRecord(
                ModelStage.Quantized, e, 0.5 - 0.05 * e, 0.85 + 0.01 * e, 0.83 + 0.01 * e, 0.005, 12));
        return Csk6Model.FromGraph(ResNet.Create(new ResNetOptions { Width = 0.125, Classes = 10 })) with
        {
            History = history,
        };
    }

    /// <summary>Decodes the PNG: its size, the share of pixels that are not white, the distinct colours, the pixels of
    /// one colour.</summary>
    private static (int Width, int Height, double Inked, int Colours, int Matching) Inspect(byte[] png, Rgb24 colour)
    {
        using var image = Image.Load<Rgb24>(png);
        int inked = 0, matching = 0;
        var colours = new HashSet<Rgb24>();
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
                foreach (var p in rows.GetRowSpan(y))
                {
                    if (!p.Equals(White)) inked++;
                    if (p.Equals(colour)) matching++;
                    colours.Add(p);
                }
        });
        return (image.Width, image.Height, (double)inked / (image.Width * image.Height), colours.Count, matching);
    }

    [Fact]
    public void ABudgetThatDoesNotFitShowsItsViolatingLayerInRed()
    {
        var budget = Budget(depthwise: false);
        Assert.False(budget.Fits);
        using var chart = Chart.For(budget);
        Assert.Equal(ChartKind.Budget, chart.Kind);
        var png = Inspect(chart.Render(ChartFormat.Png, 1200, 800), ViolationRed);
        Assert.Equal((1200, 800), (png.Width, png.Height));
        Assert.InRange(png.Inked, 0.03, 0.6);
        Assert.True(png.Colours > 50, $"{png.Colours} colours");
        Assert.True(png.Matching > 200, $"{png.Matching} red pixels");
    }

    [Fact]
    public void ABudgetThatFitsHasNoRedBar()
    {
        using var chart = Chart.For(Budget(depthwise: true));
        var png = Inspect(chart.Render(ChartFormat.Png, 900, 600), ViolationRed);
        Assert.Equal((900, 600), (png.Width, png.Height));
        Assert.InRange(png.Inked, 0.03, 0.6);
        Assert.Equal(0, png.Matching);
    }

    [Fact]
    public void TheShareMemPlanOfABudgetAndOfAPackage()
    {
        using var chart = Chart.For(Budget(depthwise: true), ChartKind.ShareMemPlan);
        var png = Inspect(chart.Render(ChartFormat.Png), ViolationRed);
        Assert.Equal((Chart.DefaultWidth, Chart.DefaultHeight), (png.Width, png.Height));
        Assert.InRange(png.Inked, 0.05, 0.8);
        Assert.True(png.Colours > 50);
    }

    [Fact]
    public void LISTENAIsPackageHasAPlanPicture()
    {
        using var chart = Chart.For(ThinkerPackage.Read(Fixtures.Path("resnet18_v2_model.bin")));
        Assert.Equal(ChartKind.ShareMemPlan, chart.Kind);
        var png = Inspect(chart.Render(ChartFormat.Png, 1000, 700), ViolationRed);
        Assert.InRange(png.Inked, 0.05, 0.8);
    }

    [Fact]
    public void AModelsHistoryAsPngAndSvg()
    {
        using var chart = Chart.For(Trained());
        Assert.Equal(ChartKind.History, chart.Kind);
        var png = Inspect(chart.Render(ChartFormat.Png, 800, 900), ViolationRed);
        Assert.Equal((800, 900), (png.Width, png.Height));
        Assert.InRange(png.Inked, 0.03, 0.6);
        string svg = System.Text.Encoding.UTF8.GetString(chart.Render(ChartFormat.Svg, 800, 900));
        Assert.Contains("<svg", svg);
        Assert.Contains("width=\"800\"", svg);
        Assert.Contains("</svg>", svg);
    }

    [Fact]
    public void WhatCannotBeDrawnSaysWhy()
    {
        Assert.Equal(ErrorIds.ChartInputNotSupported,
            Assert.Throws<ChartException>(() => Chart.For("model.bin")).ErrorId);
        var kind = Assert.Throws<ChartException>(() => Chart.For(Trained(), ChartKind.Budget));
        Assert.Equal(ErrorIds.ChartKindNotSupported, kind.ErrorId);
        Assert.Contains("has: History", kind.Message);
        Assert.Equal(ErrorIds.ChartNoData,
            Assert.Throws<ChartException>(() => Chart.For(Trained() with { History = [] })).ErrorId);
        Assert.Equal(ErrorIds.ChartFormatNotSupported,
            Assert.Throws<ChartException>(() => Chart.FormatOf("x.jpg")).ErrorId);
        Assert.Equal(ChartFormat.Svg, Chart.FormatOf("x.SVG"));
    }

    [Fact]
    public void WritesThroughTheAtomicWriter()
    {
        string path = Path.Combine(Path.GetTempPath(), $"csk6-chart-{Guid.NewGuid():N}.png");
        try
        {
            using var chart = Chart.For(Trained());
            chart.Write(path, 640, 480);
            Assert.Equal((640, 480), (Image.Identify(path).Width, Image.Identify(path).Height));
            Assert.Empty(Directory.EnumerateFiles(Path.GetTempPath(), $".{Path.GetFileName(path)}.*.tmp"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
