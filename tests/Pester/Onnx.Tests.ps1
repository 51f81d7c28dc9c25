BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Demo = Join-Path $Fixtures 'resnet18-12-regular.onnx'
    $script:PyTorch = Join-Path $PSScriptRoot '../fixtures/onnx'
}

Describe 'Import-Csk6Model on ONNX' {
    It "reads LISTENAI's linger demo as a quantized model whose budget and package are tpacker's" {
        $model = Import-Csk6Model $Demo
        $model.Stage | Should -Be 'Quantized'
        ($model | Get-ModelBudget).PsramBytes | Should -Be 2875136
        $package = $model | New-Csk6Package -Path (Join-Path $TestDrive 'model.bin') -Planner GreedyByBreadth
        (Get-FileHash $package.Path).Hash | Should -Be (Get-FileHash (Join-Path $Fixtures 'resnet18_v2_model.bin')).Hash
        $top = (Invoke-Csk6Inference -Package $package -InputPath (Join-Path $Fixtures 'apple_input_q6.bin')).Top[0]
        $top.Index | Should -Be 0
    }

    It 'reads float ONNX that PyTorch exported' -ForEach @(
        @{ File = 'tiny_resnet_opset11.onnx'; Parameters = 5266 }
        @{ File = 'tiny_vgg_opset12.onnx'; Parameters = 4835 }
        @{ File = 'tiny_mobile_opset13.onnx'; Parameters = 417 }
    ) {
        $model = Import-Csk6Model (Join-Path $PyTorch $File)
        $model.Stage | Should -Be 'Float'
        $model.Parameters | Should -Be $Parameters
        ($model | Get-ModelBudget).Layers.Count | Should -BeGreaterThan 3
    }

    It 'pipes an imported float model into Convert-ToDepthwise and training' {
        $vgg = Import-Csk6Model (Join-Path $PyTorch 'tiny_vgg_opset12.onnx')
        ($vgg | Convert-ToDepthwise).ConvertedLayers | Should -Be @('features.3')
        $data = [Csk6Tools.Engine.Data.Dataset]@{ Name = 'squares'; Source = 'test'; Classes = 'a', 'b', 'c', 'd', 'e'
            Mean = [float[]]0.5; Std = [float[]]0.29
            Train = [Csk6Tools.Engine.Data.DatasetSplit]::new([byte[]](0..8191 | ForEach-Object { ($_ * 37) % 256 }),
                [int[]](0..31 | ForEach-Object { $_ % 5 }), 1, 16, 16)
            Test = [Csk6Tools.Engine.Data.DatasetSplit]::new([byte[]](0..2047 | ForEach-Object { ($_ * 11) % 256 }),
                [int[]](0..7 | ForEach-Object { $_ % 5 }), 1, 16, 16) }
        $trained = Import-Csk6Model (Join-Path $PyTorch 'tiny_mobile_opset13.onnx') |
            Invoke-ModelTraining -Dataset $data -Epochs 1 -BatchSize 16
        $trained.Stage | Should -Be 'Float'
        $trained.History.Count | Should -Be 1
    }

    It 'names a corrupt file with a stable id' {
        $bad = Join-Path $TestDrive 'bad.onnx'
        [IO.File]::WriteAllBytes($bad, [byte[]](8, 7, 255, 255, 255, 255, 3))
        { Import-Csk6Model $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'OnnxCorrupt,Csk6Tools.Commands.ImportCsk6ModelCommand'
    }
}

Describe 'Export-Csk6Onnx' {
    BeforeAll {
        $script:Quantized = Import-Csk6Model $Demo
        $script:Float = Import-Csk6Model (Join-Path $PyTorch 'tiny_resnet_opset11.onnx')
    }

    It "writes linger's dialect that re-imports to tpacker's package" {
        $file = $Quantized | Export-Csk6Onnx -Path (Join-Path $TestDrive 'linger.onnx') -Format Linger -PassThru
        $file | Should -BeOfType ([IO.FileInfo])
        $package = Import-Csk6Model $file.FullName |
            New-Csk6Package -Path (Join-Path $TestDrive 'again.bin') -Planner GreedyByBreadth
        (Get-FileHash $package.Path).Hash | Should -Be (Get-FileHash (Join-Path $Fixtures 'resnet18_v2_model.bin')).Hash
    }

    It "packs the linger export of <Network> to tpacker 2.1.1's bytes with -Planner Tpacker" -ForEach @(
        @{ Network = 'r50_dw_w025_fm'; Planner = 'GreedyBySize' }
        @{ Network = 'r18_dw_stem_fm'; Planner = 'GreedyByBreadth' }
    ) {
        $oracle = Join-Path $PSScriptRoot '../fixtures/tpacker-oracle'
        $file = Import-Csk6Model (Join-Path $oracle "$Network.linger.onnx") |
            Export-Csk6Onnx -Path (Join-Path $TestDrive "$Network.onnx") -Format Linger -PassThru
        $package = Import-Csk6Model $file.FullName |
            New-Csk6Package -Path (Join-Path $TestDrive "$Network.bin") -Planner Tpacker
        $package.Report.ShareMemPlan.Planner | Should -Be $Planner
        $model = Import-Csk6Model $file.FullName
        ($model | Get-ModelBudget).ShareMemBytes | Should -Be (
            $model | New-Csk6Package -Path (Join-Path $TestDrive "$Network.default.bin")).Report.ShareMemPlan.Bytes
        (Get-FileHash $package.Path).Hash | Should -Be (Get-FileHash (Join-Path $oracle "$Network.tpacker_v2.bin")).Hash
    }

    It "packs LISTENAI's demo for thinker 3 with -Layout V3: tpacker 3.0.4's bytes" {
        $package = $Quantized | New-Csk6Package -Path (Join-Path $TestDrive 'v3.bin') -Layout V3 -Planner Tpacker
        $package.Layout | Should -Be 'V3'
        $package.PlatformName | Should -Be 'venus'
        (Get-FileHash $package.Path).Hash | Should -Be (Get-FileHash (Join-Path $Fixtures 'resnet18_v3_model.bin')).Hash
        { $Quantized | New-Csk6Package -Path (Join-Path $TestDrive 'v4.bin') -Layout V4 } |
            Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,Csk6Tools.Commands.NewCsk6PackageCommand'
        { $Quantized | New-Csk6Package -Path (Join-Path $TestDrive 'f.bin') -Layout V3 -KeepQuantDequant } |
            Should -Throw -ErrorId 'PackOptionNotInLayout,Csk6Tools.Commands.NewCsk6PackageCommand'
        Test-Path (Join-Path $TestDrive 'f.bin') | Should -BeFalse
    }

    It 'writes float and QDQ files that read back' {
        $Float | Export-Csk6Onnx -Path (Join-Path $TestDrive 'float.onnx')
        (Import-Csk6Model (Join-Path $TestDrive 'float.onnx')).Parameters | Should -Be 5266
        if ($Quantized) {
            $Quantized | Export-Csk6Onnx -Path (Join-Path $TestDrive 'qdq.onnx') -Format Qdq
            (Get-Item (Join-Path $TestDrive 'qdq.onnx')).Length | Should -BeGreaterThan 2800000
        }
    }

    It 'writes nothing with -WhatIf and refuses to overwrite without -Force' {
        $path = Join-Path $TestDrive 'whatif.onnx'
        $Float | Export-Csk6Onnx -Path $path -WhatIf
        $path | Should -Not -Exist
        $Float | Export-Csk6Onnx -Path $path
        { $Float | Export-Csk6Onnx -Path $path -ErrorAction Stop } |
            Should -Throw -ErrorId 'FileExists,Csk6Tools.Commands.ExportCsk6OnnxCommand'
        $Float | Export-Csk6Onnx -Path $path -Force -PassThru | Should -BeOfType ([IO.FileInfo])
    }

    It 'says why a model cannot be written' {
        { $Float | Export-Csk6Onnx -Path (Join-Path $TestDrive 'q.onnx') -Format Qdq -ErrorAction Stop } |
            Should -Throw -ErrorId 'OnnxExportNotQuantized,Csk6Tools.Commands.ExportCsk6OnnxCommand'
        { New-Csk6ResNet 18 | Export-Csk6Onnx -Path (Join-Path $TestDrive 'g.onnx') -ErrorAction Stop } |
            Should -Throw -ErrorId 'OnnxExportNoWeights,Csk6Tools.Commands.ExportCsk6OnnxCommand'
        Join-Path $TestDrive 'g.onnx' | Should -Not -Exist
    }
}
