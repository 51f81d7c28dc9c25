<#
.SYNOPSIS
    The tutorial on real data: a depthwise ResNet-18 at width 0.5 on Debian's Fashion-MNIST, trained float, then
    constrained, then quantization-aware; prints float and fake-quant test accuracy and the wall time.
.EXAMPLE
    dotnet pwsh ./bench/fashion-mnist.ps1 -FloatEpochs 10 -QuantEpochs 2
#>
param([int] $FloatEpochs = 10, [int] $ConstrainedEpochs = 1, [int] $QuantEpochs = 2, [int] $Threads = 2, [string] $Folder = '/usr/share/datasets/fashion-mnist',
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Csk6Tools/Csk6Tools.psd1'))
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $ModulePath

# Import-Csk6Dataset reads these files in the module; this script reads them itself so it depends on nothing else.
function Read-Idx([string] $Path, [int] $Header) {
    $gz = [IO.Compression.GZipStream]::new([IO.File]::OpenRead($Path), [IO.Compression.CompressionMode]::Decompress)
    $ms = [IO.MemoryStream]::new(); $gz.CopyTo($ms); $gz.Dispose()
    $ms.ToArray()[$Header..($ms.Length - 1)]
}
function Read-Split([string] $Prefix) {
    $images = [byte[]](Read-Idx (Join-Path $Folder "$Prefix-images-idx3-ubyte.gz") 16)
    $labels = [int[]](Read-Idx (Join-Path $Folder "$Prefix-labels-idx1-ubyte.gz") 8)
    [Csk6Tools.Engine.Data.DatasetSplit]::new($images, $labels, 1, 28, 28)
}
$data = [Csk6Tools.Engine.Data.Dataset]@{
    Name = 'fashion-mnist'; Source = $Folder; Train = (Read-Split 'train'); Test = (Read-Split 't10k'); Mean = [float[]]0.2860; Std = [float[]]0.3530
    Classes = 'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'
}
$checkpoints = Join-Path ([IO.Path]::GetTempPath()) 'csk6-fashion'
$sw = [Diagnostics.Stopwatch]::StartNew()
$model = New-Csk6ResNet 18 -Width 0.5 -Classes 10 -InputChannels 1 -InputSize 28 | Convert-ToDepthwise |
    Invoke-ModelTraining -Dataset $data -Epochs $FloatEpochs -Threads $Threads -CheckpointPath "$checkpoints-float.safetensors" -Verbose |
    Invoke-ConstrainedTraining -Dataset $data -Epochs $ConstrainedEpochs -Threads $Threads -CheckpointPath "$checkpoints-constrained.safetensors" -Verbose |
    Invoke-QuantTraining -Dataset $data -Epochs $QuantEpochs -Threads $Threads -CheckpointPath "$checkpoints-quant.safetensors" -Verbose
$model | Save-Csk6Model -Path "$checkpoints-model.safetensors" -Force
$model.History | Format-Table | Out-String
$model | Test-ModelAccuracy -Dataset $data -Threads $Threads | Format-Table | Out-String
"wall time: {0:N1} min" -f $sw.Elapsed.TotalMinutes
