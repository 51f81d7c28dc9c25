using Csk6Tools.Fuzz;

// bench/fuzz.ps1 runs this: every parser (or those named) through mutated inputs; prints cases/s and what it found,
// saves each unexpected input under out/fuzz/, and exits 1 when anything unexpected happened.
var options = new FuzzOptions();
var names = new List<string>();
string output = "out/fuzz";
string? replay = null;   // a saved finding: run it once through its target (the --target named) and print what happens
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--cases": options = options with { Cases = int.Parse(args[++i]) }; break;
        case "--seed": options = options with { Seed = int.Parse(args[++i]) }; break;
        case "--first-case": options = options with { FirstCase = int.Parse(args[++i]) }; break;
        case "--time-limit":
            options = options with
            {
                TimeLimit = TimeSpan.FromSeconds(
                    double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture)),
            };
            break;
        case "--target": names.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries)); break;
        case "--out": output = args[++i]; break;
        case "--replay": replay = args[++i]; break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}; use --cases N --seed S --first-case K " +
                "--time-limit SECONDS --target a,b --out DIR");
            return 2;
    }
}
string? repository = null;
for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    if (File.Exists(Path.Combine(dir.FullName, "Csk6Tools.sln"))) { repository = dir.FullName; break; }

var all = FuzzTarget.All(repository).ToList();
var unknown = names.Except(all.Select(t => t.Name)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"unknown target {string.Join(", ", unknown)}; " +
        $"the targets are {string.Join(", ", all.Select(t => t.Name))}");
    return 2;
}
var targets = all.Where(t => names.Count == 0 || names.Contains(t.Name)).ToList();
if (replay is not null)
{
    var target = targets.Single();
    var seed = target.Seeds.First(s => Path.GetExtension(s.FileName) == Path.GetExtension(replay));
    string folder = Directory.CreateTempSubdirectory("csk6-replay-").FullName;
    target.Prepare(folder);
    var clock = System.Diagnostics.Stopwatch.StartNew();
    try
    {
        target.Execute(new FuzzInput(seed, File.ReadAllBytes(replay)), folder);
        Console.WriteLine($"ok in {clock.ElapsedMilliseconds} ms");
    }
    catch (Exception e)
    {
        Console.WriteLine($"{DocumentedErrors.IdOf(e) ?? "UNEXPECTED"} in {clock.ElapsedMilliseconds} ms: {e}");
    }
    finally { Directory.Delete(folder, recursive: true); }
    return 0;
}
Console.WriteLine($"Csk6Tools fuzzing: {options.Cases:N0} cases per parser from seed {options.Seed}, " +
    $"{Environment.ProcessorCount} cores, .NET {Environment.Version}");
int unexpected = 0;
foreach (var target in targets)
{
    var report = FuzzRunner.Run(target, options, line => Console.WriteLine("  " + line));
    Console.WriteLine(report);
    foreach (var f in report.Findings)
    {
        Directory.CreateDirectory(output);
        string file = Path.Combine(output, $"{f.Target}-{f.Case}-{f.Kind}{Path.GetExtension(f.Input.Seed.FileName)}");
        File.WriteAllBytes(file, f.Input.Bytes);
        File.WriteAllText(file + ".txt", f.Detail);
    }
    unexpected += report.Findings.Count;
}
Console.WriteLine($"{unexpected} unexpected outcome(s)");
return unexpected == 0 ? 0 : 1;
