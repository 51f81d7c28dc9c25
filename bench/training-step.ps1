<#
.SYNOPSIS
    Step time of float and quantization-aware training against PyTorch: depthwise ResNet-18 at width 0.5, batch 64,
    3×32×32, on the published module. Our side is the cmdlets' second epoch (after libtorch's first-step warm-up); the
    peer is bench/pytorch_step.py on the same graph, batch and threads (Debian's python3-torch), float and the same
    fake quantization written in PyTorch. The rounds alternate the two and the medians are compared.
.EXAMPLE
    dotnet pwsh ./bench/training-step.ps1 -Threads 2 -Rounds 3
#>
param([int] $Threads = 2, [int] $Steps = 8, [double] $Width = 0.5, [int] $Rounds = 3)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module (Join-Path $PSScriptRoot '../out/Csk6Tools/Csk6Tools.psd1')
$n = 64 * $Steps
$images = [byte[]]::new($n * 3 * 32 * 32); [Random]::new(1).NextBytes($images)
$train = [Csk6Tools.Engine.Data.DatasetSplit]::new($images, [int[]](1..$n | ForEach-Object { $_ % 100 }), 3, 32, 32)
$none = [Csk6Tools.Engine.Data.DatasetSplit]::new([byte[]]::new(0), [int[]]::new(0), 3, 32, 32)
$data = [Csk6Tools.Engine.Data.Dataset]@{ Name = 'random'; Source = 'bench'; Classes = [string[]](0..99)
    Train = $train; Test = $none
    Mean = [float[]](0.507, 0.487, 0.441); Std = [float[]](0.267, 0.256, 0.276) }
$model = New-Csk6ResNet 18 -Width $Width | Convert-ToDepthwise
$common = @{ Dataset = $data; Epochs = 2; BatchSize = 64; Threads = $Threads; LearningRate = 0.01
    CheckpointPath = (Join-Path ([IO.Path]::GetTempPath()) 'csk6-bench.safetensors') }

$python = if (Test-Path /usr/bin/python3) { '/usr/bin/python3' } else { 'python3' }
$peer = [bool](Get-Command $python -ErrorAction Ignore)
if ($peer) { & $python -c 'import torch' 2>$null; $peer = $LASTEXITCODE -eq 0 }
if (-not $peer) {
    Write-Warning ("PyTorch is not installed for $python (apt-get install python3-torch): " +
        "only our own step times are measured.")
}
$floatGraph = Join-Path ([IO.Path]::GetTempPath()) 'csk6-bench-graph.json'
$foldedGraph = Join-Path ([IO.Path]::GetTempPath()) 'csk6-bench-folded.json'
function Peer([string] $Graph, [string] $Mode) {
    [double](& $python (Join-Path $PSScriptRoot 'pytorch_step.py') $Graph $Threads $Steps 64 $Mode)
}

$results = foreach ($round in 1..$Rounds) {
    $float = $model | Invoke-ModelTraining @common
    $quant = $float | Invoke-QuantTraining @common
    $row = [ordered]@{ Round = $round; Float = $float.History[-1].Seconds / $Steps * 1000
        QAT = $quant.History[-1].Seconds / $Steps * 1000 }
    if ($peer) {
        $model.ToJson() | Set-Content $floatGraph
        $quant.Graph.ToJson() | Set-Content $foldedGraph
        $row.PyTorchFloat = Peer $floatGraph float
        $row.PyTorchQAT = Peer $foldedGraph qat
    }
    [pscustomobject]$row
}
$results | Format-Table @{ n = 'Round'; e = { $_.Round } }, @{ n = 'Float ms'; e = { '{0:N0}' -f $_.Float } },
    @{ n = 'QAT ms'; e = { '{0:N0}' -f $_.QAT } },
    @{ n = 'PyTorch float ms'; e = { '{0:N0}' -f $_.PyTorchFloat } },
    @{ n = 'PyTorch QAT ms'; e = { '{0:N0}' -f $_.PyTorchQAT } } | Out-String
function Median([double[]] $v) { $s = $v | Sort-Object; $s[[int][Math]::Floor(($s.Count - 1) / 2)] }
$f = Median $results.Float; $q = Median $results.QAT
("DS ResNet-18 w$Width, batch 64, $Threads threads, medians of $Rounds rounds: " +
    "float step {0:N0} ms, QAT step {1:N0} ms, QAT/float {2:N2} (target <= 1.5)") -f $f, $q, ($q / $f)
if ($peer) {
    $pf = Median $results.PyTorchFloat; $pq = Median $results.PyTorchQAT
    ("PyTorch $(& $python -c 'import torch; print(torch.__version__)'): " +
        "float step {0:N0} ms, QAT step {1:N0} ms; Csk6Tools/PyTorch: float {2:N2}, QAT {3:N2} (target <= 1)") -f
        $pf, $pq, ($f / $pf), ($q / $pq)
}
