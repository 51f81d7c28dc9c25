using System.Diagnostics;

namespace Csk6Tools.Engine.Tests;

/// <summary>The atomic writer cleans up after writers that were killed mid-write, and only after those.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("csk6-atomic-").FullName;
    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Temp(string name, int pid) => Path.Combine(_folder, $".{name}.{pid}.{Guid.NewGuid():N}.tmp");

    [Fact]
    public void TheNextWriteDeletesTemporaryFilesOfDeadWritersOnly()
    {
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        exited.WaitForExit();
        string dead = Temp("model.bin", exited.Id), living = Temp("model.bin", 1), other = Temp("other.bin", exited.Id);
        string foreign = Path.Combine(_folder, ".model.bin.notes.tmp");
        foreach (var f in new[] { dead, living, other, foreign }) File.WriteAllText(f, "half");

        AtomicFile.Write(Path.Combine(_folder, "model.bin"), [1, 2, 3]);

        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(_folder, "model.bin")));
        Assert.False(File.Exists(dead));    // its writer is gone
        Assert.True(File.Exists(living));   // pid 1 runs: a write in progress elsewhere
        Assert.True(File.Exists(other));    // another target's
        Assert.True(File.Exists(foreign));  // not our pattern
    }

    [Fact]
    public void AFailedWriteLeavesTheOldFileAndNoTemporaryFile()
    {
        string path = Path.Combine(_folder, "kept.bin");
        File.WriteAllBytes(path, [9]);
        Assert.Throws<InvalidDataException>(() => AtomicFile.Write(path, s =>
        {
            s.Write([1, 2]);
            throw new InvalidDataException("stop");
        }));
        Assert.Equal([9], File.ReadAllBytes(path));
        Assert.Equal(["kept.bin"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }
}
