<#
.SYNOPSIS
    One entry point for people and CI: Build, Test, Pack, Demo, Bench, Clean.
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pack', 'Demo', 'Bench', 'Clean')]
    [string[]] $Task = 'Build',
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
$root = $PSScriptRoot
$module = Join-Path $root 'out/Csk6Tools/Csk6Tools.psd1'
# Child scripts run in the pwsh running this one (the repository's local tool, started as `dotnet pwsh`).
function Invoke-Pwsh { & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive @args }

function Invoke-Native([string] $File, [string[]] $Arguments) {
    & $File @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-Build {
    Invoke-Native dotnet @('publish', "$root/src/Csk6Tools/Csk6Tools.csproj", '-c', $Configuration, '--nologo', '-v', 'quiet')
}

function Invoke-XunitTests([string] $Name) {
    $results = Join-Path $root "out/TestResults/$Name"
    Remove-Item $results -Recurse -Force -ErrorAction Ignore
    & dotnet test "$root/tests/$Name/$Name.csproj" -c $Configuration --nologo `
        --logger 'trx;LogFileName=results.trx' --logger 'console;verbosity=normal' --results-directory $results | Out-Host
    $trx = Join-Path $results 'results.trx'
    if (-not (Test-Path $trx)) { return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    $counters = ([xml](Get-Content -Raw $trx)).TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error; Skipped = [int]$counters.total - [int]$counters.executed }
}

function Invoke-PesterTests {
    Invoke-Native dotnet @('restore', "$root/tools/PesterDownload.csproj", '--nologo', '-v', 'quiet')
    $packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $pester = Join-Path $packages.Trim() 'pester/5.7.1/tools/Pester.psd1'
    # A binary module cannot be unloaded: the suite runs in a fresh pwsh against the staged module.
    $summary = Join-Path $root 'out/pester-summary.json'
    Invoke-Pwsh -File "$root/tests/Pester/Invoke-Suite.ps1" -PesterPath $pester -ModulePath $module -SummaryPath $summary | Out-Host
    if (-not (Test-Path $summary)) { return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    Get-Content -Raw $summary | ConvertFrom-Json
}

foreach ($t in $Task) {
    switch ($t) {
        'Clean' {
            Get-ChildItem $root -Recurse -Directory -Include bin, obj | Remove-Item -Recurse -Force
            Remove-Item (Join-Path $root 'out') -Recurse -Force -ErrorAction Ignore
        }
        'Build' { Invoke-Build }
        'Test' {
            Invoke-Build
            $engine = Invoke-XunitTests 'Csk6Tools.Engine.Tests'
            $training = Invoke-XunitTests 'Csk6Tools.Training.Tests'
            $pesterResult = Invoke-PesterTests
            "xunit engine: $($engine.Passed) passed, $($engine.Failed) failed, $($engine.Skipped) skipped"
            "xunit training: $($training.Passed) passed, $($training.Failed) failed, $($training.Skipped) skipped"
            "Pester: $($pesterResult.Passed) passed, $($pesterResult.Failed) failed, $($pesterResult.Skipped) skipped"
            $failed = $engine.Failed + $training.Failed + $pesterResult.Failed
            "$($engine.Passed + $training.Passed + $pesterResult.Passed) passed, $failed failed"
            if ($failed -gt 0) { exit 1 }
        }
        'Pack' {
            # out/Csk6Tools.<version>.nupkg (the module) and out/Csk6Tools.Torch.<version>.nupkg (libtorch for training).
            Invoke-Build
            foreach ($name in 'Csk6Tools', 'Csk6Tools.Torch') {
                & (Join-Path $root 'tools/Pack.ps1') -ModulePath (Join-Path $root "out/$name") -OutputPath (Join-Path $root 'out') |
                    ForEach-Object { '{0} {1:N1} MB' -f $_.FullName, ($_.Length / 1MB) }
            }
        }
        'Demo' {
            Invoke-Build
            Get-ChildItem (Join-Path $root 'examples') -Filter '*.ps1' | Sort-Object Name | ForEach-Object {
                "=== $($_.Name)"
                Invoke-Pwsh -File $_.FullName
                if ($LASTEXITCODE -ne 0) { throw "$($_.Name) failed with exit code $LASTEXITCODE" }
            }
        }
        'Bench' {
            Invoke-Native dotnet @('run', '--project', "$root/bench/Csk6Tools.Bench.csproj", '-c', 'Release', '--nologo')
        }
    }
}
