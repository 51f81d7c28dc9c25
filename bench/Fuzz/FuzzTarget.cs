namespace Csk6Tools.Fuzz;

/// <summary>A valid file to mutate: its name in the target's folder, its bytes and the offsets of its integer
/// fields.</summary>
public sealed record Seed(string FileName, byte[] Bytes, IReadOnlyList<Field> Fields, bool BigEndian = false)
{
    /// <summary>Applied after mutation: recompress, or repair a checksum so the parser gets past it.</summary>
    public Func<byte[], Random, byte[]>? Fixup { get; init; }
}

/// <summary>One mutated file of a case.</summary>
public sealed record FuzzInput(Seed Seed, byte[] Bytes);

/// <summary>One parser as a user reaches it: seeds, and the engine call that reads a case.</summary>
public abstract class FuzzTarget
{
    public abstract string Name { get; }
    public abstract IReadOnlyList<Seed> Seeds { get; }

    /// <summary>Writes the files a case does not mutate (the other files of a data set folder).</summary>
    public virtual void Prepare(string folder) { }

    public FuzzInput NextInput(Random random)
    {
        var seed = Seeds[random.Next(Seeds.Count)];
        var bytes = new Mutator(random).Mutate(seed.Bytes, seed.Fields, seed.BigEndian);
        return new FuzzInput(seed, seed.Fixup?.Invoke(bytes, random) ?? bytes);
    }

    /// <summary>Reads the case through the engine; returns normally or throws (a documented error, or a bug).</summary>
    public abstract void Execute(FuzzInput input, string folder);

    public static IReadOnlyList<FuzzTarget> All(string? repository = null) =>
        [
            new PackageTarget(), new OnnxTarget(repository), new SafeTensorsTarget(), new IdxTarget(),
            new CifarTarget(), new ImageTarget(), new InputTarget(),
        ];
}
