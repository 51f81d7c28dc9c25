BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    # Debian's python3-torch installs into /usr/bin/python3; another python3 first on PATH (pyenv) may not have it.
    $script:python = @('/usr/bin/python3', 'python3') | Where-Object { Get-Command $_ -ErrorAction Ignore } |
        Where-Object { & $_ -c 'import torch' 2>$null; $LASTEXITCODE -eq 0 } | Select-Object -First 1
    $script:fashion = '/usr/share/datasets/fashion-mnist'
    $script:graph = New-Csk6ResNet 18 -Width 0.125 -Classes 10 -InputChannels 1 -InputSize 28 | Convert-ToDepthwise
    $script:onnx = Join-Path $PSScriptRoot '../fixtures/onnx/tiny_resnet_opset11.onnx'
    # Why an It that needs PyTorch (and, with -FashionMnist, Debian's Fashion-MNIST) must skip;
    # nothing when it can run.
    function Get-MissingPrerequisite([switch] $FashionMnist) {
        if (-not $python) {
            return 'python3-torch is not installed (apt-get install python3-torch; .ci/run installs it)'
        }
        if ($FashionMnist -and -not (Test-Path $script:fashion)) {
            return 'Debian''s dataset-fashion-mnist package is not installed (CI installs it)'
        }
    }
    function Read-Floats([string] $Path) {
        $bytes = [IO.File]::ReadAllBytes($Path)
        [float[]](0..($bytes.Length / 4 - 1) | ForEach-Object { [BitConverter]::ToSingle($bytes, 4 * $_) })
    }
}

Describe 'Export-Csk6PyTorch' {
    It 'writes model.py and train.py into a new folder and returns them with -PassThru' {
        $dir = Join-Path $TestDrive 'export'
        $files = $graph | Export-Csk6PyTorch -Path $dir -PassThru
        $files.Name | Should -Be @('model.py', 'train.py')
        $files[0] | Should -BeOfType ([IO.FileInfo])
        $model = Get-Content $files[0] -Raw
        $model | Should -Match 'class Csk6Network\(nn\.Module\)'
        $model | Should -Match 'INPUT_SHAPE = \(1, 28, 28\)'
        # One registered module per Conv2d, BatchNorm2d and Linear node, under the graph's own name.
        $layers = @($graph.Nodes | Where-Object Op -In 'Conv2d', 'BatchNorm2d', 'Linear')
        [regex]::Matches($model, 'self\.place\("').Count | Should -Be $layers.Count
        $model | Should -Match ([regex]::Escape('self.place("conv2_x.0.residual_function.0.depthwise", ' +
            'nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False))'))
        Get-Content $files[1] -Raw | Should -Match 'DistributedDataParallel'
        @(Get-ChildItem $dir -Force).Count | Should -Be 2
    }

    It 'refuses to overwrite without -Force, naming each file; -WhatIf writes nothing' {
        $dir = Join-Path $TestDrive 'again'
        $graph | Export-Csk6PyTorch -Path $dir
        $graph | Export-Csk6PyTorch -Path $dir -ErrorVariable errs -ErrorAction SilentlyContinue
        @($errs.FullyQualifiedErrorId) | Should -Be (@('FileExists,Csk6Tools.Commands.ExportCsk6PyTorchCommand') * 2)
        $errs[1].TargetObject | Should -Be (Join-Path $dir 'train.py')
        $graph | Export-Csk6PyTorch -Path $dir -Force -PassThru | Should -HaveCount 2
        $graph | Export-Csk6PyTorch -Path (Join-Path $TestDrive 'whatif') -WhatIf
        Join-Path $TestDrive 'whatif' | Should -Not -Exist
    }

    It 'adds initial.safetensors for a model with weights; refuses a quantized model' {
        $imported = Import-Csk6Model $onnx
        $files = $imported | Export-Csk6PyTorch -Path (Join-Path $TestDrive 'weights') -PassThru
        $files.Name | Should -Be @('model.py', 'train.py', 'initial.safetensors')
        (Import-Csk6Model $files[2].FullName).Weights.Count | Should -Be $imported.Weights.Count
        $quantized = [Csk6Tools.Engine.Model.Csk6Model]@{ Graph = $graph; Stage = 'Quantized' }
        { $quantized | Export-Csk6PyTorch -Path (Join-Path $TestDrive 'q') -ErrorAction Stop } |
            Should -Throw -ErrorId 'PyTorchExportNotFloat,Csk6Tools.Commands.ExportCsk6PyTorchCommand'
    }
}

Describe 'Import-Csk6Model -Graph' {
    It 'reads a safetensors state_dict for the graph as a Float model' {
        $imported = Import-Csk6Model $onnx
        $path = Join-Path $TestDrive 'state.safetensors'
        $imported | Save-Csk6Model -Path $path
        $back = Import-Csk6Model -Path $path -Graph $imported
        $back.Stage | Should -Be 'Float'
        $back.Weights.Count | Should -Be $imported.Weights.Count
        $back.Weights['conv1.weight'].Data | Should -Be $imported.Weights['conv1.weight'].Data
    }

    It 'names every missing, extra and mis-shaped tensor in one error' {
        $path = Join-Path $TestDrive 'other.safetensors'
        Import-Csk6Model $onnx | Save-Csk6Model -Path $path
        $wider = New-Csk6ResNet 18 -Width 0.25 -Classes 10 -InputChannels 1 -InputSize 28
        Import-Csk6Model -Path $path -Graph $wider -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'StateDictMismatch,Csk6Tools.Commands.ImportCsk6ModelCommand'
        $problems = $errs[0].Exception.Problems
        $problems | Should -HaveCount (95 + 25 + 6)  # tiny_resnet has 32 tensors, 7 of them under names the graph has
        $problems | Should -Contain 'layer2.conv1.weight [16×8×3×3]'
        $problems | Should -Contain 'fc.weight is [10×16], the graph needs [10×128]'
        $errs[0].Exception.Message | Should -Match ('102 tensors expected, 32 found\): missing 95: .* ' +
            'not in the graph 25: .* mis-shaped 6: conv1\.0\.weight is \[8×3×3×3\], the graph needs \[16×1×3×3\]')
    }

    It 'refuses a file that is no state_dict' {
        $path = Join-Path $TestDrive 'junk.pt'
        [IO.File]::WriteAllBytes($path, [byte[]](80, 75, 3, 4, 0, 0, 7, 7, 7, 7))
        Import-Csk6Model -Path $path -Graph $graph -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'StateDictUnreadable,Csk6Tools.Commands.ImportCsk6ModelCommand'
    }
}

Describe 'train.py reads data sets as Import-Csk6Dataset does' {
    BeforeAll {
        $script:export = Join-Path $TestDrive 'reader'
        $graph | Export-Csk6PyTorch -Path $export
        function New-Records([string] $Path, [int] $Count, [int[]] $Classes, [int] $Seed) {
            $r = [Random]::new($Seed); $size = $Classes.Count + 3072; $bytes = [byte[]]::new($Count * $size)
            $r.NextBytes($bytes)
            for ($i = 0; $i -lt $Count; $i++) {
                for ($k = 0; $k -lt $Classes.Count; $k++) { $bytes[$i * $size + $k] = $r.Next($Classes[$k]) }
            }
            [IO.File]::WriteAllBytes($Path, $bytes)
        }
        function Compare-Reader([string] $Folder, [object] $Data, [string[]] $Counts) {
            $json = & $python (Join-Path $PSScriptRoot '../pytorch/dataset.py') $export $Folder @Counts 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($json -join "`n")
            $read = $json | ConvertFrom-Json
            $read.name | Should -Be $Data.Name
            $read.classes | Should -Be $Data.Classes
            $read.shape | Should -Be @($Data.Channels, $Data.Height, $Data.Width)
            [float[]]$read.mean | Should -Be $Data.Mean
            [float[]]$read.std | Should -Be $Data.Std
            foreach ($split in 'train', 'test') {
                $ours = $Data.$split
                $read.$split.count | Should -Be $ours.Count
                $read.$split.labelSum | Should -Be ($ours.Labels | Measure-Object -Sum).Sum
                $b = $ours.ImageBytes
                $read.$split.first | Should -Be ($ours.Images[0..($b - 1)] | Measure-Object -Sum).Sum
                $read.$split.last |
                    Should -Be ($ours.Images[(($ours.Count - 1) * $b)..($ours.Count * $b - 1)] |
                            Measure-Object -Sum).Sum
            }
        }
    }

    It 'reads CIFAR-10 and CIFAR-100 binary' {
        if ($missing = Get-MissingPrerequisite) { Set-ItResult -Skipped -Because $missing; return }
        $ten = New-Item -ItemType Directory (Join-Path $TestDrive 'cifar10')
        1..5 | ForEach-Object { New-Records (Join-Path $ten "data_batch_$_.bin") 6 @(10) $_ }
        New-Records (Join-Path $ten 'test_batch.bin') 5 @(10) 9
        Set-Content (Join-Path $ten 'batches.meta.txt') ((0..9 | ForEach-Object { "class$_" }) + '' + '')
        Compare-Reader $ten (Import-Csk6Dataset $ten) @()
        $hundred = New-Item -ItemType Directory (Join-Path $TestDrive 'cifar100')
        New-Records (Join-Path $hundred 'train.bin') 30 @(20, 100) 1
        New-Records (Join-Path $hundred 'test.bin') 8 @(20, 100) 2
        Set-Content (Join-Path $hundred 'fine_label_names.txt') (0..99 | ForEach-Object { "fine$_" })
        Set-Content (Join-Path $hundred 'coarse_label_names.txt') (0..19 | ForEach-Object { "coarse$_" })
        Compare-Reader $hundred (Import-Csk6Dataset $hundred -TrainCount 25) @('25', '8')
    }

    It 'reads Debian''s Fashion-MNIST (IDX, .gz)' {
        if ($missing = Get-MissingPrerequisite -FashionMnist) { Set-ItResult -Skipped -Because $missing; return }
        Compare-Reader $fashion (Import-Csk6Dataset $fashion -TrainCount 300 -TestCount 40) @('300', '40')
    }
}

Describe 'Scale-out round trip' {
    It 'trains under torchrun on two processes, comes back with PyTorch''s logits, quantizes, packs and runs' {
        if ($missing = Get-MissingPrerequisite -FashionMnist) { Set-ItResult -Skipped -Because $missing; return }
        $dir = Join-Path $TestDrive 'ddp'
        $graph | Export-Csk6PyTorch -Path $dir
        $weights = Join-Path $dir 'weights'
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $listener.Start()
        $port = $listener.LocalEndpoint.Port; $listener.Stop()
        # --redirects 1 --tee 1: Debian's torchrun 1.13 fails on Python 3.11 with the default "0" (README, scale-out).
        # A hang fails here instead of holding CI (timeout exits 124).
        $log = & timeout --kill-after 10 300 $python -m torch.distributed.run --nproc_per_node 2 `
            --master_addr 127.0.0.1 --master_port $port --redirects 1 --tee 1 `
            (Join-Path $dir 'train.py') $fashion --train-count 256 --test-count 64 --batch-size 64 --epochs 2 `
            --out $weights 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($log -join "`n")
        ($log -join "`n") | Should -Match '2 process\(es\) on cpu'

        $data = Import-Csk6Dataset -Name FashionMnist -TrainCount 256 -TestCount 64
        $model = Import-Csk6Model -Path "$weights.safetensors" -Graph $graph
        $model.Stage | Should -Be 'Float'
        @($model.History.Epoch) | Should -Be @(1, 2)
        $model.Classes | Should -Be $data.Classes
        # train.py computes the statistics as Import-Csk6Dataset does, to the bit
        $model.Normalization.Mean | Should -Be $data.Mean
        $model.Normalization.Std | Should -Be $data.Std
        $pickled = Import-Csk6Model -Path "$weights.pt" -Graph $graph
        foreach ($name in $model.Weights.Keys) { $pickled.Weights[$name].Data | Should -Be $model.Weights[$name].Data }

        # PyTorch's eval logits of the first 16 test images, from model.py and the same weights
        # (tests/pytorch/logits.py).
        $jobs = Join-Path $dir 'jobs.json'
        ConvertTo-Json -InputObject @(@{ folder = $dir; weights = "$weights.safetensors"; data = $fashion; count = 16
                out = (Join-Path $dir 'logits.f32') }) |
            Set-Content $jobs
        $out = & $python (Join-Path $PSScriptRoot '../pytorch/logits.py') $jobs 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $theirs = Read-Floats (Join-Path $dir 'logits.f32')
        $ours = [Csk6Tools.Training.Evaluator]::Logits($model, $data, 16, $false)
        $ours.Count | Should -Be 160
        # Two float32 evaluations in two libtorch versions: each logit within the rounding bound of its network and
        # image (docs/float-tolerance.md).
        $bound = [Csk6Tools.Training.Evaluator]::LogitBound($model, $data, 16)
        $beyond = 0..159 | Where-Object {
            [math]::Abs($ours[$_] - $theirs[$_]) -gt $bound.Between($_, [Csk6Tools.Training.RoundingBound]::Float32Unit)
        }
        $beyond | Should -BeNullOrEmpty -Because 'TorchSharp and PyTorch compute the same network'
        $untrained = [Csk6Tools.Training.Evaluator]::Logits(([Csk6Tools.Engine.Model.Csk6Model]@{ Graph = $graph }),
            $data, 16, $false)
        $widest = (0..159 | ForEach-Object { $bound.Between($_, [Csk6Tools.Training.RoundingBound]::Float32Unit) } |
            Measure-Object -Maximum).Maximum
        (0..159 | ForEach-Object { [math]::Abs($untrained[$_] - $theirs[$_]) } | Measure-Object -Maximum).Maximum |
            Should -BeGreaterThan ([math]::Max(0.01, 100 * $widest)) -Because 'the bound tells other weights apart'

        $quantized = $model | Invoke-ConstrainedTraining -Dataset $data -BatchSize 64 -MaxBatches 2 |
            Invoke-QuantTraining -Dataset $data -BatchSize 64 -MaxBatches 4 -WarningAction SilentlyContinue
        $quantized.Stage | Should -Be 'Quantized'
        $package = $quantized | New-Csk6Package -Path (Join-Path $TestDrive 'ddp.bin')
        $predictions = Invoke-Csk6Inference -Package $package -Dataset $data
        $predictions.Count | Should -Be 64
        $fake = ($quantized | Test-ModelAccuracy -Dataset $data | Where-Object Arithmetic -EQ 'fake-quant').Top1
        @($predictions | Where-Object Correct).Count / 64 | Should -Be $fake
    }
}
