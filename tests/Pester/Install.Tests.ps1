BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Staged = Split-Path -Parent (Get-Module Csk6Tools).Path

    # A pwsh whose home (user modules, PSResourceGet's repository list) is in the test drive and whose PSModulePath
    # is its default: nothing of the real user's is read or changed.
    $script:UserModules = "$TestDrive/home/.local/share/powershell/Modules"
    function Invoke-IsolatedPwsh([string] $Script, [string[]] $Arguments) {
        $saved = @{}
        $isolated = @{ HOME = "$TestDrive/home"; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null
            PSModulePath = $null }
        foreach ($k in $isolated.Keys) {
            $saved[$k] = [Environment]::GetEnvironmentVariable($k)
            [Environment]::SetEnvironmentVariable($k, $isolated[$k])
        }
        try {
            $pwsh = @(if ((Split-Path -LeafBase ([Environment]::ProcessPath)) -eq 'dotnet') {
                    Join-Path $PSHOME 'pwsh.dll'
                })
            $output = & ([Environment]::ProcessPath) @pwsh -NoProfile -NonInteractive -File $Script @Arguments 2>&1
            if ($LASTEXITCODE -ne 0) {
                throw "$(Split-Path -Leaf $Script) failed ($LASTEXITCODE):`n$($output -join "`n")"
            }
            $output
        }
        finally {
            foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        }
    }
}

Describe 'The Csk6Tools package' -Tag 'Install' {
    BeforeAll {
        $script:Repository = Join-Path $TestDrive 'repository'
        $script:Version = (Import-PowerShellDataFile (Join-Path $Staged 'Csk6Tools.psd1')).ModuleVersion
        Invoke-IsolatedPwsh (Join-Path $PSScriptRoot '../../tools/Pack.ps1') @('-ModulePath', $Staged,
            '-OutputPath', $Repository) | Out-Null
        $script:Nupkg = Get-Item (Join-Path $Repository "Csk6Tools.$Version.nupkg")
    }

    It 'is one small .nupkg named after the module and its version, without libtorch or debug symbols' {
        @(Get-ChildItem $Repository).Name | Should -Be "Csk6Tools.$Version.nupkg"
        # 1.2 MB for the engine, cmdlets and help; Export-Csk6Chart's SkiaSharp and HarfBuzz natives (11.5 MB unpacked)
        # bring it to about 7 MB. libtorch (120 MB) is in Csk6Tools.Torch.
        $Nupkg.Length | Should -BeLessThan 8MB
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($Nupkg.FullName)
        try { $entries = @($zip.Entries.FullName) } finally { $zip.Dispose() }
        $entries | Should -Contain 'Csk6Tools.psd1'
        $entries | Should -Contain 'Csk6Tools.Format.ps1xml'
        $entries | Should -Contain 'en-US/Csk6Tools.dll-Help.xml'
        $entries | Where-Object { $_ -match 'torch|\.pdb$' } | Should -BeNullOrEmpty
    }

    It 'installs from a local repository and works by name in a fresh session: budget, pack, inference, ONNX, help' {
        $installed = Invoke-IsolatedPwsh (Join-Path $PSScriptRoot 'Install/Install-Package.ps1') @('-Repository',
            $Repository, '-Name', 'Csk6Tools')
        "$installed" | Should -Be "Csk6Tools $Version $UserModules"
        $work = New-Item -ItemType Directory (Join-Path $TestDrive 'work')
        $json = Invoke-IsolatedPwsh (Join-Path $PSScriptRoot 'Install/Use-Installed.ps1') @('-Fixtures', $Fixtures,
            '-Work', $work.FullName)
        $r = ($json | Select-Object -Last 1) | ConvertFrom-Json
        $r.ModuleBase | Should -BeLike "$UserModules/Csk6Tools/*"
        $r.HelpSynopsis | Should -Match 'thinker'
        $r.HelpDescription | Should -Not -BeNullOrEmpty
        $r.HelpExamples | Should -BeGreaterThan 0
        $r.Fits | Should -BeTrue
        $r.PsramBytes | Should -Be 1502624
        $r.PackageHash | Should -Be (Get-FileHash (Join-Path $Fixtures 'resnet18_v2_model.bin')).Hash
        $r.Label | Should -Be 'apple'
        $r.Logit | Should -Be 91
        $r.PhotoLabel | Should -Be 'apple'
        $r.OnnxBytes | Should -BeGreaterThan 1MB
        if (Get-Command Export-Csk6Chart -ErrorAction Ignore) { $r.ChartBytes | Should -BeGreaterThan 10KB }
        $r.TrainingError | Should -Be 'TorchModuleNotInstalled,Csk6Tools.Commands.InvokeModelTrainingCommand'
        $r.Loaded | Should -Not -Contain 'TorchSharp'
    }
}

# Packing libtorch takes about a minute and installing it 120 MB: run with -Tag Slow (build.ps1 -Task Test skips it).
Describe 'The Csk6Tools.Torch package' -Tag 'Install', 'Slow' {
    BeforeAll {
        $script:Repository = Join-Path $TestDrive 'repository'
        foreach ($name in 'Csk6Tools', 'Csk6Tools.Torch') {
            Invoke-IsolatedPwsh (Join-Path $PSScriptRoot '../../tools/Pack.ps1') @('-ModulePath',
                (Join-Path (Split-Path $Staged) $name), '-OutputPath', $Repository) | Out-Null
        }
    }

    It 'installs beside Csk6Tools and trains from the installed copies' {
        $installed = Invoke-IsolatedPwsh (Join-Path $PSScriptRoot 'Install/Install-Package.ps1') @('-Repository',
            $Repository, '-Name', 'Csk6Tools,Csk6Tools.Torch')
        @($installed).Count | Should -Be 2
        $work = New-Item -ItemType Directory (Join-Path $TestDrive 'train')
        $r = (Invoke-IsolatedPwsh (Join-Path $PSScriptRoot 'Install/Train-Installed.ps1') @('-Work', $work.FullName) |
            Select-Object -Last 1) | ConvertFrom-Json
        $r.Stage | Should -Be 'Float'
        $r.Epochs | Should -Be 1
        $r.Torch | Should -BeLike "$UserModules/Csk6Tools.Torch/*/TorchSharp.dll"
    }
}
