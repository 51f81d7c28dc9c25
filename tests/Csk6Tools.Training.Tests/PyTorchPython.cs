using System.Diagnostics;

namespace Csk6Tools.Training.Tests;

/// <summary>A Python 3 with PyTorch (Debian's python3-torch) to run exported models with, or null when there is
/// none.</summary>
internal static class PyTorchPython
{
    public const string Missing =
        "PyTorch is not installed for python3 (apt-get install python3-torch; .ci/run installs it).";

    private static readonly Lazy<string?> Found = new(() => new[] { "/usr/bin/python3", "python3" }
        .FirstOrDefault(p => Run(p, ["-c", "import torch"], 120).ExitCode == 0));

    public static string? Interpreter => Found.Value;

    /// <summary>tests/pytorch/&lt;name&gt;: the Python helpers of the tests.</summary>
    public static string Helper(string name) =>
        Path.Combine(Path.GetDirectoryName(OnnxImportOutputTests.Folder)!, "..", "pytorch", name);

    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> arguments, int timeoutSeconds)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeoutSeconds * 1000))
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"{program} timed out after {timeoutSeconds} s");
            }
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
