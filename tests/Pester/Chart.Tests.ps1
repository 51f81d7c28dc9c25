BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Add-Type -Path (Join-Path (Split-Path (Get-Module Csk6Tools).Path) 'SixLabors.ImageSharp.dll')
    $script:budget = New-Csk6ResNet 18 | Get-ModelBudget
}

Describe 'Export-Csk6Chart' {
    It 'draws a budget from the pipeline as a PNG of the size asked for, and returns the file' {
        $path = Join-Path $TestDrive 'budget.png'
        $file = $budget | Export-Csk6Chart $path -Width 1000 -Height 700
        $file | Should -BeOfType ([IO.FileInfo])
        $file.FullName | Should -Be $path
        $info = [SixLabors.ImageSharp.Image]::Identify($path)
        $info.Width | Should -Be 1000
        $info.Height | Should -Be 700
        $file.Length | Should -BeGreaterThan 20KB
    }

    It 'draws the SHARE_MEM plan of a budget as SVG with -Kind' {
        $path = Join-Path $TestDrive 'plan.svg'
        Export-Csk6Chart -InputObject $budget -Kind ShareMemPlan -Path $path | Out-Null
        $svg = Get-Content -Raw $path
        $svg | Should -Match '<svg'
        $svg | Should -Match 'offset in SHARE_MEM'
    }

    It 'draws LISTENAI''s package' {
        $path = Join-Path $TestDrive 'demo.png'
        Get-Csk6Package (Join-Path $Fixtures 'resnet18_v2_model.bin') | Export-Csk6Chart $path | Out-Null
        ([SixLabors.ImageSharp.Image]::Identify($path)).Width | Should -Be 1200
    }

    It 'refuses to overwrite without -Force and writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'twice.png'
        $budget | Export-Csk6Chart $path | Out-Null
        $before = (Get-Item $path).LastWriteTimeUtc
        $budget | Export-Csk6Chart $path -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'FileExists,Csk6Tools.Commands.ExportCsk6ChartCommand'
        $budget | Export-Csk6Chart $path -Force | Out-Null
        $budget | Export-Csk6Chart (Join-Path $TestDrive 'whatif.png') -WhatIf
        Test-Path (Join-Path $TestDrive 'whatif.png') | Should -BeFalse
        @(Get-ChildItem $TestDrive -Filter '*.tmp' -Force).Count | Should -Be 0
    }

    It 'names what it cannot draw with stable error ids' {
        { $budget | Export-Csk6Chart (Join-Path $TestDrive 'x.jpg') } |
            Should -Throw -ErrorId 'ChartFormatNotSupported,Csk6Tools.Commands.ExportCsk6ChartCommand'
        $budget | Export-Csk6Chart (Join-Path $TestDrive 'h.png') -Kind History -ErrorVariable e1 `
            -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -Be 'ChartKindNotSupported,Csk6Tools.Commands.ExportCsk6ChartCommand'
        $e1[0].Exception.Message | Should -Match 'has: Budget, ShareMemPlan'
        'text' | Export-Csk6Chart (Join-Path $TestDrive 's.png') -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -Be 'ChartInputNotSupported,Csk6Tools.Commands.ExportCsk6ChartCommand'
        New-Csk6ResNet 18 -Width 0.125 | Convert-ToDepthwise |
            Export-Csk6Chart (Join-Path $TestDrive 'g.png') -ErrorVariable e3 -ErrorAction SilentlyContinue
        $e3[0].FullyQualifiedErrorId | Should -Be 'ChartInputNotSupported,Csk6Tools.Commands.ExportCsk6ChartCommand'
        $budget, $budget |
            Export-Csk6Chart (Join-Path $TestDrive 'two.png') -ErrorVariable e4 -ErrorAction SilentlyContinue | Out-Null
        $e4[0].FullyQualifiedErrorId | Should -Be 'InvalidArgument,Csk6Tools.Commands.ExportCsk6ChartCommand'
        Test-Path (Join-Path $TestDrive 'two.png') | Should -BeTrue
    }
}
