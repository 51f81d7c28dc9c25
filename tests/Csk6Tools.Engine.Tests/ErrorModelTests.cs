using System.Reflection;
using Csk6Tools.Engine.Data;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Tests;

/// <summary>One error model: every engine exception is a <see cref="Csk6Exception"/> whose id is in
/// <see cref="ErrorIds"/>.</summary>
public class ErrorModelTests
{
    private static readonly string[] Ids = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToArray();

    [Fact]
    public void EveryEngineExceptionIsACsk6Exception()
    {
        var exceptions = typeof(Csk6Exception).Assembly.GetTypes()
            .Where(t => typeof(Exception).IsAssignableFrom(t))
            .ToList();
        Assert.True(exceptions.Count >= 9, $"found only {exceptions.Count} exception types");
        Assert.All(exceptions, t => Assert.True(typeof(Csk6Exception).IsAssignableFrom(t),
            $"{t.FullName} does not derive from Csk6Exception"));
    }

    [Fact]
    public void EveryIdIsItsConstantsNameAndUnique()
    {
        var names = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => f.Name);
        Assert.Equal(names, Ids);
        Assert.Equal(Ids.Length, Ids.Distinct().Count());
    }

    [Fact]
    public void ExceptionsCarryTheirIdCategoryAndTarget()
    {
        var graph = new GraphException("bad", "conv1");
        Assert.Equal((ErrorIds.InvalidGraph, Csk6ErrorCategory.InvalidData, (object?)"conv1"),
            (graph.ErrorId, graph.Category, graph.Target));
        var missing = new DatasetException(ErrorIds.DatasetFileNotFound, "gone", "/data/x");
        Assert.Equal((Csk6ErrorCategory.ObjectNotFound, (object?)"/data/x"), (missing.Category, missing.Target));
        Assert.Equal(Csk6ErrorCategory.LimitsExceeded,
            new PackException(ErrorIds.PackageOverCapacity, "too big").Category);
        Assert.Equal(Csk6ErrorCategory.InvalidData,
            new PackageFormatException(ErrorIds.PackageTruncated, "short").Category);
        Assert.Contains(ErrorIds.TrainingUnsupportedOperator, Ids);
        Assert.DoesNotContain("UnsupportedOperator", Ids);
    }
}
