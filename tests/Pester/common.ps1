# Dot-sourced by every test file: imports the staged module and locates the repository's fixtures (tests/fixtures).
$modulePath = $env:CSK6TOOLS_MODULE
if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/Csk6Tools/Csk6Tools.psd1' }
Import-Module $modulePath -Force
# LISTENAI's demo files are committed (tests/fixtures/NOTICE): a missing one is a broken checkout and fails the run.
$script:Fixtures = Join-Path $PSScriptRoot '../fixtures/thinker-demo'
if (-not (Test-Path (Join-Path $Fixtures 'resnet18_v2_model.bin'))) {
    throw "The test fixtures are missing from $Fixtures."
}

# What a person sees when a cmdlet's output reaches the console: the default view at a common terminal width.
function Get-DefaultView([object[]] $InputObject) { @(($InputObject | Out-String -Width 120).Trim() -split '\r?\n') }
# Never in a default view: .NET type names, generic arity, record dumps ("Node { Name = … }") and collection dumps
# ("{a, b…}").
$script:NotInView = '[{}]|System\.|Dictionary|Csk6Tools\.|`\d'
