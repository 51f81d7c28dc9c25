BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    # Four classes of 24x24 stripes (as in Training.Tests.ps1, large enough for a 3x3 kernel after three stride-2
    # stages).
    function New-StripeSplit([int] $Count, [int] $Seed) {
        $r = [Random]::new($Seed); $images = [byte[]]::new($Count * 576); $labels = [int[]]::new($Count)
        for ($i = 0; $i -lt $Count; $i++) {
            $k = $labels[$i] = $i % 4
            for ($p = 0; $p -lt 576; $p++) {
                $y = [math]::Floor($p / 24); $x = $p % 24
                $on = switch ($k) {
                    0 { $y % 4 -lt 2 }
                    1 { $x % 4 -lt 2 }
                    2 { [math]::Abs($y - 11.5) -lt 6 -and [math]::Abs($x - 11.5) -lt 6 }
                    default { $false }
                }
                $images[$i * 576 + $p] = if ($on) { 180 + $r.Next(70) } else { $r.Next(60) }
            }
        }
        [Csk6Tools.Engine.Data.DatasetSplit]::new($images, $labels, 1, 24, 24)
    }
    $script:data = [Csk6Tools.Engine.Data.Dataset]@{ Name = 'stripes'; Source = 'synthetic'
        Classes = 'horizontal', 'vertical', 'centre', 'noise'
        Train = (New-StripeSplit 256 1); Test = (New-StripeSplit 64 2); Mean = [float[]]0.3; Std = [float[]]0.35 }
    $script:cifar = Find-Csk6Network
}

Describe 'Find-Csk6Network on CIFAR-100''s shape' {
    It 'returns the candidates that fit, the depthwise ResNet-18 on the front' {
        $cifar.Count | Should -Be 11
        $cifar | Should -BeOfType ([Csk6Tools.Engine.Search.NetworkCandidate])
        @($cifar | Where-Object { -not $_.Fits }).Count | Should -Be 0
        $dw18 = $cifar | Where-Object Name -EQ 'resnet18-dw'
        $dw18.Rank | Should -Be 1
        $dw18.Parameters | Should -Be 1489828
        $dw18.PsramBytes | Should -Be 1502624
        @($cifar | Select-Object -First 5 -ExpandProperty Name) |
            Should -Be @('resnet34-dw', 'resnet152-w0.25-dw', 'resnet101-w0.25-dw', 'resnet34-w0.75-dw', 'resnet18-dw')
    }

    It 'budgets each candidate as Get-ModelBudget does, with both add inputs rescaled' {
        $dw18 = $cifar | Where-Object Name -EQ 'resnet18-dw'
        $again = New-Csk6ResNet 18 | Convert-ToDepthwise | Get-ModelBudget -RescaledAddInputs 2
        $dw18.ShareMemBytes | Should -Be $again.ShareMemBytes
        $dw18.Budget.Layers.Count | Should -Be $again.Layers.Count
        # A row pipes on as its model.
        ($dw18 | Get-ModelBudget).PsramBytes | Should -Be 1502624
        ($dw18 | Convert-ToDepthwise).ParametersAfter | Should -Be 1489828
    }

    It 'keeps the rest with -All, after those that fit, with the rules they break' {
        $all = Find-Csk6Network -Depth 18 -Width 1 -Shortcut DepthwiseSeparable, Keep -All
        @($all.Name) | Should -Be @('resnet18-dw', 'resnet18', 'resnet18-dw-keep')
        @($all.Fits) | Should -Be @($true, $false, $false)
        $all[1].Breaks | Should -Be 'KernelBelowStride, Psram'
        $all[2].Breaks | Should -Be 'KernelBelowStride'
        $all | Format-Table | Out-String -Width 200 |
            Should -Match 'resnet18-dw-keep\s+1,485,796\s+73\.1\s+1,498,592\s+[\d,]+\s+False\s+KernelBelowStride'
    }

    It 'filters on -MaxMacs and -MaxParameters' {
        $few = Find-Csk6Network -Depth 18, 34 -MaxMacs 50e6 -MaxParameters 800000
        @($few.Name) | Should -Be @('resnet34-w0.5-dw', 'resnet18-w0.5-dw', 'resnet34-w0.25-dw', 'resnet18-w0.25-dw')
    }
}

Describe 'Find-Csk6Network bad input' {
    It 'stops with <Id> for <Case>' -ForEach @(
        @{ Case = 'no depth'; Arguments = @{ Depth = @() }; Id = 'SearchEmptyRange' }
        @{ Case = 'no width'; Arguments = @{ Width = @() }; Id = 'SearchEmptyRange' }
        @{ Case = 'width 0'; Arguments = @{ Width = 0.5, 0 }; Id = 'SearchInvalidWidth' }
        @{ Case = 'depth 20'; Arguments = @{ Depth = 20 }; Id = 'SearchInvalidDepth' }
        @{ Case = 'PSRAM 0'; Arguments = @{ PsramCapacity = 0 }; Id = 'SearchInvalidCapacity' }
        @{ Case = 'SHARE_MEM -1'; Arguments = @{ ShareMemCapacity = -1 }; Id = 'SearchInvalidCapacity' }
        @{ Case = 'MaxMacs -1'; Arguments = @{ MaxMacs = -1 }; Id = 'SearchInvalidLimit' }
        @{ Case = 'a 2-number shape'; Arguments = @{ InputShape = 32, 32 }; Id = 'SearchInvalidInput' }
        @{ Case = '-Train without data'; Arguments = @{ Train = $true }; Id = 'SearchDatasetRequired' }
    ) {
        { Find-Csk6Network @Arguments -ErrorAction Stop } |
            Should -Throw -ErrorId "$Id,Csk6Tools.Commands.FindCsk6NetworkCommand"
    }

    It 'stops with SearchModelNotConvertible for a layer it cannot scale, naming it' {
        $b = [Csk6Tools.Engine.Graph.GraphBuilder]::new('odd',
            [Csk6Tools.Engine.Graph.TensorShape]::new([int[]](3, 32, 32)), 'input')
        $x = $b.Add([Csk6Tools.Engine.Graph.Conv2dNode]::Create('conv', 3, 8, 3, 1, 1, 1, $false), [string[]]'input')
        $x = $b.Add([Csk6Tools.Engine.Graph.OtherNode]@{ Name = 'gelu'; OpType = 'Gelu'
                Shape = [Csk6Tools.Engine.Graph.TensorShape]::new([int[]](8, 32, 32)) }, [string[]]$x)
        $graph = $b.Build([string[]]@())
        $e = { $graph | Find-Csk6Network -Width 0.5 -ErrorAction Stop } |
            Should -Throw -ErrorId 'SearchModelNotConvertible,Csk6Tools.Commands.FindCsk6NetworkCommand' -PassThru
        $e.Exception.Message | Should -Match "'gelu' \(Gelu\)"
    }
}

Describe 'Find-Csk6Network with a data set' {
    It 'takes the shape and classes from -Dataset' {
        $found = Find-Csk6Network -Dataset $data -Depth 18 -Width 0.25
        $found.Name | Should -Be 'resnet18-w0.25-dw'
        $found.Model.InputShape.ToString() | Should -Match '1.24.24'
        $found.Model.OutputShape[0] | Should -Be 4
    }

    It 'packs every candidate it says fits, at capacities equal to its own needs, after a short QAT' {
        foreach ($name in 'resnet18-w0.25-dw', 'resnet34-w0.25-dw', 'resnet50-w0.25-dw') {
            $candidate = Find-Csk6Network -Dataset $data -Depth 18, 34, 50 -Width 0.25 | Where-Object Name -EQ $name
            $limits = @{ PsramCapacity = $candidate.PsramBytes; ShareMemCapacity = $candidate.ShareMemBytes }
            # At exactly its own needs the search still says it fits ...
            (Find-Csk6Network -Dataset $data -Depth 18, 34, 50 -Width 0.25 @limits).Name | Should -Contain $name
            # ... and the package it becomes after a few batches of float and quantization-aware training fits them.
            $train = @{ Dataset = $data; BatchSize = 16; Threads = 2; Seed = 1; MaxBatches = 3
                CheckpointPath = (Join-Path $TestDrive "$name.safetensors") }
            $model = $candidate | Invoke-ModelTraining @train -LearningRate 0.05 |
                Invoke-QuantTraining @train -WarningAction SilentlyContinue
            $package = $model | New-Csk6Package -Path (Join-Path $TestDrive "$name.bin") @limits
            $package.PsramBytes | Should -BeLessOrEqual $candidate.PsramBytes
            $package.ShareMemBytes | Should -BeLessOrEqual $candidate.ShareMemBytes
        }
    }

    It '-Train adds float, fake-quant and int8 accuracy; the int8 engine agrees with fake-quant' {
        $rows = Find-Csk6Network -Dataset $data -Depth 18 -Width 0.125, 0.25 -Train -Top 1 -Epochs 3 -BatchSize 16 `
            -Threads 2 -Seed 5
        @($rows).Count | Should -Be 2
        $rows[0].Trained.Stage | Should -Be 'Quantized'
        $rows[0].Accuracy.Samples | Should -Be 64
        $rows[0].Accuracy.Float | Should -BeGreaterThan 0.25
        $rows[0].Accuracy.Engine | Should -Be $rows[0].Accuracy.FakeQuant
        $rows[1].Accuracy | Should -BeNullOrEmpty
        # The trained row pipes on as its trained model.
        ($rows[0] | Test-ModelAccuracy -Dataset $data -Threads 2 | Where-Object Arithmetic -EQ 'fake-quant').Top1 |
            Should -Be $rows[0].Accuracy.FakeQuant
    }
}

Describe 'examples/03-find-network.ps1' {
    It 'prints the search table and the short-trained front on Fashion-MNIST' {
        if (-not (Test-Path /usr/share/datasets/fashion-mnist)) {
            Set-ItResult -Skipped -Because 'Debian''s dataset-fashion-mnist is not installed'
            return
        }
        $out = & (Join-Path $PSScriptRoot '../../examples/03-find-network.ps1') | Out-String -Width 200
        $out | Should -Match 'resnet18-w0\.5-dw\s+373,098\s+15\.8\s+379,968\s+193,024\s+True'
        $out | Should -Match 'resnet18-w0\.25\s+701,178\s+28\.6\s+704,640\s+127,680\s+False\s+KernelBelowStride'
        # The two trained rows carry float, fake-quant and int8 accuracy; the untrained one does not.
        @([regex]::Matches($out, '(?m)^\s+1 resnet\S+-dw\s.*True\s+\d+\.\d\d ?%\s+\d+\.\d\d ?%\s+\d+\.\d\d ?%')).Count |
            Should -Be 2
        $out | Should -Match 'Trained in \d+ s'
    }
}
