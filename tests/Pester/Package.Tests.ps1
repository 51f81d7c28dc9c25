BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:v2 = Join-Path $Fixtures 'resnet18_v2_model.bin'
    $script:v3 = Join-Path $Fixtures 'resnet18_v3_model.bin'
    $script:apple = Join-Path $Fixtures 'apple_input_q6.bin'
}

Describe 'Get-Csk6Package' {
    It 'reads LISTENAI''s v2 package' {
        $p = Get-Csk6Package $v2
        $p.Layout | Should -Be 'V2'
        $p.TotalSize | Should -Be 2932416
        $p.PsramBytes | Should -Be 2875136
        $p.ShareMemBytes | Should -Be 384752
        $p.Tensors.Count | Should -Be 350
        $p.Operators.Count | Should -Be 139
        $p.OperatorSummary | Should -Match '^110 Conv2dInt, 10 iqCat'
        $p.Runtime | Should -Match 'v2\.1\.1'
    }

    It 'tells the v3 layout apart and says which runtime it needs' {
        $p = Get-Csk6Package -LiteralPath $v3
        $p.Layout | Should -Be 'V3'
        $p.Runtime | Should -Match '3\.x'
    }

    It 'takes files from Get-ChildItem and expands wildcards' {
        @(Get-ChildItem (Join-Path $Fixtures 'resnet18_v*_model.bin') | Get-Csk6Package).Layout |
            Should -Be @('V2', 'V3')
        @(Get-Csk6Package (Join-Path $Fixtures 'resnet18_v*_model.bin')).Count | Should -Be 2
    }

    It 'formats as a list with the memory and the operators' {
        $text = Get-Csk6Package $v2 | Out-String
        $text | Should -Match 'ShareMemBytes\s*:\s*384,752'
        $text | Should -Match 'Operators\s*:\s*139: 110 Conv2dInt'
        (Get-Csk6Package $v2).Tensors | Select-Object -First 2 | Out-String | Should -Match 'input\s+ShareMem'
    }

    It 'reports a damaged file with a stable error id and goes on' {
        $bad = Join-Path $TestDrive 'bad.bin'
        $bytes = [IO.File]::ReadAllBytes($v2); $bytes[100000] = $bytes[100000] -bxor 1
        [IO.File]::WriteAllBytes($bad, $bytes)
        $out = Get-Csk6Package $bad, $v2 -ErrorVariable errs -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'PackageCrcMismatch,Csk6Tools.Commands.GetCsk6PackageCommand'
        $errs[0].Exception.Message | Should -Match 'bad\.bin.*CRC-24'
        [IO.File]::WriteAllBytes($bad, [byte[]](1..10))
        { Get-Csk6Package $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'PackageTruncated,Csk6Tools.Commands.GetCsk6PackageCommand'
        { Get-Csk6Package (Join-Path $TestDrive 'missing.bin') -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathNotFound,Csk6Tools.Commands.GetCsk6PackageCommand'
    }
}

Describe 'Invoke-Csk6Inference' {
    It 'predicts apple for the tutorial''s input, as test_thinker did' {
        $r = Invoke-Csk6Inference -Package $v2 -InputPath $apple
        $r.Index | Should -Be 0
        $r.Label | Should -Be 'apple'
        $r.Logit | Should -Be 91
        $r.Exponent | Should -Be 4
        $r.Top.Count | Should -Be 5
        $r.Logits.Count | Should -Be 100
    }

    It 'appends the raw output as test_thinker does, byte for byte' {
        $out = Join-Path $TestDrive 'output.bin'
        Invoke-Csk6Inference $v2 $apple -OutFile $out | Out-Null
        [IO.File]::ReadAllBytes($out) |
            Should -Be ([IO.File]::ReadAllBytes((Join-Path $Fixtures 'apple_output_q4.bin')))
        Invoke-Csk6Inference $v2 $apple -OutFile $out | Out-Null
        (Get-Item $out).Length | Should -Be 200
    }

    It 'writes nothing with -WhatIf' {
        $out = Join-Path $TestDrive 'whatif.bin'
        Invoke-Csk6Inference $v2 $apple -OutFile $out -WhatIf | Out-Null
        Test-Path $out | Should -BeFalse
    }

    It 'runs every piped input with one package object; zeros give cloud' {
        $zeros = Join-Path $TestDrive 'zeros.bin'
        [IO.File]::WriteAllBytes($zeros, [byte[]]::new(3072))
        $package = Get-Csk6Package $v3
        $r = Get-Item $apple, $zeros | Invoke-Csk6Inference -Package $package
        $r.Label | Should -Be @('apple', 'cloud')
        $r[1].Logit | Should -Be 58
    }

    It 'refuses an input of the wrong size with a stable id' {
        $short = Join-Path $TestDrive 'short.bin'
        [IO.File]::WriteAllBytes($short, [byte[]]::new(3000))
        Invoke-Csk6Inference $v2 $short -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Be 'EngineInputSize,Csk6Tools.Commands.InvokeCsk6InferenceCommand'
        $errs[0].Exception.Message | Should -Match '3,000 bytes.*3,072'
    }

    It 'refuses a non-package with a terminating error' {
        { Invoke-Csk6Inference -Package $apple -InputPath $apple } |
            Should -Throw -ErrorId 'PackageNotThinker,Csk6Tools.Commands.InvokeCsk6InferenceCommand'
        { Invoke-Csk6Inference -Package 42 -InputPath $apple } |
            Should -Throw -ErrorId 'PackageExpected,Csk6Tools.Commands.InvokeCsk6InferenceCommand'
    }
}

Describe 'ConvertTo-Csk6Input' {
    BeforeAll { $script:jpg = Join-Path $Fixtures 'apple.jpg' }

    It 'writes the tutorial input, close to the reference and clamped where it wrapped' {
        $out = Join-Path $TestDrive 'apple.bin'
        $r = ConvertTo-Csk6Input -Path $jpg -Package $v2 -OutFile $out
        $r.Path | Should -Be $out
        $r.OutOfRange | Should -BeGreaterThan 400
        $signed = { param($bytes) foreach ($b in $bytes) { if ($b -ge 128) { $b - 256 } else { [int]$b } } }
        $ours = @(& $signed ([IO.File]::ReadAllBytes($out)))
        $ref = @(& $signed ([IO.File]::ReadAllBytes($apple)))
        $ours.Count | Should -Be 3072
        $close = 0
        for ($i = 0; $i -lt 3072; $i++) {
            if ([math]::Abs($ours[$i] - $ref[$i]) -le 1 -or ($ref[$i] -lt -120 -and $ours[$i] -eq 127)) { $close++ }
        }
        $close | Should -BeGreaterOrEqual 3040
        ($ours | Measure-Object -Maximum).Maximum | Should -Be 127
    }

    It 'wraps like the reference script with -Overflow Wrap' {
        $r = ConvertTo-Csk6Input $jpg -Overflow Wrap
        @($r.Bytes | Where-Object { $_ -ge 128 -and $_ -le 130 }).Count | Should -BeGreaterThan 400
    }

    It 'refuses to overwrite without -Force and writes nothing with -WhatIf' {
        $out = Join-Path $TestDrive 'exists.bin'
        Set-Content $out 'x'
        ConvertTo-Csk6Input $jpg -OutFile $out -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        $errs[0].FullyQualifiedErrorId | Should -Be 'FileExists,Csk6Tools.Commands.ConvertToCsk6InputCommand'
        (Get-Item $out).Length | Should -BeLessThan 10
        ConvertTo-Csk6Input $jpg -OutFile $out -Force | Out-Null
        (Get-Item $out).Length | Should -Be 3072
        $new = Join-Path $TestDrive 'whatif.bin'
        ConvertTo-Csk6Input $jpg -OutFile $new -WhatIf | Out-Null
        Test-Path $new | Should -BeFalse
    }

    It 'gives a clear error for a file that is not an image and for an oversized image' {
        $fake = Join-Path $TestDrive 'fake.jpg'
        Set-Content $fake 'not a jpeg'
        ConvertTo-Csk6Input $fake -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        $errs[0].FullyQualifiedErrorId | Should -Be 'InvalidImage,Csk6Tools.Commands.ConvertToCsk6InputCommand'
        ConvertTo-Csk6Input $jpg -MaxPixels 1000 -ErrorVariable errs2 -ErrorAction SilentlyContinue | Out-Null
        $errs2[0].FullyQualifiedErrorId | Should -Be 'ImageTooLarge,Csk6Tools.Commands.ConvertToCsk6InputCommand'
    }

    It 'pipes into Invoke-Csk6Inference, and the engine takes the photo directly too' {
        (ConvertTo-Csk6Input $jpg | Invoke-Csk6Inference -Package $v2).Label | Should -Be 'apple'
        (Invoke-Csk6Inference $v2 $jpg).Label | Should -Be 'apple'
    }

    It 'needs the normalization of a 1-channel input' {
        { ConvertTo-Csk6Input $jpg -Mean 0.5 -Std 0.5 } |
            Should -Throw -ErrorId 'InvalidArgument,Csk6Tools.Commands.ConvertToCsk6InputCommand'
    }
}

Describe 'New-Csk6Package' {
    It 'refuses a model without weights with ModelNotQuantized' {
        New-Csk6ResNet 18 -Width 0.125 | Convert-ToDepthwise |
            New-Csk6Package -Path (Join-Path $TestDrive 'x.bin') -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'ModelNotQuantized,Csk6Tools.Commands.NewCsk6PackageCommand'
        Test-Path (Join-Path $TestDrive 'x.bin') | Should -BeFalse
    }

    Context 'a quantized model' -Skip:(-not (Test-Path '/usr/share/datasets/fashion-mnist')) {
        BeforeAll {
            $script:data = Import-Csk6Dataset -Name FashionMnist -TrainCount 256 -TestCount 100
            $script:model = New-Csk6ResNet 18 -Classes 10 -InputChannels 1 -InputSize 28 -Width 0.125 |
                Convert-ToDepthwise |
                Invoke-QuantTraining -Dataset $data -MaxBatches 4 -BatchSize 64
        }

        It 'writes a package that reads back, with the report' {
            $path = Join-Path $TestDrive 'fashion.bin'
            $p = $model | New-Csk6Package -Path $path
            $p.Path | Should -Be $path
            $p.Layout | Should -Be 'V2'
            (Get-Item $path).Length | Should -Be $p.TotalSize
            $p.Report.Regions.Region | Should -Be @('Psram', 'ShareMem')
            $p.Report.Regions[0].Bytes | Should -Be $p.PsramBytes
            $p.Report.Regions[1].Bytes | Should -BeLessOrEqual $p.ShareMemBytes
            $p.OperatorSummary | Should -Match 'Conv2dInt.*iqAdd'
            (Get-Csk6Package $path).Crc | Should -Be $p.Crc
            $p | Out-String | Should -Match 'Plan\s*:\s*SHARE_MEM'
        }

        It 'refuses to overwrite without -Force and writes nothing with -WhatIf' {
            $path = Join-Path $TestDrive 'twice.bin'
            $model | New-Csk6Package -Path $path | Out-Null
            $model | New-Csk6Package -Path $path -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -Be 'FileExists,Csk6Tools.Commands.NewCsk6PackageCommand'
            $other = Join-Path $TestDrive 'whatif.bin'
            $model | New-Csk6Package -Path $other -WhatIf
            Test-Path $other | Should -BeFalse
        }

        It 'stops with PackageOverCapacity naming the region and the largest users' {
            $path = Join-Path $TestDrive 'small.bin'
            { $model | New-Csk6Package -Path $path -ShareMemCapacity 16KB } |
                Should -Throw -ErrorId 'PackageOverCapacity,Csk6Tools.Commands.NewCsk6PackageCommand'
            try { $model | New-Csk6Package -Path $path -ShareMemCapacity 16KB } catch { $_.Exception.Message |
                Should -Match 'ShareMem needs [\d,]+ B, [\d,]+ B over its 16,384 B; the largest: ' }
            Test-Path $path | Should -BeFalse
        }

        It 'runs on the host with the predictions of the fake-quantized model' {
            $path = Join-Path $TestDrive 'run.bin'
            $p = $model | New-Csk6Package -Path $path -Planner GreedyByBreadth
            $p.Report.ShareMemPlan.Planner | Should -Be 'GreedyByBreadth'
            $predictions = Invoke-Csk6Inference -Package $p -Dataset $data
            $predictions.Count | Should -Be 100
            $engine = @($predictions | Where-Object Correct).Count / 100
            $fake = ($model | Test-ModelAccuracy -Dataset $data | Where-Object Arithmetic -EQ 'fake-quant').Top1
            # The logits are equal (xunit PackagingTests), and both take the first of tied maxima (as test_thinker
            # does).
            $engine | Should -Be $fake
            # Every core by default, in the data set's order: the same predictions as one thread; -Verbose says how
            # fast.
            $one = Invoke-Csk6Inference -Package $p -Dataset $data -Threads 1
            for ($i = 0; $i -lt 100; $i++) { $one[$i].Logits | Should -Be $predictions[$i].Logits }
            $verbose = Invoke-Csk6Inference -Package $p -Dataset $data -Count 10 -Threads 2 -Verbose 4>&1 |
                Where-Object { $_ -is [Management.Automation.VerboseRecord] }
            $verbose[-1].Message | Should -Match ('^10 images in [\d.]+ s: [\d,]+ images/s on 2 thread\(s\) ' +
                '\((Avx512|Vnni|Avx2|Scalar)\)\.$')
        }

        It 'describes itself in model.json, and predicts from PNG files with its own classes and normalization' {
            $dir = New-Item (Join-Path $TestDrive 'described') -ItemType Directory
            $path = Join-Path $dir 'fashion.bin'
            $p = $model | New-Csk6Package -Path $path
            $json = Get-Content -Raw (Join-Path $dir 'fashion.json') | ConvertFrom-Json
            $json.crc | Should -Be $p.Crc
            $json.classes | Should -Be $data.Classes
            [float[]] $json.normalization.mean | Should -Be $data.Mean
            [float[]] $json.normalization.std | Should -Be $data.Std
            $json.input.shape | Should -Be @(1, 1, 28, 28)
            $json.output.shape | Should -Be @(1, 10)
            $json.input.exponent | Should -Be $p.InputTensor.Exponent
            $json.moduleVersion | Should -Be (Get-Module Csk6Tools).Version.ToString(3)
            (Get-Csk6Package $path).Description.Classes[0] | Should -Be 'T-shirt/top'
            Get-Csk6Package $path | Out-String -Width 300 |
                Should -Match ('Path\s*:\s*\S+fashion\.bin \+ model\.json ' +
                    '\(10 classes, normalization, from resnet18-w0.125-dw\)')
            "$((Get-Csk6Package $path).Description)" |
                Should -Match ('^10 classes \(T-shirt/top, Trouser, Pullover, …\); input 1×1×28×28 at Q\d+; ' +
                    'output 1×10 at Q\d+; mean [\d.]+, std [\d.]+; from resnet18-w0.125-dw$')
            $text = (Get-Csk6Package $path).Description | Out-String
            $text | Should -Match 'Classes\s*:\s*10: T-shirt/top, Trouser, Pullover, Dress, Coat, \.\.\.'
            $text | Should -Match 'Crc\s*:\s*0x[0-9A-F]{6}'
            $text | Should -Not -Match 'Csk6Tools\.Engine'
            Add-Type -Path (Join-Path (Split-Path (Get-Module Csk6Tools).Path) 'SixLabors.ImageSharp.dll')
            foreach ($i in 0..5) {
                $image = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.L8]]::new(28, 28)
                foreach ($y in 0..27) {
                    foreach ($x in 0..27) {
                        $image[$x, $y] = [SixLabors.ImageSharp.PixelFormats.L8]::new(
                            $data.Test.Images[$i * 784 + $y * 28 + $x])
                    }
                }
                [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($image, (Join-Path $dir "test$i.png"))
                $image.Dispose()
            }
            Push-Location $dir
            try { $fromPng = Get-ChildItem *.png | Invoke-Csk6Inference -Package fashion.bin }
            finally { Pop-Location }
            $fromData = Invoke-Csk6Inference $path -Dataset $data -Count 6
            $fromPng.Count | Should -Be 6
            $fromPng.Label | ForEach-Object { $_ | Should -BeIn $data.Classes }
            foreach ($i in 0..5) { $fromPng[$i].Logits | Should -Be $fromData[$i].Logits }
            (ConvertTo-Csk6Input (Join-Path $dir 'test0.png') -Package $path).Bytes | Should -Be (
                ConvertTo-Csk6Input (Join-Path $dir 'test0.png') -Package $path -Mean $data.Mean -Std $data.Std).Bytes
        }

        It 'ignores a model.json of another bin with a warning, and -WhatIf writes neither file' {
            $dir = New-Item (Join-Path $TestDrive 'stale') -ItemType Directory
            $path = Join-Path $dir 'stale.bin'
            $model | New-Csk6Package -Path $path | Out-Null
            $sidecar = Join-Path $dir 'stale.json'
            (Get-Content -Raw $sidecar) -replace '"crc": \d+', '"crc": 1' | Set-Content $sidecar
            $p = Get-Csk6Package $path -WarningVariable warnings -WarningAction SilentlyContinue
            $p.Description | Should -BeNullOrEmpty
            $warnings[0].Message | Should -Match 'stale\.json.*ignored.*CRC-24 0x000001'
            { ConvertTo-Csk6Input (Join-Path $dir 'x.png') -Package $path -WarningAction SilentlyContinue } |
                Should -Throw -ErrorId 'InvalidArgument,Csk6Tools.Commands.ConvertToCsk6InputCommand'
            $model | New-Csk6Package -Path (Join-Path $dir 'whatif.bin') -WhatIf
            Test-Path (Join-Path $dir 'whatif.*') | Should -BeFalse
        }

        It 'adds the engine''s column to Test-ModelAccuracy with -Package' {
            $path = Join-Path $TestDrive 'accuracy.bin'
            $p = $model | New-Csk6Package -Path $path
            $rows = $model | Test-ModelAccuracy -Dataset $data -Package $path
            @($rows.Arithmetic) | Should -Be @('float', 'fake-quant', 'int8 engine')
            $rows[2].Samples | Should -Be 100
            $rows[2].Top1 | Should -Be $rows[1].Top1
            $verbose = $model | Test-ModelAccuracy -Dataset $data -Package $path -Verbose 4>&1 |
                Where-Object { $_ -is [Management.Automation.VerboseRecord] }
            $verbose[-1].Message | Should -Match ('^int8 engine: top-1 .* over 100 images, [\d,]+ images/s ' +
                'on \d+ thread\(s\) \((Avx512|Vnni|Avx2|Scalar)\)$')
        }
    }
}

Describe 'New-Csk6Package -KeepQuantDequant' -Skip:(-not (Test-Path '/usr/share/datasets/fashion-mnist')) {
    It 'keeps float input and output, and predicts as the int8 package does' {
        $data = Import-Csk6Dataset -Name FashionMnist -TrainCount 128 -TestCount 20
        $model = New-Csk6ResNet 18 -Classes 10 -InputChannels 1 -InputSize 28 -Width 0.125 | Convert-ToDepthwise |
            Invoke-QuantTraining -Dataset $data -MaxBatches 2 -BatchSize 64
        $int8 = $model | New-Csk6Package -Path (Join-Path $TestDrive 'int8.bin')
        $float = $model | New-Csk6Package -Path (Join-Path $TestDrive 'float.bin') -KeepQuantDequant
        $float.InputTensor.DType | Should -Be 'Float32'
        $float.OutputTensor.DType | Should -Be 'Float32'
        $float.Operators[0].Type | Should -Be 'Quant'
        $float.Operators[-1].Type | Should -Be 'Dequant'
        $float.Operators.Count | Should -Be ($int8.Operators.Count + 2)
        # The same images through both: the Dequant output is the int8 logits / 2^Q.
        $a = Invoke-Csk6Inference $int8 -Dataset $data
        $bytes = foreach ($i in 0..19) {
            $pixels = $data.Test.Images[($i * 784)..($i * 784 + 783)]
            $x = foreach ($p in $pixels) { [float](($p / 255.0 - $data.Mean[0]) / $data.Std[0]) }
            , [byte[]]([float[]]$x | ForEach-Object { [BitConverter]::GetBytes($_) })
        }
        for ($i = 0; $i -lt 20; $i++) {
            $file = Join-Path $TestDrive "f$i.bin"
            [IO.File]::WriteAllBytes($file, $bytes[$i])
            $b = Invoke-Csk6Inference $float $file
            $b.Values | Should -Be $a[$i].Values
        }
    }
}
