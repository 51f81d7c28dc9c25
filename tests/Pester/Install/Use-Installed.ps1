# Runs in a fresh pwsh after Install-Package.ps1: imports Csk6Tools by name and does what a user does first
# (budget, pack, inference, ONNX export, help); prints what it saw as JSON.
param([Parameter(Mandatory)] [string] $Fixtures, [Parameter(Mandatory)] [string] $Work)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module Csk6Tools
$budget = New-Csk6ResNet 18 | Convert-ToDepthwise | Get-ModelBudget
$model = Import-Csk6Model (Join-Path $Fixtures 'resnet18-12-regular.onnx')
$package = $model | New-Csk6Package -Path (Join-Path $Work 'model.bin') -Planner GreedyByBreadth
$prediction = Invoke-Csk6Inference -Package $package -InputPath (Join-Path $Fixtures 'apple_input_q6.bin')
$photo = Get-Item (Join-Path $Fixtures 'apple.jpg') | Invoke-Csk6Inference -Package $package
$onnx = $model | Export-Csk6Onnx -Path (Join-Path $Work 'model.onnx') -Format Qdq -PassThru
$help = Get-Help New-Csk6Package -Full
# Charts, where the module has them (their SkiaSharp must ship with Csk6Tools, not with Csk6Tools.Torch).
$chart = if (Get-Command Export-Csk6Chart -ErrorAction Ignore) {
    $budget | Export-Csk6Chart -Path (Join-Path $Work 'budget.png') | Out-Null
    (Get-Item (Join-Path $Work 'budget.png')).Length
}
# Training needs Csk6Tools.Torch: without it, one clear error before anything loads libtorch.
$dataset = [Activator]::CreateInstance((Get-Command Invoke-ModelTraining).Parameters['Dataset'].ParameterType)
$trainingError = try { New-Csk6ResNet 18 | Invoke-ModelTraining -Dataset $dataset -ErrorAction Stop; 'none' }
catch { $_.FullyQualifiedErrorId }
[pscustomobject]@{
    ModuleBase      = (Get-Module Csk6Tools).ModuleBase
    Version         = "$((Get-Module Csk6Tools).Version)"
    HelpSynopsis    = $help.Synopsis
    HelpDescription = ($help.description.Text -join ' ')
    HelpExamples    = @($help.examples.example).Count
    Fits            = $budget.Fits
    PsramBytes      = $budget.PsramBytes
    PackageHash     = (Get-FileHash $package.Path).Hash
    Label           = $prediction.Label
    Logit           = $prediction.Logit
    PhotoLabel      = $photo.Label
    OnnxBytes       = $onnx.Length
    ChartBytes      = $chart
    TrainingError   = $trainingError
    Loaded          = @([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name)
} | ConvertTo-Json -Compress
