# The tutorial's middle and end, small enough to run in a minute or two: a depthwise ResNet-18 (width 0.25) on part
# of Debian's Fashion-MNIST, trained in float, then with the chip's int8 arithmetic, packed into a thinker model.bin
# and run by the int8 engine. Run: dotnet pwsh ./build.ps1 -Task Demo   (or this file, with the module built)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
if (-not (Get-Module Csk6Tools)) { Import-Module (Join-Path $PSScriptRoot '../out/Csk6Tools/Csk6Tools.psd1') }

if (-not (Test-Path /usr/share/datasets/fashion-mnist)) {
    'Skipped: this part of the tutorial trains on Debian''s Fashion-MNIST. Install it with: apt-get install dataset-fashion-mnist'
    return
}
$data = Import-Csk6Dataset -Name FashionMnist -TrainCount 4096 -TestCount 1000
$model = New-Csk6ResNet 18 -Classes 10 -InputChannels 1 -InputSize 28 -Width 0.25 | Convert-ToDepthwise |
    Invoke-ModelTraining -Dataset $data -Epochs 2 -BatchSize 64 -LearningRate 0.05 |
    Invoke-QuantTraining -Dataset $data -Epochs 1 -BatchSize 32   # 128 batches: the running ranges need about 100 to settle
$model.History | Format-Table Stage, Epoch, Loss, Accuracy, TestAccuracy, Seconds | Out-String

$path = Join-Path ([IO.Path]::GetTempPath()) 'csk6-fashion-demo.bin'
$package = $model | New-Csk6Package -Path $path -Force
$package | Out-String
$package.Report.Regions | Format-Table | Out-String
$model | Test-ModelAccuracy -Dataset $data -Package $package | Format-Table | Out-String
Invoke-Csk6Inference -Package $package -Dataset $data -Count 5 | Format-Table | Out-String
