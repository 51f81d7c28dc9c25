<#
.SYNOPSIS
    Step time of float and quantization-aware training: depthwise ResNet-18 at width 0.5, batch 64, 3×32×32, on the
    published module. Prints milliseconds per step (mean over the second epoch, after libtorch's first-step warm-up).
.EXAMPLE
    dotnet pwsh ./bench/training-step.ps1 -Threads 2
#>
param([int] $Threads = 2, [int] $Steps = 8, [double] $Width = 0.5)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module (Join-Path $PSScriptRoot '../out/Csk6Tools/Csk6Tools.psd1')
$n = 64 * $Steps
$images = [byte[]]::new($n * 3 * 32 * 32); [Random]::new(1).NextBytes($images)
$train = [Csk6Tools.Engine.Data.DatasetSplit]::new($images, [int[]](1..$n | ForEach-Object { $_ % 100 }), 3, 32, 32)
$none = [Csk6Tools.Engine.Data.DatasetSplit]::new([byte[]]::new(0), [int[]]::new(0), 3, 32, 32)
$data = [Csk6Tools.Engine.Data.Dataset]@{ Name = 'random'; Source = 'bench'; Classes = [string[]](0..99); Train = $train; Test = $none
    Mean = [float[]](0.507, 0.487, 0.441); Std = [float[]](0.267, 0.256, 0.276) }
$model = New-Csk6ResNet 18 -Width $Width | Convert-ToDepthwise
$common = @{ Dataset = $data; Epochs = 2; BatchSize = 64; Threads = $Threads; LearningRate = 0.01; CheckpointPath = (Join-Path ([IO.Path]::GetTempPath()) 'csk6-bench.safetensors') }
$float = $model | Invoke-ModelTraining @common
$quant = $float | Invoke-QuantTraining @common
$f = $float.History[-1].Seconds / $Steps * 1000
$q = $quant.History[-1].Seconds / $Steps * 1000
"DS ResNet-18 w$Width, batch 64, $Threads threads: float step {0:N0} ms, QAT step {1:N0} ms, QAT/float {2:N2}" -f $f, $q, ($q / $f)

# The same graph in PyTorch (Debian's python3-torch, for Debian's python), when it is installed: float step, same batch and threads.
$python = if (Test-Path /usr/bin/python3) { '/usr/bin/python3' } else { 'python3' }
if (Get-Command $python -ErrorAction Ignore) {
    & $python -c 'import torch' 2>$null
    if ($LASTEXITCODE -eq 0) {
        $graph = Join-Path ([IO.Path]::GetTempPath()) 'csk6-bench-graph.json'
        $model.ToJson() | Set-Content $graph
        $p = [double](& $python (Join-Path $PSScriptRoot 'pytorch_step.py') $graph $Threads $Steps 64)
        "PyTorch $(& $python -c 'import torch; print(torch.__version__)') float step {0:N0} ms; Csk6Tools/PyTorch: float {1:N2}, QAT {2:N2}" -f $p, ($f / $p), ($q / $p)
    }
}
