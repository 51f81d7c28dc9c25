BeforeAll { . (Join-Path $PSScriptRoot 'common.ps1') }

Describe 'New-Csk6ResNet' {
    It 'builds ResNet-<Depth> with <Expected> parameters' -ForEach @(
        @{ Depth = 18; Expected = 11220132 }, @{ Depth = 34; Expected = 21328292 }, @{ Depth = 50; Expected = 23705252 }
        @{ Depth = 101; Expected = 42697380 }, @{ Depth = 152; Expected = 58341028 }
    ) {
        $m = New-Csk6ResNet -Depth $Depth
        $m | Should -BeOfType ([Csk6Tools.Engine.Graph.ModelGraph])
        $m.Parameters | Should -Be $Expected
    }

    It 'takes the depth by position and scales the width' {
        $m = New-Csk6ResNet 18 -Width 0.5 -Classes 10 -InputChannels 1 -InputSize 28
        "$($m.InputShape)" | Should -Be '1×28×28'
        "$($m.OutputShape)" | Should -Be '10'
        $m['conv1.0'].OutChannels | Should -Be 32
    }

    It 'refuses -Depth 19 with InvalidDepth' {
        { New-Csk6ResNet -Depth 19 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidDepth,Csk6Tools.Commands.NewCsk6ResNetCommand'
    }

    It 'refuses a negative width with InvalidWidth' {
        { New-Csk6ResNet 18 -Width -0.5 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidWidth,Csk6Tools.Commands.NewCsk6ResNetCommand'
    }

    It 'completes depths' {
        $r = [System.Management.Automation.CommandCompletion]::CompleteInput('New-Csk6ResNet -Depth 1', 23, $null)
        $r.CompletionMatches.CompletionText | Should -Be @('18', '101', '152')
    }
}

Describe 'Convert-ToDepthwise' {
    It 'shrinks ResNet-18 to 1,489,828 parameters and says so' {
        $m = New-Csk6ResNet 18 | Convert-ToDepthwise
        $m.ParametersBefore | Should -Be 11220132
        $m.ParametersAfter | Should -Be 1489828
        $m.Parameters | Should -Be 1489828
        $m.Reduction | Should -BeGreaterThan 0.86
        $m.ConvertedLayers.Count | Should -Be 19
        $m['conv3_x.0.shortcut.0.depthwise'].Kernel | Should -Be @(3, 3)
    }

    It 'makes LISTENAI''s demo network with -Shortcut Dense3x3' {
        $m = New-Csk6ResNet 18 | Convert-ToDepthwise -Shortcut Dense3x3
        $m.DeployParameters | Should -Be 2857252
    }

    It 'refuses a non-model object with ModelExpected and goes on with the next' {
        $out = 'not a model', (New-Csk6ResNet 18) | Convert-ToDepthwise -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'ModelExpected,Csk6Tools.Commands.ConvertToDepthwiseCommand'
        @($out).Count | Should -Be 1
    }
}

Describe 'Get-ModelBudget' {
    It 'says ResNet-18 does not fit and names the shortcut and the PSRAM overrun' {
        $b = New-Csk6ResNet 18 | Get-ModelBudget
        $b | Should -BeOfType ([Csk6Tools.Engine.Budget.ModelBudget])
        $b.Fits | Should -BeFalse
        $b.PsramBytes | Should -Be 11235712
        $b.PsramCapacity | Should -Be 8388608
        ($b.Violations | Where-Object Rule -EQ 'KernelBelowStride').Layer |
            Should -Be @('conv3_x.0.shortcut.0', 'conv4_x.0.shortcut.0', 'conv5_x.0.shortcut.0')
        $psram = $b.Violations | Where-Object Rule -EQ 'Psram'
        $psram.Fix | Should -Match 'Convert-ToDepthwise saves'
    }

    It 'says the depthwise ResNet-18 fits, with a row per layer' {
        $b = New-Csk6ResNet 18 | Convert-ToDepthwise | Get-ModelBudget
        $b.Fits | Should -BeTrue
        $b.PsramBytes | Should -Be 1502624
        $b.ShareMemBytes | Should -Be 347536
        $b.Layers.Count | Should -Be 87
        ($b.Layers | Where-Object Name -EQ 'conv1.1').Packing | Should -Be 'folded into conv1.0'
    }

    It 'gives LISTENAI''s demo network tpacker''s PSRAM and less SHARE_MEM' {
        $b = New-Csk6ResNet 18 | Convert-ToDepthwise -Shortcut Dense3x3 | Get-ModelBudget
        $b.PsramBytes | Should -Be 2875136
        $b.ShareMemBytes | Should -BeLessOrEqual 384752
        $b.ShareMemPlan.Candidates['GreedyByBreadth'] | Should -Be 384752
    }

    It 'checks a 4 MiB board' {
        $b = New-Csk6ResNet 18 | Convert-ToDepthwise -Shortcut Dense3x3 | Get-ModelBudget -PsramCapacity 2MB
        $b.Fits | Should -BeFalse
        $b.Violations.Rule | Should -Contain 'Psram'
    }

    It 'refuses a non-model object with ModelExpected' {
        { 42 | Get-ModelBudget -ErrorAction Stop } |
            Should -Throw -ErrorId 'ModelExpected,Csk6Tools.Commands.GetModelBudgetCommand'
    }

    It 'formats as a table by default' {
        $text = New-Csk6ResNet 18 | Get-ModelBudget | Out-String
        $text | Should -Match 'Model\s+Parameters\s+PSRAM'
        $text | Should -Match 'resnet18\s+11,220,132\s+11,235,712'
    }

    It 'imports the module and budgets ResNet-152 without loading libtorch' {
        # No time limit here: a timed test fails on a loaded machine (7.9 s seen with six sessions building). Speed
        # belongs in bench/ (build.ps1 -Task Bench times the budget against a peer in the same run).
        $modulePath = (Get-Module Csk6Tools).Path -replace '\.dll$', '.psd1'
        $loaded = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command "
            Import-Module '$modulePath'; `$null = New-Csk6ResNet 152 | Get-ModelBudget
            [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -contains 'TorchSharp'"
        $loaded | Should -Be 'False'
    }
}

Describe 'examples/01-budget.ps1' {
    It 'prints the tutorial table with the reference figures' {
        $out = & (Join-Path $PSScriptRoot '../../examples/01-budget.ps1') | Out-String
        $out | Should -Match 'ResNet-18\s+original\s+11,220,132\s+10\.71\s+11,235,712'
        $out | Should -Match 'ResNet-18\s+depthwise\s+1,489,828\s+1\.43\s+1,502,624'
        $out | Should -Match 'ResNet-152\s+original\s+58,341,028'
        $out | Should -Match 'Convert-ToDepthwise saves'
    }
}
