namespace Csk6Tools.Engine.Data;

/// <summary>An image file and the index of its class.</summary>
internal readonly record struct LabelledFile(string Path, int Label);

/// <summary>
/// The images of a folder with one subfolder per class (class names are the subfolder names, in ordinal order),
/// optionally under train/ and test/ subfolders. Without them, an even share of each class is held out for testing.
/// Files are listed class by class in turn (first file of each class, then the second …) so that the first N are balanced.
/// </summary>
internal sealed record ImageFolderLayout(string[] Classes, IReadOnlyList<LabelledFile> Train, IReadOnlyList<LabelledFile> Test, bool HasSplitFolders)
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
        { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga", ".tif", ".tiff", ".webp", ".pbm", ".pgm", ".ppm" };

    public static bool Holds(string root) => ClassFolders(SplitFolder(root, "train") ?? root).Any();

    public static ImageFolderLayout Find(string root, double testFraction)
    {
        string? train = SplitFolder(root, "train"), test = SplitFolder(root, "test");
        if (train is not null && test is not null)
        {
            var classes = ClassFolders(train).Concat(ClassFolders(test)).Select(Path.GetFileName).Distinct()
                .Order(StringComparer.Ordinal).ToArray();
            return new ImageFolderLayout(classes!, Interleave(Files(train, classes!)), Interleave(Files(test, classes!)), true);
        }

        var names = ClassFolders(root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        var perClass = Files(root, names!);
        var held = perClass.Select(files => files.Where((_, i) => IsHeldOut(i, testFraction)).ToList()).ToList();
        var kept = perClass.Select(files => files.Where((_, i) => !IsHeldOut(i, testFraction)).ToList()).ToList();
        return new ImageFolderLayout(names!, Interleave(kept), Interleave(held), false);
    }

    public static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path));

    // Spreads the held-out files evenly over each class's sorted list: file i is held out when the running share crosses an integer.
    private static bool IsHeldOut(int index, double fraction) => Math.Floor((index + 1) * fraction) > Math.Floor(index * fraction);

    private static string? SplitFolder(string root, string name)
        => Directory.EnumerateDirectories(root).FirstOrDefault(d => string.Equals(Path.GetFileName(d), name, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<string> ClassFolders(string folder)
        => Directory.EnumerateDirectories(folder).Where(d => Directory.EnumerateFiles(d).Any(IsImage));

    private static List<List<LabelledFile>> Files(string folder, string[] classes)
        => classes.Select((name, label) =>
        {
            string dir = Path.Combine(folder, name);
            return Directory.Exists(dir)
                ? Directory.EnumerateFiles(dir).Where(IsImage).Order(StringComparer.Ordinal).Select(f => new LabelledFile(f, label)).ToList()
                : [];
        }).ToList();

    private static List<LabelledFile> Interleave(List<List<LabelledFile>> perClass)
    {
        var result = new List<LabelledFile>();
        for (int i = 0; result.Count < perClass.Sum(c => c.Count); i++)
            result.AddRange(perClass.Where(c => i < c.Count).Select(c => c[i]));
        return result;
    }
}
