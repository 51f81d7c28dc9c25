namespace Csk6Tools.Engine.Tests;

/// <summary>LISTENAI's real files in ../shared/fixtures/thinker-demo; tests that need them skip where they are absent.</summary>
internal static class Fixtures
{
    public static string? Directory { get; } = Find();

    public static string Path(string file)
    {
        Skip.If(Directory is null, "../shared/fixtures/thinker-demo is absent (a user's clone); CI has it.");
        return System.IO.Path.Combine(Directory!, file);
    }

    /// <summary>A file of another fixture folder beside thinker-demo (tpacker-oracle).</summary>
    public static string In(string folder, string file) => System.IO.Path.Combine(Path(".."), folder, file);

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Csk6Tools.sln")))
            {
                var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "fixtures", "thinker-demo"));
                return System.IO.Directory.Exists(candidate) ? candidate : null;
            }
        }
        return null;
    }
}
