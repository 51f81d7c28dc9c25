namespace Csk6Tools.Engine.Tests;

/// <summary>
/// The repository's test fixtures (tests/fixtures; LISTENAI's demo files in thinker-demo, see its NOTICE). They are
/// committed, so a missing file is a broken checkout: the test fails, it never skips.
/// </summary>
internal static class Fixtures
{
    /// <summary>The repository's root folder (where Csk6Tools.sln is).</summary>
    public static string Repository { get; } = FindRepository();

    private static readonly string Root = System.IO.Path.Combine(Repository, "tests", "fixtures");

    /// <summary>A file of tests/fixtures/thinker-demo.</summary>
    public static string Path(string file) => In("thinker-demo", file);

    /// <summary>A file of tests/fixtures/&lt;folder&gt;.</summary>
    public static string In(string folder, string file)
    {
        string path = System.IO.Path.Combine(Root, folder, file);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The test fixture {path} is missing from the repository.", path);
        return path;
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Csk6Tools.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException(
            $"No Csk6Tools.sln above {AppContext.BaseDirectory}: the tests run from the repository.");
    }
}
