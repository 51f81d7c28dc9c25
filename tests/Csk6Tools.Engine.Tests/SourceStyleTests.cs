using System.Text.RegularExpressions;

namespace Csk6Tools.Engine.Tests;

/// <summary>The code keeps the team's line length: 120 characters in the C# and PowerShell files of the checked
/// folders, except the text of multi-line raw string literals (ModelPy's model.py, whose lines are what users get),
/// the text of PowerShell here-strings (a script a test writes out) and the few lines listed in
/// <see cref="Allowed"/>.</summary>
public partial class SourceStyleTests
{
    public const int MaxLine = 120;

    /// <summary>The folders whose lines are checked, relative to the repository.</summary>
    public static readonly string[] Checked = ["src", "bench", "tests"];

    /// <summary>Long lines allowed by file (relative to the repository, '/'-separated) and exact content.</summary>
    private static readonly (string File, string Line)[] Allowed =
    [
        // A Pester test name (the It string) is what the suite reports: wrapping it would rename the test.
        ("tests/Pester/Training.Tests.ps1",
            "    It 'stops on Ctrl+C mid-epoch with a loadable checkpoint, and -Resume ends with the weights of an " +
            "uninterrupted run' {"),
    ];

    // A line that opens a multi-line raw string literal: its last token is three or more quotes.
    [GeneratedRegex("""(?<!")("{3,})\s*$""")]
    private static partial Regex RawOpening();

    // A line that opens a PowerShell here-string: it ends with @" or @'.
    [GeneratedRegex("""@(["'])\s*$""")]
    private static partial Regex HereStringOpening();

    [Fact]
    public void NoLineOfTheCheckedFoldersIsLongerThan120Characters()
    {
        var tooLong = new List<string>();
        foreach (var folder in Checked)
        {
            var root = Path.Combine(Fixtures.Repository, folder);
            var files = Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".ps1", StringComparison.Ordinal))
                .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar)
                    .Any(part => part is "bin" or "obj"))
                .ToList();
            Assert.True(files.Count > 5, $"Only {files.Count} source files under {root}.");
            foreach (var file in files)
            {
                string relative = Path.GetRelativePath(Fixtures.Repository, file).Replace('\\', '/');
                var lines = File.ReadAllLines(file);
                tooLong.AddRange(LongLines(file)
                    .Where(n => !Allowed.Contains((relative, lines[n - 1])))
                    .Select(n => $"{relative}:{n}"));
            }
        }
        Assert.True(tooLong.Count == 0, $"Lines over {MaxLine} characters: {string.Join(", ", tooLong)}");
    }

    [Fact]
    public void TheSourceFoldersHoldTheProduct()
    {
        var src = Path.Combine(Fixtures.Repository, "src");
        Assert.True(Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories).Count() > 100);
    }

    [Fact]
    public void EveryAllowedLineIsStillThereAndStillLong()
    {
        foreach (var (file, line) in Allowed)
        {
            Assert.True(line.Length > MaxLine, $"{file}: the allowed line is not long; remove it from the list.");
            Assert.Contains(line, File.ReadAllLines(Path.Combine(Fixtures.Repository, file)));
        }
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

    [Fact]
    public void HereStringTextIsExemptButTheScriptAroundItIsNot()
    {
        string file = Path.Combine(Path.GetTempPath(), $"style-{Guid.NewGuid():N}.ps1");
        try
        {
            string longText = new('x', MaxLine + 5);
            File.WriteAllLines(file, ["Set-Content $child @'", longText, "'@", "$s = @\"", longText, "\"@", longText]);
            Assert.Equal([7], LongLines(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static IEnumerable<int> LongLines(string file)
    {
        bool powerShell = file.EndsWith(".ps1", StringComparison.Ordinal);
        string? closing = null;
        int number = 0;
        foreach (var line in File.ReadLines(file))
        {
            number++;
            if (closing is not null)
            {
                // A raw string closes at its quotes after indentation; a here-string at the start of a line.
                var head = powerShell ? line : line.TrimStart();
                if (head.StartsWith(closing, StringComparison.Ordinal)) closing = null;
                continue;
            }
            if (line.Length > MaxLine) yield return number;
            if (powerShell)
            {
                if (HereStringOpening().Match(line) is { Success: true } h) closing = h.Groups[1].Value + "@";
            }
            else if (RawOpening().Match(line) is { Success: true } m) closing = m.Groups[1].Value;
        }
    }
}
