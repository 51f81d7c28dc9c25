using System.Diagnostics;

namespace Csk6Tools.Fuzz;

public sealed record FuzzOptions
{
    public int Cases { get; init; } = 100_000;
    public int Seed { get; init; } = 1;
    public int FirstCase { get; init; }

    /// <summary>A case that runs longer is a hang (the largest seed parses in well under a millisecond).</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Managed bytes one case may allocate: this plus <see cref="AllocationPerInputByte"/> per byte of
    /// input.</summary>
    public long AllocationBase { get; init; } = 48L << 20;
    public long AllocationPerInputByte { get; init; } = 64;

    /// <summary>Folder for the case files (tmpfs when there is one); one subfolder per target.</summary>
    public string WorkFolder { get; init; } = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
}

/// <summary>A case whose outcome is not success or a documented error: the input is kept to reproduce it.</summary>
public sealed record Finding(string Target, int Case, string Kind, string Detail, FuzzInput Input);

public sealed record FuzzReport(
    string Target, int Cases, TimeSpan Elapsed, IReadOnlyDictionary<string, int> Outcomes,
    IReadOnlyList<Finding> Findings, long MaxAllocated)
{
    public double CasesPerSecond => Cases / Elapsed.TotalSeconds;

    public override string ToString() =>
        $"{Target}: {Cases:N0} cases in {Elapsed.TotalSeconds:F1} s ({CasesPerSecond:N0}/s), " +
        $"{Findings.Count} unexpected, " +
        $"max {MaxAllocated / 1024.0 / 1024:F1} MiB allocated in one case; outcomes: " +
        string.Join(", ", Outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value:N0}"));
}

/// <summary>Runs mutated inputs through one target, one case per call, each with a time limit and an allocation
/// cap.</summary>
public static class FuzzRunner
{
    public static FuzzReport Run(FuzzTarget target, FuzzOptions options, Action<string>? log = null)
    {
        string folder = Path.Combine(options.WorkFolder, $"csk6-fuzz-{Environment.ProcessId}-{target.Name}");
        Directory.CreateDirectory(folder);
        try
        {
            target.Prepare(folder);
            var outcomes = new Dictionary<string, int>();
            var findings = new List<Finding>();
            long maxAllocated = 0;
            var clock = Stopwatch.StartNew();
            for (int k = options.FirstCase; k < options.FirstCase + options.Cases; k++)
            {
                var random = new Random(CaseSeed(options.Seed, target.Name, k));
                var input = target.NextInput(random);
                long allocated = 0;
                // A thread of its own: a pool task can wait seconds for a thread while other work (xunit's parallel
                // tests in CI) holds the pool, and that wait would count against the case's time limit.
                var run = Task.Factory.StartNew(() =>
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    try { target.Execute(input, folder); return (string?)"ok"; }
                    catch (Exception e) { return DocumentedErrors.IdOf(e) ?? throw new UnexpectedException(e); }
                    finally { allocated = GC.GetAllocatedBytesForCurrentThread() - before; }
                }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                string outcome;
                if (!((IAsyncResult)run).AsyncWaitHandle.WaitOne(options.TimeLimit))
                {
                    findings.Add(new Finding(target.Name, k, "hang",
                        $"still running after {options.TimeLimit.TotalSeconds} s", input));
                    log?.Invoke($"{target.Name} case {k}: hang");
                    outcome = "hang";
                }
                else if (run.Exception?.InnerException is UnexpectedException { InnerException: { } e })
                {
                    findings.Add(new Finding(target.Name, k, "exception", e.ToString(), input));
                    log?.Invoke($"{target.Name} case {k}: {e.GetType().Name}: {e.Message}");
                    outcome = e.GetType().Name;
                }
                else outcome = run.Result!;
                long cap = options.AllocationBase + options.AllocationPerInputByte * input.Bytes.Length;
                if (allocated > cap)
                    findings.Add(new Finding(target.Name, k, "memory",
                        $"{allocated:N0} bytes allocated for a {input.Bytes.Length:N0}-byte input (cap {cap:N0})",
                        input));
                maxAllocated = Math.Max(maxAllocated, allocated);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
            return new FuzzReport(target.Name, options.Cases, clock.Elapsed, outcomes, findings, maxAllocated);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The seed of case <paramref name="k"/>: the same in every process (HashCode is randomized per
    /// process), so a case reruns alone.</summary>
    public static int CaseSeed(int seed, string target, int k)
    {
        uint h = (uint)seed * 2654435761u ^ (uint)k * 2246822519u;
        foreach (char c in target) h = (h ^ c) * 16777619u;
        return (int)(h & int.MaxValue);
    }

    private sealed class UnexpectedException(Exception inner) : Exception(inner.Message, inner);
}
