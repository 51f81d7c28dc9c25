# Makes the README's pictures with Export-Csk6Chart: the budget of ResNet-18 (does not fit), the SHARE_MEM plan of a
# Fashion-MNIST package, and the history of that model's training (float, constrained, QAT on 4,096 images; a few minutes on 2 cores).
# Run with the module built: dotnet pwsh docs/images/make-images.ps1
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module (Join-Path $PSScriptRoot '../../out/Csk6Tools/Csk6Tools.psd1')
$here = $PSScriptRoot

New-Csk6ResNet 18 -Classes 100 | Get-ModelBudget | Export-Csk6Chart (Join-Path $here 'budget-resnet18.png') -Force

$data = Import-Csk6Dataset -Name FashionMnist -TrainCount 4096 -TestCount 1000
$common = @{ Dataset = $data; BatchSize = 32; Seed = 1 }
$model = New-Csk6ResNet 18 -Classes 10 -InputChannels 1 -InputSize 28 -Width 0.125 | Convert-ToDepthwise |
    Invoke-ModelTraining @common -Epochs 5 -LearningRate 0.05 |
    Invoke-ConstrainedTraining @common -Epochs 1 -LearningRate 0.005 |
    Invoke-QuantTraining @common -Epochs 2 -LearningRate 0.002   # 128 batches an epoch: enough for the running ranges
$model | Export-Csk6Chart (Join-Path $here 'history-fashion-mnist.png') -Force

$package = $model | New-Csk6Package -Path (Join-Path ([IO.Path]::GetTempPath()) 'csk6-images-fashion.bin') -Force
$package | Export-Csk6Chart (Join-Path $here 'sharemem-fashion-mnist.png') -Force
Get-Content -Raw ([IO.Path]::ChangeExtension($package.Path, '.json'))
