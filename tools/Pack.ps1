<#
.SYNOPSIS
    Packs a staged module folder (out/Csk6Tools, out/Csk6Tools.Torch) into <Name>.<version>.nupkg, the package
    Install-PSResource installs from a local or remote repository. Debug symbols stay out of the package.
.EXAMPLE
    dotnet pwsh ./tools/Pack.ps1 -ModulePath ./out/Csk6Tools -OutputPath ./out
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
$source = (Resolve-Path $ModulePath).ProviderPath
$name = Split-Path -Leaf $source
$manifest = Import-PowerShellDataFile (Join-Path $source "$name.psd1")
# PSResourceGet packs a folder named like the module: copy it without the .pdb files.
$staging = Join-Path ([IO.Path]::GetTempPath()) "csk6tools-pack-$PID-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
$folder = Join-Path $staging $name
try {
    New-Item -ItemType Directory $folder | Out-Null
    Get-ChildItem $source -Exclude '*.pdb' | Copy-Item -Destination $folder -Recurse
    New-Item -ItemType Directory $OutputPath -Force | Out-Null
    $destination = (Resolve-Path $OutputPath).ProviderPath
    $nupkg = Join-Path $destination "$name.$($manifest.ModuleVersion).nupkg"
    Remove-Item $nupkg -ErrorAction Ignore
    Compress-PSResource -Path $folder -DestinationPath $destination
    if (-not (Test-Path $nupkg)) { throw "Compress-PSResource did not write $nupkg" }
    Get-Item $nupkg
}
finally {
    Remove-Item $staging -Recurse -Force -ErrorAction Ignore
}
