using System.Text.RegularExpressions;

namespace Csk6Tools.Engine.Tests;

/// <summary>
/// docs/ stays what the code cites: every <c>docs/&lt;file&gt;.md#&lt;anchor&gt;</c> in a comment and every link
/// between the documents leads to an existing anchor, and every third-party fixture has exactly its line in
/// tests/fixtures/README.md.
/// </summary>
public partial class DocsTests
{
    private static readonly string Root = Fixtures.Repository;
    private static readonly string Docs = Path.Combine(Root, "docs");

    [GeneratedRegex("""<a id="([a-z0-9-]+)"></a>""")]
    private static partial Regex AnchorTag();

    // docs/quant-arithmetic.md#iqadd, and the short form "#iqcat" that may follow it in the same parentheses.
    [GeneratedRegex("""docs/([a-z0-9-]+\.md)(?:#([a-z0-9-]+))?((?:, #[a-z0-9-]+)*)""")]
    private static partial Regex Citation();

    [GeneratedRegex("""\]\(([a-z0-9-]+\.md)?#([a-z0-9-]+)\)""")]
    private static partial Regex MarkdownLink();

    private static HashSet<string> AnchorsOf(string file) =>
        [.. AnchorTag().Matches(File.ReadAllText(Path.Combine(Docs, file))).Select(m => m.Groups[1].Value)];

    private static IEnumerable<string> SourceFiles() =>
        new[] { "src", "tests", "bench", "build" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(Root, d), "*", SearchOption.AllDirectories))
            .Where(f => Path.GetExtension(f) is ".cs" or ".ps1" or ".targets" or ".csproj")
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Append(Path.Combine(Root, "Directory.Packages.props"))
            .Append(Path.Combine(Root, "README.md"));

    [Fact]
    public void EveryCitationInTheCodeLeadsToAnAnchor()
    {
        int citations = 0;
        var broken = new List<string>();
        foreach (var file in SourceFiles())
            foreach (Match m in Citation().Matches(File.ReadAllText(file)))
            {
                citations++;
                string doc = m.Groups[1].Value;
                if (!File.Exists(Path.Combine(Docs, doc)))
                {
                    broken.Add($"{file}: docs/{doc} does not exist");
                    continue;
                }
                var anchors = AnchorsOf(doc);
                var cited = m.Groups[3].Value.Split(", #", StringSplitOptions.RemoveEmptyEntries)
                    .Prepend(m.Groups[2].Value).Where(a => a.Length > 0);
                broken.AddRange(cited
                    .Where(a => !anchors.Contains(a))
                    .Select(a => $"{file}: docs/{doc}#{a} is no anchor"));
            }
        Assert.True(citations >= 20,
            $"only {citations} citations of docs/ found: the scan is looking in the wrong place");
        Assert.Empty(broken);
    }

    [Fact]
    public void EveryLinkBetweenTheDocumentsLeadsToAnAnchor()
    {
        var broken = new List<string>();
        var documents = Directory.EnumerateFiles(Docs, "*.md")
            .Append(Path.Combine(Root, "tests", "fixtures", "README.md"));
        foreach (var file in documents)
            foreach (Match m in MarkdownLink().Matches(File.ReadAllText(file)))
            {
                string target = m.Groups[1].Success ? m.Groups[1].Value : Path.GetFileName(file);
                if (!File.Exists(Path.Combine(Docs, target)) || !AnchorsOf(target).Contains(m.Groups[2].Value))
                    broken.Add($"{Path.GetFileName(file)}: {target}#{m.Groups[2].Value}");
            }
        Assert.Empty(broken);
    }

    [Theory]
    [InlineData("thinker-demo")]
    [InlineData("tpacker-oracle")]
    public void EveryThirdPartyFixtureHasItsReadmeLine(string folder)
    {
        // The rows of the folder's section: from its "## `folder/`" heading to the next heading.
        string readme = File.ReadAllText(Path.Combine(Root, "tests", "fixtures", "README.md"));
        string section = readme[readme.IndexOf($"## `{folder}/`", StringComparison.Ordinal)..];
        int next = section.IndexOf("\n## ", StringComparison.Ordinal);
        var rows = FixtureRow().Matches(next < 0 ? section : section[..next]).Select(m => m.Groups[1].Value).Order();
        var files = Directory.EnumerateFiles(Path.Combine(Root, "tests", "fixtures", folder))
            .Select(f => Path.GetFileName(f)!).Order();
        Assert.Equal(files, rows);
    }

    [GeneratedRegex("""^\| `([^`]+)` \|""", RegexOptions.Multiline)]
    private static partial Regex FixtureRow();
}
