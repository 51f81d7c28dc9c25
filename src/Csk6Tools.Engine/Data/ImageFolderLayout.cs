namespace Csk6Tools.Engine.Data;

/// <summary>An image file (its path in the <see cref="DatasetSource"/>) and the index of its class.</summary>
internal readonly record struct LabelledFile(string Path, int Label);

/// <summary>
/// The images of a folder with one subfolder per class (class names are the subfolder names, in ordinal order),
/// optionally under train/ and test/ subfolders. Without them, an even share of each class is held out for testing.
/// Files are listed class by class in turn (first file of each
/// class, then the second …) so that the first N are balanced.
/// </summary>
internal sealed record ImageFolderLayout(string[] Classes, IReadOnlyList<LabelledFile> Train,
    IReadOnlyList<LabelledFile> Test, bool HasSplitFolders)
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
        { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga", ".tif", ".tiff", ".webp", ".pbm", ".pgm", ".ppm" };

    public static bool Holds(DatasetSource source, string root) =>
        ClassFolders(source, SplitFolder(source, root, "train") ?? root).Any();

    public static ImageFolderLayout Find(DatasetSource source, string root, double testFraction)
    {
        string? train = SplitFolder(source, root, "train"), test = SplitFolder(source, root, "test");
        if (train is not null && test is not null)
        {
            var classes = ClassFolders(source, train).Concat(ClassFolders(source, test))
                .Select(DatasetSource.LastPart)
                .Distinct()
                .Order(StringComparer.Ordinal)
                .ToArray();
            return new ImageFolderLayout(classes, Interleave(Files(source, train, classes)),
                Interleave(Files(source, test, classes)), true);
        }

        var names = ClassFolders(source, root).Select(DatasetSource.LastPart).Order(StringComparer.Ordinal).ToArray();
        var perClass = Files(source, root, names);
        var held = perClass.Select(files => files.Where((_, i) => IsHeldOut(i, testFraction)).ToList()).ToList();
        var kept = perClass.Select(files => files.Where((_, i) => !IsHeldOut(i, testFraction)).ToList()).ToList();
        return new ImageFolderLayout(names!, Interleave(kept), Interleave(held), false);
    }

    public static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path));

    // Spreads the held-out files evenly over each class's sorted list:
    // file i is held out when the running share crosses an integer.
    private static bool IsHeldOut(int index, double fraction) =>
        Math.Floor((index + 1) * fraction) > Math.Floor(index * fraction);

    private static string? SplitFolder(DatasetSource source, string root, string name)
        => source.Directories(root)
            .FirstOrDefault(d => string.Equals(DatasetSource.LastPart(d), name, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<string> ClassFolders(DatasetSource source, string folder)
        => source.Directories(folder).Where(d => source.Files(d).Any(IsImage));

    private static List<List<LabelledFile>> Files(DatasetSource source, string folder, string[] classes)
        => classes.Select((name, label) => source.Files(DatasetSource.Join(folder, name))
                .Where(IsImage)
                .Order(StringComparer.Ordinal)
                .Select(f => new LabelledFile(f, label))
                .ToList())
            .ToList();

    private static List<LabelledFile> Interleave(List<List<LabelledFile>> perClass)
    {
        var result = new List<LabelledFile>();
        for (int i = 0; result.Count < perClass.Sum(c => c.Count); i++)
            result.AddRange(perClass.Where(c => i < c.Count).Select(c => c[i]));
        return result;
    }
}
