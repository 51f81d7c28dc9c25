using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;

namespace Csk6Tools.Commands;

/// <summary>
/// TorchSharp and libtorch (≈ 450 MB) ship as their own module, Csk6Tools.Torch, so that installing Csk6Tools stays
/// small: budget, packing, inference and ONNX never need them. When training first asks for TorchSharp, its
/// assemblies load from the folder of a Csk6Tools.Torch of this module's version; the natives sit beside
/// TorchSharp.dll, where TorchSharp looks for them.
/// </summary>
public sealed class TorchModule : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    public const string Name = "Csk6Tools.Torch";
    private static readonly object Gate = new();
    private static string? _folder;

    /// <summary>The version Csk6Tools.Torch must have: this module's.</summary>
    public static string Version { get; } = typeof(TorchModule).Assembly.GetName().Version!.ToString(3);

    public void OnImport() => AssemblyLoadContext.Default.Resolving += Resolve;

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= Resolve;

    /// <summary>
    /// The folder holding TorchSharp.dll, or null when no Csk6Tools.Torch of this version is installed. Looked up
    /// again until found, so installing it in a running session works.
    /// </summary>
    public static string? Folder
    {
        get
        {
            lock (Gate) return _folder ??= Locate();
        }
    }

    /// <summary>Stops <paramref name="cmdlet"/> with TorchModuleNotInstalled,
    /// before any libtorch call, when the module is missing.</summary>
    public static void Require(PSCmdlet cmdlet, string why)
    {
        if (Folder is not null) return;
        cmdlet.ThrowTerminatingError(new ErrorRecord(
            new InvalidOperationException($"{cmdlet.MyInvocation.MyCommand.Name} {why}, which comes in the " +
                $"{Name} module {Version} " +
                $"(a 120 MB download), kept apart so that Csk6Tools stays small; it is not installed. " +
                $"Install it with: Install-PSResource {Name} -Version {Version}"),
            Engine.ErrorIds.TorchModuleNotInstalled, ErrorCategory.NotInstalled, Name));
    }

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        if (Folder is not { } folder) return null;
        string path = Path.Combine(folder, name.Name + ".dll");
        return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
    }

    private static string? Locate()
    {
        string home = Path.GetDirectoryName(typeof(TorchModule).Assembly.Location)!;
        if (File.Exists(Path.Combine(home, "TorchSharp.dll"))) return home;  // a module folder with everything in it
        // Beside this module: out/Csk6Tools.Torch next to out/Csk6Tools (a build), or <root>/Csk6Tools.Torch/<version>
        // next to <root>/Csk6Tools/<version> (installed or saved together); then every folder on PSModulePath.
        var roots = new List<string>();
        if (Path.GetDirectoryName(home) is { } parent)
        {
            roots.Add(parent);
            if (Path.GetDirectoryName(parent) is { } grandparent) roots.Add(grandparent);
        }
        roots.AddRange((Environment.GetEnvironmentVariable("PSModulePath") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return roots
            .SelectMany(root => new[] { Path.Combine(root, Name, Version), Path.Combine(root, Name) })
            .FirstOrDefault(IsTorchModule);
    }

    private static bool IsTorchModule(string folder)
    {
        string manifest = Path.Combine(folder, Name + ".psd1");
        if (!File.Exists(manifest) || !File.Exists(Path.Combine(folder, "TorchSharp.dll"))) return false;
        var version = Regex.Match(File.ReadAllText(manifest), @"ModuleVersion\s*=\s*'([^']+)'");
        return version.Success && version.Groups[1].Value == Version;
    }
}
