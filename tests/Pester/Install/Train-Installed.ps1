# Runs in a fresh pwsh after Csk6Tools and Csk6Tools.Torch were installed: one training batch from the installed copies.
param([Parameter(Mandatory)] [string] $Work)
$ErrorActionPreference = 'Stop'
Import-Module Csk6Tools
$type = (Get-Command Invoke-ModelTraining).Parameters['Dataset'].ParameterType
$splitType = $type.GetProperty('Train').PropertyType
$split = { param($n) $splitType::new([byte[]]::new($n * 64), [int[]](1..$n | ForEach-Object { $_ % 2 }), 1, 8, 8) }
$dataset = [Management.Automation.LanguagePrimitives]::ConvertTo(@{ Name = 'zeros'; Source = 'test'
    Classes = [string[]]('a', 'b'); Train = (& $split 8); Test = (& $split 4); Mean = [float[]]0.5
    Std = [float[]]0.5 }, $type)
$model = New-Csk6ResNet 18 -Width 0.125 -Classes 2 -InputChannels 1 -InputSize 8 |
    Invoke-ModelTraining -Dataset $dataset -BatchSize 8 -Threads 1 -CheckpointPath (Join-Path $Work 'run.safetensors')
[pscustomobject]@{
    Stage  = "$($model.Stage)"
    Epochs = $model.History.Count
    Torch  = ([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'TorchSharp' }).Location
} | ConvertTo-Json -Compress
