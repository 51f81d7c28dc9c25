<#
.SYNOPSIS
    Memory and speed of Invoke-Csk6Inference over the 10,000 Fashion-MNIST test images, on every core.
.DESCRIPTION
    Packs a depthwise ResNet-18 (width 0.25) after short float training and QAT on 4,096 Fashion-MNIST images (or
    takes the package -PackagePath names, for example the one bench/fashion-mnist.ps1 leaves in the temporary
    folder), then, in a fresh pwsh, imports the module, reads the package and the data set (the baseline), resets
    the kernel's peak-RSS mark (/proc/self/clear_refs) and runs every test image through the int8 engine. Prints the
    peak resident memory
    above the baseline (target: under 200 MB), images per second and top-1. Needs Debian's dataset-fashion-mnist and
    the Csk6Tools.Torch module beside the build (for the QAT).
.EXAMPLE
    dotnet pwsh ./bench/engine-memory.ps1
.EXAMPLE
    dotnet pwsh ./bench/engine-memory.ps1 -PackagePath /tmp/csk6-fashion-CropFlip.bin
#>
param([int] $Threads = 0, [switch] $Child, [string] $PackagePath)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module (Join-Path $PSScriptRoot '../out/Csk6Tools/Csk6Tools.psd1')
function ResidentMegabytes([string] $Field) {
    [double]((Get-Content /proc/self/status | Where-Object { $_ -like "${Field}:*" }) -replace '\D', '') / 1024
}

if ($Child) {
    $package = Get-Csk6Package $PackagePath
    $data = Import-Csk6Dataset -Name FashionMnist -TrainCount 1
    [GC]::Collect()
    $baseline = ResidentMegabytes VmRSS
    # The peak (VmHWM) starts again from the current RSS ("5" to clear_refs; opened without truncating, as a proc
    # file needs).
    $clear = [IO.FileStream]::new('/proc/self/clear_refs', [IO.FileMode]::Open, [IO.FileAccess]::Write)
    try { $clear.Write([byte[]][char[]]'5', 0, 1) } finally { $clear.Dispose() }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $correct = Invoke-Csk6Inference $package -Dataset $data -Threads $Threads | Where-Object Correct | Measure-Object
    $seconds = $clock.Elapsed.TotalSeconds
    $peak = ResidentMegabytes VmHWM
    [pscustomobject]@{ Images = $data.Test.Count; Seconds = $seconds; ImagesPerSecond = $data.Test.Count / $seconds
        Top1 = $correct.Count / $data.Test.Count; BaselineMB = $baseline; PeakAboveBaselineMB = $peak - $baseline } |
        ConvertTo-Json
    return
}

if (-not $PackagePath) {
    $data = Import-Csk6Dataset -Name FashionMnist -TrainCount 4096 -TestCount 64
    $PackagePath = Join-Path ([IO.Path]::GetTempPath()) 'csk6-engine-memory.bin'
    New-Csk6ResNet 18 -Classes 10 -InputChannels 1 -InputSize 28 -Width 0.25 | Convert-ToDepthwise |
        Invoke-ModelTraining -Dataset $data -Epochs 2 -BatchSize 64 |
        Invoke-QuantTraining -Dataset $data -Epochs 1 -BatchSize 32 |
        New-Csk6Package -Path $PackagePath -Force | Out-Null
}
$pwsh = Join-Path $PSHOME 'pwsh.dll'
$r = & dotnet $pwsh -NoProfile -NonInteractive -File $PSCommandPath -Child -PackagePath $PackagePath -Threads $Threads |
    ConvertFrom-Json
if ($LASTEXITCODE -ne 0 -or -not $r) { throw "The measuring process failed (exit code $LASTEXITCODE)." }
"Fashion-MNIST test set through the int8 engine ($([Environment]::ProcessorCount) cores, " +
    "threads $(if ($Threads) { $Threads } else { 'all' })): " +
    "$($r.Images) images in $('{0:F1}' -f $r.Seconds) s = $('{0:N0}' -f $r.ImagesPerSecond) images/s, " +
    "top-1 $('{0:P1}' -f $r.Top1)"
"memory: baseline $('{0:N0}' -f $r.BaselineMB) MB resident after import; " +
    "peak while running $('{0:N0}' -f $r.PeakAboveBaselineMB) MB above it " +
    "(target: under 200 MB): $(if ($r.PeakAboveBaselineMB -lt 200) { 'met' } else { 'NOT met' })"
