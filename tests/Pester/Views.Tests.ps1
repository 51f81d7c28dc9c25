# The default view of every object the cmdlets emit, and of the objects one property away from them, is short and
# plain. Line limits: one object is a table row (3 lines with its header) or a list a screen can show at once
# (at most 12 lines); a collection is one table row per item plus its header, never wrapped. A graph, for example,
# shows 3 lines where it used to show 30.
BeforeDiscovery {
    $script:Cases = @(
        @{ Name = 'New-Csk6ResNet (graph)'; Lines = 3; Make = { New-Csk6ResNet 18 } }
        @{ Name = 'graph nodes'; Lines = 7; Make = { (New-Csk6ResNet 18).Nodes | Select-Object -First 5 } }
        @{ Name = 'Convert-ToDepthwise (conversion result)'; Lines = 3
           Make = { New-Csk6ResNet 18 | Convert-ToDepthwise } }
        @{ Name = 'Get-ModelBudget (budget)'; Lines = 3; Make = { New-Csk6ResNet 18 | Get-ModelBudget } }
        @{ Name = 'budget layers'; Lines = 7
           Make = { (New-Csk6ResNet 18 | Get-ModelBudget).Layers | Select-Object -First 5 } }
        @{ Name = 'budget violations'; Lines = 4 * 7 + 3; Make = { (New-Csk6ResNet 18 | Get-ModelBudget).Violations } }
        @{ Name = 'budget SHARE_MEM plan'; Lines = 6; Make = { (New-Csk6ResNet 18 | Get-ModelBudget).ShareMemPlan } }
        @{ Name = 'planned tensors'; Lines = 7
           Make = { (New-Csk6ResNet 18 | Get-ModelBudget).ShareMemPlan.Tensors | Select-Object -First 5 } }
        # A script that outputs several kinds: after the first table, PowerShell lists the others by their default
        # properties.
        @{ Name = 'a conversion, a graph and a budget in one stream'; Lines = 20
           Make = { New-Csk6ResNet 18 | Convert-ToDepthwise; New-Csk6ResNet 18; New-Csk6ResNet 18 | Get-ModelBudget } }
        @{ Name = 'Import-Csk6Dataset (data set)'; Lines = 3; Make = { Import-Csk6Dataset $cifar } }
        @{ Name = 'data set split'; Lines = 3; Make = { (Import-Csk6Dataset $cifar).Train } }
        @{ Name = 'Import-Csk6Model (float ONNX model)'; Lines = 3; Make = { Import-Csk6Model $tinyOnnx } }
        @{ Name = 'model weights'; Lines = 5
           Make = { (Import-Csk6Model $tinyOnnx).Weights.Values | Select-Object -First 3 } }
        @{ Name = 'Export-Csk6Onnx -PassThru (file)'; Lines = 5
           Make = { Import-Csk6Model $tinyOnnx |
               Export-Csk6Onnx -Path (Join-Path $TestDrive 'v.onnx') -Force -PassThru } }
        @{ Name = 'Export-Csk6PyTorch -PassThru (files)'; Lines = 7
           Make = { Import-Csk6Model $tinyOnnx |
               Export-Csk6PyTorch -Path (Join-Path $TestDrive 'py') -Force -PassThru } }
        @{ Name = 'Save-Csk6Model -PassThru (file)'; Lines = 5
           Make = { Import-Csk6Model $tinyOnnx |
               Save-Csk6Model -Path (Join-Path $TestDrive 'v.safetensors') -Force -PassThru } }
    )
    $script:PackageCases = @(
        @{ Name = 'Import-Csk6Model (quantized model)'; Lines = 3; Make = { $quantized } }
        @{ Name = 'quantization state'; Lines = 2; Make = { $quantized.Quantization } }
        @{ Name = 'layer exponents'; Lines = 5
           Make = { $quantized.Quantization.Layers.Values | Select-Object -First 3 } }
        @{ Name = 'New-Csk6Package (package with report)'; Lines = 12; Make = { $package } }
        @{ Name = 'package report'; Lines = 3; Make = { $package.Report } }
        @{ Name = 'package regions'; Lines = 4; Make = { $package.Report.Regions } }
        @{ Name = 'package memories'; Lines = 4; Make = { $package.Memories } }
        @{ Name = 'package tensors'; Lines = 7; Make = { $package.Tensors | Select-Object -First 5 } }
        @{ Name = 'package operators'; Lines = 7; Make = { $package.Operators | Select-Object -First 5 } }
        @{ Name = 'package inputs'; Lines = 3; Make = { $package.Inputs } }
        @{ Name = 'package parameter blobs'; Lines = 3; Make = { $package.ParameterBlobs } }
        @{ Name = 'package DMA records'; Lines = 5; Make = { $package.Dma | Select-Object -First 3 } }
        @{ Name = 'Get-Csk6Package (LISTENAI package)'; Lines = 11
           Make = { Get-Csk6Package (Join-Path $Fixtures 'resnet18_v2_model.bin') } }
        @{ Name = 'Invoke-Csk6Inference (prediction)'; Lines = 3
           Make = { Invoke-Csk6Inference -Package $package -InputPath (Join-Path $Fixtures 'apple_input_q6.bin') } }
        @{ Name = 'prediction top-k'; Lines = 7
           Make = { (Invoke-Csk6Inference -Package $package -InputPath (Join-Path $Fixtures 'apple_input_q6.bin')).Top }
        }
        @{ Name = 'ConvertTo-Csk6Input (input)'; Lines = 3
           Make = { ConvertTo-Csk6Input -Path (Join-Path $Fixtures 'apple.jpg') -Package $package } }
        @{ Name = 'input spec'; Lines = 3
           Make = { (ConvertTo-Csk6Input -Path (Join-Path $Fixtures 'apple.jpg') -Package $package).Spec } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:tinyOnnx = Join-Path $PSScriptRoot '../fixtures/onnx/tiny_resnet_opset11.onnx'
    # CIFAR-10 binary with one record per file.
    $script:cifar = New-Item -ItemType Directory (Join-Path $TestDrive 'cifar-10-batches-bin')
    foreach ($file in (1..5 | ForEach-Object { "data_batch_$_.bin" }) + 'test_batch.bin') {
        [IO.File]::WriteAllBytes((Join-Path $cifar $file), [byte[]]::new(3073))
    }
    0..9 | Set-Content (Join-Path $cifar 'batches.meta.txt')
}

Describe 'Default view of <Name>' -ForEach $Cases {
    It 'is at most <Lines> plain lines' {
        $ErrorActionPreference = 'Stop'
        $view = Get-DefaultView (& $Make)
        $view[0] | Should -Not -BeNullOrEmpty
        $view.Count | Should -BeLessOrEqual $Lines -Because ($view -join "`n")
        $view -join "`n" | Should -Not -Match $NotInView
    }
}

Describe 'Default view of <Name>' -ForEach $PackageCases {
    BeforeAll {
        # LISTENAI's demo network, quantized by linger, packed once for all the cases below.
        $script:quantized = Import-Csk6Model (Join-Path $Fixtures 'resnet18-12-regular.onnx')
        $script:package = $quantized | New-Csk6Package -Path (Join-Path $TestDrive 'model.bin') -Force
    }

    It 'is at most <Lines> plain lines' {
        $ErrorActionPreference = 'Stop'
        $view = Get-DefaultView (& $Make)
        $view[0] | Should -Not -BeNullOrEmpty
        $view.Count | Should -BeLessOrEqual $Lines -Because ($view -join "`n")
        $view -join "`n" | Should -Not -Match $NotInView
    }
}

Describe 'The format and types files' {
    It 'name only types the module has (a renamed namespace would silently drop a view)' {
        $names = foreach ($file in 'Csk6Tools.Format.ps1xml', 'Csk6Tools.Types.ps1xml') {
            ([xml](Get-Content -Raw (Join-Path (Get-Module Csk6Tools).ModuleBase $file))).SelectNodes(
                '//ViewSelectedBy/TypeName | //Type/Name').InnerText
        }
        $known = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -like 'Csk6Tools*' } |
            ForEach-Object { $_.GetExportedTypes().FullName }
        # Csk6Tools.DepthwiseConversion is a type name Convert-ToDepthwise gives its output, not a .NET type.
        $names | Where-Object { $_ -ne 'Csk6Tools.DepthwiseConversion' -and $_ -notin $known } | Should -BeNullOrEmpty
    }
}
