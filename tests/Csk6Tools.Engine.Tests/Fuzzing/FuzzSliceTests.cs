using Csk6Tools.Fuzz;

namespace Csk6Tools.Engine.Tests.Fuzzing;

/// <summary>
/// CI's slice of bench/fuzz.ps1: 2,000 mutated inputs per parser with a fixed seed, through the same harness. Every
/// case must succeed or raise a documented error with a stable id, within its time limit and allocation cap.
/// </summary>
public class FuzzSliceTests(Xunit.Abstractions.ITestOutputHelper log)
{
    public static TheoryData<string> Targets => new(FuzzTarget.All().Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Targets))]
    public void TwoThousandMutationsGiveOnlyDocumentedErrors(string name)
    {
        var target = FuzzTarget.All(Repository).Single(t => t.Name == name);
        var report = FuzzRunner.Run(target, new FuzzOptions { Cases = 2000, Seed = 14 });
        log.WriteLine(report.ToString());
        Assert.True(report.Findings.Count == 0,
            string.Join("\n\n", report.Findings.Take(3).Select(f => $"case {f.Case}, {f.Kind}: {f.Detail}")));
        Assert.True(report.Outcomes.GetValueOrDefault("ok") > 0,
            "no mutated input was still readable: the seeds are not reaching the parser");
        Assert.True(report.Outcomes.Count >= 2, "the mutations reach no error at all");
    }

    private static string? Repository
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Csk6Tools.sln"))) return dir.FullName;
            return null;
        }
    }
}
