using System.Text.RegularExpressions;

namespace Csk6Tools.Engine.Tests;

/// <summary>The product's code keeps the team's line length: 120 characters, except the text of multi-line raw
/// string literals (ModelPy's model.py, whose lines are what users get).</summary>
public partial class SourceStyleTests
{
    public const int MaxLine = 120;

    // A line that opens a multi-line raw string literal: its last token is three or more quotes.
    [GeneratedRegex("""(?<!")("{3,})\s*$""")]
    private static partial Regex RawOpening();

    [Fact]
    public void NoLineOfTheProductIsLongerThan120Characters()
    {
        var src = Path.Combine(Fixtures.Repository, "src");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")).ToList();
        Assert.True(files.Count > 100, $"Only {files.Count} source files under {src}.");
        var tooLong = files.SelectMany(f => LongLines(f).Select(n => $"{Path.GetRelativePath(src, f)}:{n}")).ToList();
        Assert.True(tooLong.Count == 0, $"Lines over {MaxLine} characters: {string.Join(", ", tooLong)}");
    }

    [Fact]
    public void RawStringTextIsExemptButTheCodeAroundItIsNot()
    {
        string file = Path.GetTempFileName();
        try
        {
            string longText = new('x', MaxLine + 5);
            File.WriteAllLines(file, ["var s = $$\"\"\"\"", longText, "\"\"\"\";", longText]);
            Assert.Equal([4], LongLines(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static IEnumerable<int> LongLines(string file)
    {
        string? closing = null;
        int number = 0;
        foreach (var line in File.ReadLines(file))
        {
            number++;
            if (closing is not null)
            {
                if (line.TrimStart().StartsWith(closing, StringComparison.Ordinal)) closing = null;
                continue;
            }
            if (line.Length > MaxLine) yield return number;
            if (RawOpening().Match(line) is { Success: true } m) closing = m.Groups[1].Value;
        }
    }
}
