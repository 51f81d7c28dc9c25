using System.Management.Automation;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Commands;

/// <summary>Get-Csk6Package: reads thinker model.bin files (v2 or v3 layout) into package objects.</summary>
[Cmdlet(VerbsCommon.Get, "Csk6Package", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ThinkerPackage))]
public sealed class GetCsk6PackageCommand : FileInputCommand
{
    protected override void ProcessRecord()
    {
        foreach (var file in InputFiles())
            {
                if (PackageArgument.TryLoad(this, file, out var package, out var error))
                {
                    string described = package!.Description is null
                        ? "no description"
                        : $"described by {PackageDescription.PathFor(file)}";
                    WriteVerbose($"{file}: {package.Layout} layout, {package.Tensors.Count} tensors, " +
                        $"{package.Operators.Count} operators, CRC-24 0x{package.Crc:X6}; {described}.");
                    WriteObject(package);
                }
                else WriteError(error!);
            }
    }
}
