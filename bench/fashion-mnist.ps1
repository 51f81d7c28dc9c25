<#
.SYNOPSIS
    The tutorial on real data: a depthwise ResNet-18 at width 0.5 on Debian's Fashion-MNIST, trained float, then
    constrained, then quantization-aware; packed and run by the int8 engine. Prints float, fake-quant and engine test
    accuracy and the wall time of each stage.
.EXAMPLE
    dotnet pwsh ./bench/fashion-mnist.ps1 -FloatEpochs 10 -QuantEpochs 2
#>
param([int] $FloatEpochs = 10, [int] $ConstrainedEpochs = 1, [int] $QuantEpochs = 2, [int] $Threads = 2,
    [int] $TrainCount = 0, [string] $Augmentation = 'Standard',
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Csk6Tools/Csk6Tools.psd1'))
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $ModulePath

$subset = if ($TrainCount -gt 0) { @{ TrainCount = $TrainCount } } else { @{} }
$data = Import-Csk6Dataset -Name FashionMnist @subset
# Checkpoints resume a stopped run; each augmentation has its own.
$work = Join-Path ([IO.Path]::GetTempPath()) "csk6-fashion-$($Augmentation -replace '\W')"
$common = @{ Dataset = $data; Threads = $Threads }
$total = [Diagnostics.Stopwatch]::StartNew()
function Stage([string] $Name, [scriptblock] $Action) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $result = & $Action
    "{0}: {1:N1} min" -f $Name, $sw.Elapsed.TotalMinutes | Out-Host
    $result
}
$model = New-Csk6ResNet 18 -Width 0.5 -Classes 10 -InputChannels 1 -InputSize 28 | Convert-ToDepthwise
$model = Stage 'float' {
    $model | Invoke-ModelTraining @common -Augmentation $Augmentation -Epochs $FloatEpochs `
        -CheckpointPath "$work-float.safetensors" -Resume
}
$model = Stage 'constrained' {
    $model | Invoke-ConstrainedTraining @common -Augmentation $Augmentation -Epochs $ConstrainedEpochs `
        -CheckpointPath "$work-constrained.safetensors" -Resume
}
$model = Stage 'quantization-aware' {
    $model | Invoke-QuantTraining @common -Augmentation $Augmentation -Epochs $QuantEpochs `
        -CheckpointPath "$work-quant.safetensors" -Resume
}
$model | Save-Csk6Model -Path "$work-model.safetensors" -Force
$package = Stage 'package' { $model | New-Csk6Package -Path "$work.bin" -Force }
$model.History | Format-Table | Out-String
$package.Report.Regions | Format-Table | Out-String
Stage 'accuracy' { $model | Test-ModelAccuracy @common -Package $package } | Format-Table | Out-String
"wall time: {0:N1} min" -f $total.Elapsed.TotalMinutes
