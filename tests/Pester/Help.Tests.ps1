BeforeAll { . (Join-Path $PSScriptRoot 'common.ps1') }

# The help is hand-written MAML (module/en-US/Csk6Tools.dll-Help.xml): these tests keep it true to the cmdlets.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $cmdlets = foreach ($name in (Get-Module Csk6Tools).ExportedCmdlets.Keys | Sort-Object) {
        $examples = @((Get-Help $name -Full).examples.example)
        @{
            Name     = $name
            Examples = @(for ($i = 0; $i -lt $examples.Count; $i++) {
                    @{ Name = $name; Number = $i + 1; Code = [string]$examples[$i].code }
                })
        }
    }
}

Describe 'Help for <Name>' -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters +
            [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $parameters = $command.Parameters.Values | Where-Object Name -NotIn $common
        $documented = @($help.parameters.parameter)
    }

    It 'has a synopsis and a description from the help file' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without a help file Get-Help makes the synopsis from the syntax, which starts with the name.
        $help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($Name))\b"
        ($help.description.Text -join "`n") | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example' {
        @($help.examples.example).Count | Should -BeGreaterOrEqual 1
        $help.examples.example | ForEach-Object { $_.code | Should -Not -BeNullOrEmpty }
    }

    It 'documents exactly the parameters the cmdlet has' {
        @($documented.name | Sort-Object) | Should -Be @($parameters.Name | Sort-Object)
        @($help.syntax.syntaxItem.parameter.name | Sort-Object -Unique) | Should -Be @($parameters.Name | Sort-Object)
    }

    It 'describes every parameter with its type, position, pipeline input, aliases and default' {
        # Default values come from a fresh instance of the cmdlet class: the initializers are the defaults.
        $instance = [Activator]::CreateInstance($command.ImplementingType)
        foreach ($p in $parameters) {
            $doc = $documented | Where-Object name -EQ $p.Name
            $because = "help for -$($p.Name) of $Name must match the cmdlet"
            ($doc.description.Text -join '') | Should -Not -BeNullOrEmpty -Because $because
            $doc.type.name | Should -Be $p.ParameterType.FullName -Because $because
            $set = $p.ParameterSets.Values | Select-Object -First 1
            $doc.required | Should -Be $set.IsMandatory.ToString().ToLowerInvariant() -Because $because
            $doc.position |
                Should -Be $(if ($set.Position -lt 0) { 'named' } else { "$($set.Position)" }) -Because $because
            $doc.pipelineInput -match 'ByValue' | Should -Be $set.ValueFromPipeline -Because $because
            $doc.pipelineInput -match 'ByPropertyName' |
                Should -Be $set.ValueFromPipelineByPropertyName -Because $because
            if (-not ($set.ValueFromPipeline -or $set.ValueFromPipelineByPropertyName)) {
                $doc.pipelineInput | Should -Be 'False' -Because $because
            }
            $aliases = if ($p.Aliases.Count) { ($p.Aliases | Sort-Object) -join ', ' } else { 'none' }
            (($doc.aliases -split ',\s*' | Sort-Object) -join ', ') | Should -Be $aliases -Because $because
            $default = $instance.($p.Name)
            # The help may add the value in other units in parentheses: "8388608 (8 MiB)".
            ($doc.defaultValue -replace '\s*\(.*\)$', '') |
                Should -Be $(if ($null -eq $default -or ($default -is [array] -and $default.Count -eq 0)) {
                        'None'
                    } else { "$default" }) -Because $because
        }
    }

    It 'links about_Csk6Tools and only cmdlets that exist' {
        $links = @($help.relatedLinks.navigationLink.linkText)
        $links | Should -Contain 'about_Csk6Tools'
        @($links | Where-Object { $_ -ne 'about_Csk6Tools' }).Count | Should -BeGreaterOrEqual 1
        foreach ($link in $links | Where-Object { $_ -ne 'about_Csk6Tools' }) {
            (Get-Module Csk6Tools).ExportedCmdlets.Keys | Should -Contain $link
        }
    }

    # Examples run in a scratch folder holding the tutorial's files under the tutorial's names
    # (model.bin, input.bin, apple.jpg: LISTENAI's demo files), as a user would have them.
    It 'runs example <Number>' -ForEach $Examples {
        $usesDemo = $Code -match 'model\.bin|input\.bin|apple\.jpg'
        $scratch = Join-Path ([IO.Path]::GetTempPath()) "csk6-example-$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory $scratch | Out-Null
        try {
            if ($usesDemo) {
                Copy-Item (Join-Path $Fixtures 'resnet18_v2_model.bin') (Join-Path $scratch 'model.bin')
                Copy-Item (Join-Path $Fixtures 'apple_input_q6.bin') (Join-Path $scratch 'input.bin')
                Copy-Item (Join-Path $Fixtures 'apple.jpg') (Join-Path $scratch 'apple.jpg')
            }
            Push-Location $scratch
            $ErrorActionPreference = 'Stop'
            $output = & ([scriptblock]::Create($Code)) | Out-String
            $output | Should -Not -BeNullOrEmpty -Because "example $Number of $Name should show something"
        }
        finally {
            Pop-Location
            Remove-Item -Recurse -Force $scratch
        }
    }
}

Describe 'about_Csk6Tools' {
    It 'is found by Get-Help and describes the module' {
        $text = Get-Help about_Csk6Tools | Out-String
        $text | Should -Match 'SHORT DESCRIPTION'
        $text | Should -Match 'Get-ModelBudget'
        $text | Should -Match 'SHARE_MEM'
    }

    It 'covers every exported cmdlet' {
        $text = Get-Help about_Csk6Tools | Out-String
        foreach ($name in (Get-Module Csk6Tools).ExportedCmdlets.Keys) {
            $text | Should -Match ([regex]::Escape($name))
        }
    }
}
