using System.Management.Automation;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Commands;

/// <summary>Get-Csk6Package: reads thinker model.bin files (v2 or v3 layout) into package objects.</summary>
[Cmdlet(VerbsCommon.Get, "Csk6Package", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ThinkerPackage))]
public sealed class GetCsk6PackageCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>model.bin files; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>model.bin files, taken literally; binds FullName/PSPath from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (var pattern in literal ? LiteralPath : Path)
            foreach (var file in FilePaths.ResolveExisting(this, pattern, literal))
            {
                if (PackageArgument.TryLoad(file, out var package, out var error))
                {
                    WriteVerbose($"{file}: {package!.Layout} layout, {package.Tensors.Count} tensors, {package.Operators.Count} operators, CRC-24 0x{package.Crc:X6}.");
                    WriteObject(package);
                }
                else WriteError(error!);
            }
    }
}
