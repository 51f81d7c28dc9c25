# The README shows the default output of a few cmdlets: each "PS> command" there is run here and its output must be
# what the README shows, line for line (LISTENAI's demo files stand in for model.bin, input.bin and apple.jpg).
BeforeDiscovery {
    $readme = Get-Content -Raw (Join-Path $PSScriptRoot '../../README.md')
    $script:Examples = foreach ($block in [regex]::Matches($readme, '(?ms)^```powershell\r?\n(PS> .*?)^```').ForEach({
                $_.Groups[1].Value
            })) {
        foreach ($part in $block -split '(?m)^(?=PS> )' | Where-Object { $_ }) {
            $command, $output = $part -split '\r?\n', 2
            @{ Command = $command.Substring(4); Expected = $output.Trim() }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Scratch = New-Item -ItemType Directory (Join-Path $TestDrive 'demo')
    Copy-Item (Join-Path $Fixtures 'resnet18_v2_model.bin') (Join-Path $Scratch 'model.bin')
    Copy-Item (Join-Path $Fixtures 'apple_input_q6.bin') (Join-Path $Scratch 'input.bin')
    Copy-Item (Join-Path $Fixtures 'apple.jpg') (Join-Path $Scratch 'apple.jpg')
}

Describe 'README output of <Command>' -ForEach $Examples {
    It 'is what the command prints' {
        Push-Location $Scratch
        try { $actual = Get-DefaultView (Invoke-Expression $Command) }
        finally { Pop-Location }
        $normalize = { param($lines) (($lines | ForEach-Object TrimEnd) -join "`n").Trim() }
        & $normalize ($actual -replace [regex]::Escape($Scratch.FullName), '/home/me/demo') |
            Should -BeExactly (& $normalize ($Expected -split '\r?\n'))
    }
}
