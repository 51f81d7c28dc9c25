using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Onnx;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Tests.Budget;

/// <summary>Get-ModelBudget on a quantized model lowers it with its exponents, as New-Csk6Package does: the same
/// figures.</summary>
public class QuantizedBudgetTests
{
    [Theory]
    [InlineData("tpacker-oracle", "r50_dw_w025_fm.linger.onnx", 318_464, 268_288)] // adds rescaling both inputs
    [InlineData("tpacker-oracle", "r18_dw_stem_fm.linger.onnx", 193_024, 167_936)]
    [InlineData("thinker-demo", "resnet18-12-regular.onnx", 347_536, 347_536)]
    public void BudgetIsThePackages(string folder, string file, long shareMem, long assumingOneRescaledInput)
    {
        var model = ModelImporter.Import(folder == "thinker-demo" ? Fixtures.Path(file) : Fixtures.In(folder, file));
        var budget = BudgetCalculator.Measure(model);
        var report = PackageBuilder.Build(model).Report;
        Assert.Equal(report.Regions.Single(r => r.Region == MemoryKind.Psram).Bytes, budget.PsramBytes);
        Assert.Equal(report.ShareMemPlan.Bytes, budget.ShareMemBytes);
        Assert.Equal(report.ShareMemPlan.Candidates, budget.ShareMemPlan.Candidates);
        Assert.Equal(report.ShareMemPlan.Tensors, budget.ShareMemPlan.Tensors);
        Assert.Equal(shareMem, budget.ShareMemBytes);
        // the graph alone: before QAT
        Assert.Equal(assumingOneRescaledInput, BudgetCalculator.Measure(model.Graph).ShareMemBytes);
    }
}
