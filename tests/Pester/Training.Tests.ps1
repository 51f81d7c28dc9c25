BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    # Four classes that survive crops, flips and small rotations: horizontal stripes, vertical stripes, a bright
    # centre, noise.
    function New-StripeSplit([int] $Count, [int] $Seed) {
        $r = [Random]::new($Seed); $images = [byte[]]::new($Count * 144); $labels = [int[]]::new($Count)
        for ($i = 0; $i -lt $Count; $i++) {
            $k = $labels[$i] = $i % 4
            for ($p = 0; $p -lt 144; $p++) {
                $y = [math]::Floor($p / 12); $x = $p % 12
                $on = switch ($k) {
                    0 { $y % 4 -lt 2 }
                    1 { $x % 4 -lt 2 }
                    2 { [math]::Abs($y - 5.5) -lt 3 -and [math]::Abs($x - 5.5) -lt 3 }
                    default { $false }
                }
                $images[$i * 144 + $p] = if ($on) { 180 + $r.Next(70) } else { $r.Next(60) }
            }
        }
        [Csk6Tools.Engine.Data.DatasetSplit]::new($images, $labels, 1, 12, 12)
    }
    $script:data = [Csk6Tools.Engine.Data.Dataset]@{ Name = 'stripes'; Source = 'synthetic'
        Classes = 'horizontal', 'vertical', 'centre', 'noise'
        Train = (New-StripeSplit 192 1); Test = (New-StripeSplit 64 2); Mean = [float[]]0.3; Std = [float[]]0.35 }
    $script:common = @{ Dataset = $data; BatchSize = 32; Threads = 2; Seed = 3
        CheckpointPath = (Join-Path $TestDrive 'run.safetensors') }
    $script:model = New-Csk6ResNet 18 -Width 0.125 -Classes 4 -InputChannels 1 -InputSize 12 |
        Invoke-ModelTraining @common -Epochs 6 -LearningRate 0.1 |
        Invoke-ConstrainedTraining @common -LearningRate 0.01 |
        Invoke-QuantTraining @common -Epochs 2 -LearningRate 0.005
}

Describe 'Training through the pipeline' {
    It 'returns a quantized model with its history' {
        $model | Should -BeOfType ([Csk6Tools.Engine.Model.Csk6Model])
        $model.Stage | Should -Be 'Quantized'
        @($model.History.Stage) |
            Should -Be @('Float', 'Float', 'Float', 'Float', 'Float', 'Float', 'Constrained', 'Quantized', 'Quantized')
        $model.Quantization.Layers['fc'].Weight | Should -BeGreaterThan 0
        $model.Weights.Keys | Should -Contain 'conv1.0.bias'   # BN folded into the stem
    }

    It 'learned: accuracy well above chance in float and fake-quant' {
        $rows = $model | Test-ModelAccuracy -Dataset $data
        @($rows.Arithmetic) | Should -Be @('float', 'fake-quant')
        $rows | ForEach-Object { $_.Top1 | Should -BeGreaterThan 0.5 }
    }

    It 'draws its history: loss and accuracy per epoch for each stage' {
        $path = Join-Path $TestDrive 'history.png'
        ($model | Export-Csk6Chart $path -Width 900 -Height 900).Length | Should -BeGreaterThan 20KB
        Add-Type -Path (Join-Path (Split-Path (Get-Module Csk6Tools).Path) 'SixLabors.ImageSharp.dll')
        ([SixLabors.ImageSharp.Image]::Identify($path)).Height | Should -Be 900
    }

    It 'shows the trained model, its history, normalization, exponents and accuracy rows in short plain views' {
        # One object: a table row with its header (3 lines) or a short list; a collection: one row per item.
        foreach ($case in @(
                @{ View = Get-DefaultView $model; Lines = 3 }
                @{ View = Get-DefaultView $model.History; Lines = 9 + 2 }
                @{ View = Get-DefaultView $model.Normalization; Lines = 3 }
                @{ View = Get-DefaultView $model.Quantization; Lines = 2 }
                @{ View = Get-DefaultView ($model | Test-ModelAccuracy -Dataset $data); Lines = 2 + 2 })) {
            $case.View.Count | Should -BeLessOrEqual $case.Lines -Because ($case.View -join "`n")
            $case.View -join "`n" | Should -Not -Match $NotInView
        }
        (Get-DefaultView $model)[2] |
            Should -Match '^resnet18-w0\.125\s+Quantized\s+[\d,]+\s+1×12×12\s+9\s+\d+\.\d\d %\s+4$'
    }

    It 'saves and imports the model with identical accuracy' {
        $path = Join-Path $TestDrive 'model.safetensors'
        $file = $model | Save-Csk6Model -Path $path -PassThru
        $file | Should -BeOfType ([IO.FileInfo])
        $back = Import-Csk6Model $path
        $back.Stage | Should -Be 'Quantized'
        ($back | Test-ModelAccuracy -Dataset $data).Top1 | Should -Be ($model | Test-ModelAccuracy -Dataset $data).Top1
    }

    It 'refuses to overwrite without -Force and writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'exists.safetensors'
        Set-Content $path 'x'
        { $model | Save-Csk6Model -Path $path -ErrorAction Stop } |
            Should -Throw -ErrorId 'ModelFileExists,Csk6Tools.Commands.SaveCsk6ModelCommand'
        $model | Save-Csk6Model -Path (Join-Path $TestDrive 'whatif.safetensors') -WhatIf
        Join-Path $TestDrive 'whatif.safetensors' | Should -Not -Exist
    }

    It 'names corrupt, foreign and missing files' {
        $bad = Join-Path $TestDrive 'bad.safetensors'
        [IO.File]::WriteAllBytes($bad, [byte[]](200, 0, 0, 0, 0, 0, 0, 0, 123))
        { Import-Csk6Model $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'ModelFileCorrupt,Csk6Tools.Commands.ImportCsk6ModelCommand'
        $foreign = Join-Path $TestDrive 'foreign.safetensors'
        $json = [Text.Encoding]::UTF8.GetBytes('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}')
        [IO.File]::WriteAllBytes($foreign,
            [BitConverter]::GetBytes([long]$json.Length) + $json + [byte[]](0, 0, 128, 63))
        { Import-Csk6Model $foreign -ErrorAction Stop } |
            Should -Throw -ErrorId 'ModelFileForeign,Csk6Tools.Commands.ImportCsk6ModelCommand'
        { Import-Csk6Model (Join-Path $TestDrive 'none.safetensors') -ErrorAction Stop } |
            Should -Throw -ErrorId 'ModelFileNotFound,Csk6Tools.Commands.ImportCsk6ModelCommand'
    }

    It 'refuses a data set that does not fit the model' {
        { New-Csk6ResNet 18 -Width 0.125 | Invoke-ModelTraining -Dataset $data -ErrorAction Stop } |
            Should -Throw -ErrorId 'TrainingFailed,Csk6Tools.Commands.InvokeModelTrainingCommand'
    }

    It 'warns when quantization-aware training is too short for its running ranges to settle' {
        $short = New-Csk6ResNet 18 -Width 0.125 -Classes 4 -InputChannels 1 -InputSize 12 |
            Invoke-ModelTraining -Dataset $data -Threads 2 -MaxBatches 1 `
                -CheckpointPath (Join-Path $TestDrive 'w1.safetensors')
        $null = $short |
            Invoke-QuantTraining -Dataset $data -Threads 2 -MaxBatches 1 `
                -CheckpointPath (Join-Path $TestDrive 'w2.safetensors') -WarningVariable w `
                -WarningAction SilentlyContinue
        "$w" | Should -Match 'runs 1 batch\(es\).*about 100'
        $null = $short |
            Invoke-ConstrainedTraining -Dataset $data -Threads 2 -MaxBatches 1 `
                -CheckpointPath (Join-Path $TestDrive 'w3.safetensors') -WarningVariable c `
                -WarningAction SilentlyContinue
        $c | Should -BeNullOrEmpty
    }

    It 'takes the augmentation as a list of transforms' {
        $fresh = New-Csk6ResNet 18 -Width 0.125 -Classes 4 -InputChannels 1 -InputSize 12
        $run = @{ Dataset = $data; BatchSize = 32; Threads = 2; Seed = 3; Epochs = 1; LearningRate = 0.1 }
        $loss = foreach ($a in @('None', 'None', 'Crop, Flip', 'Standard')) {
            ($fresh | Invoke-ModelTraining @run -Augmentation $a `
                    -CheckpointPath (Join-Path $TestDrive "aug-$($a -replace '\W').safetensors")).History[-1].Loss
        }
        $loss[1] | Should -Be $loss[0]
        $loss[2] | Should -Not -Be $loss[0]
        $loss[3] | Should -Not -Be $loss[2]
        { $fresh | Invoke-ModelTraining @run -Augmentation Shear -ErrorAction Stop } |
            Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,Csk6Tools.Commands.InvokeModelTrainingCommand'
    }

    It 'resumes from the checkpoint of a finished run without training again' {
        $again = $model | Invoke-QuantTraining @common -Epochs 2 -LearningRate 0.005 -Resume
        $again.History.Count | Should -Be $model.History.Count
    }

    It 'stops on Ctrl+C mid-epoch with a loadable checkpoint, and -Resume ends with the weights of an uninterrupted run' {
        # One thread: the interrupted and the uninterrupted run then sum in the same order and agree bit for bit.
        $run = @{ Dataset = $data; Epochs = 3; BatchSize = 32; Threads = 1; Seed = 3; LearningRate = 0.05 }
        $whole = New-Csk6ResNet 18 -Width 0.125 -Classes 4 -InputChannels 1 -InputSize 12 |
            Invoke-ModelTraining @run -CheckpointPath (Join-Path $TestDrive 'whole.safetensors')
        $checkpoint = Join-Path $TestDrive 'stopped.safetensors'
        $ps = [PowerShell]::Create()
        $ps.Runspace.SessionStateProxy.SetVariable('run', $run)
        $null = $ps.AddScript("Import-Module '$((Get-Module Csk6Tools).Path -replace '\.dll$', '.psd1')'
            New-Csk6ResNet 18 -Width 0.125 -Classes 4 -InputChannels 1 -InputSize 12 | " +
            "Invoke-ModelTraining @run -CheckpointPath '$checkpoint'")
        $handle = $ps.BeginInvoke()
        $deadline = [DateTime]::Now.AddSeconds(120)
        # The checkpoint appears after epoch 1; stopping then lands in epoch 2 (six batches), after its current batch.
        while (-not (Test-Path $checkpoint) -and [DateTime]::Now -lt $deadline) { Start-Sleep -Milliseconds 20 }
        # what Ctrl+C does: StopProcessing cancels the run, which saves the checkpoint after the current batch
        $ps.Stop()
        $handle.IsCompleted | Should -BeTrue
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
        $saved = Import-Csk6Model $checkpoint
        $saved.History.Count | Should -BeLessThan 3 -Because 'the stop came before the last epoch ended'
        $resumed = New-Csk6ResNet 18 -Width 0.125 -Classes 4 -InputChannels 1 -InputSize 12 |
            Invoke-ModelTraining @run -CheckpointPath $checkpoint -Resume -ErrorVariable err
        $err | Should -BeNullOrEmpty
        @($resumed.History.Loss) | Should -Be @($whole.History.Loss)
        foreach ($name in $whole.Weights.Keys) {
            [Linq.Enumerable]::SequenceEqual([float[]]$resumed.Weights[$name].Data,
                [float[]]$whole.Weights[$name].Data) | Should -BeTrue -Because "$name is bit-identical"
        }
    }
}
