<#
.SYNOPSIS
    Mutation fuzzing of every parser (package, ONNX, safetensors, IDX, CIFAR, images, input.bin), in process.
.DESCRIPTION
    Runs bench/Fuzz: each case mutates a valid seed (bit flips, insertions, deletions, truncations, boundary values
    in length and offset fields) and reads it through the engine with a time limit and an allocation cap. Prints
    cases/s per parser and every unexpected outcome (an exception without a stable error id, a hang, an allocation
    over the cap); the inputs of those are saved under out/fuzz. CI runs 2,000 cases per parser (FuzzSliceTests).
.EXAMPLE
    dotnet pwsh bench/fuzz.ps1 -Cases 100000
.EXAMPLE
    dotnet pwsh bench/fuzz.ps1 -Target package, onnx -Cases 5000 -Seed 7
#>
param(
    [int] $Cases = 100000,
    [int] $Seed = 1,
    [string[]] $Target = @(),
    [double] $TimeLimitSeconds = 5
)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
$root = Split-Path $PSScriptRoot
$arguments = @('--cases', $Cases, '--seed', $Seed, '--time-limit', $TimeLimitSeconds,
    '--out', (Join-Path $root 'out/fuzz'))
if ($Target) { $arguments += @('--target', ($Target -join ',')) }
& dotnet run --project (Join-Path $PSScriptRoot 'Fuzz/Csk6Tools.Fuzz.csproj') -c Release -- @arguments
exit $LASTEXITCODE
