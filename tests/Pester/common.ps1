# Dot-sourced by every test file: imports the staged module and locates the shared fixtures.
$modulePath = $env:CSK6TOOLS_MODULE
if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/Csk6Tools/Csk6Tools.psd1' }
Import-Module $modulePath -Force
$script:Fixtures = Join-Path $PSScriptRoot '../../../shared/fixtures/thinker-demo'

# What a person sees when a cmdlet's output reaches the console: the default view at a common terminal width.
function Get-DefaultView([object[]] $InputObject) { @(($InputObject | Out-String -Width 120).Trim() -split '\r?\n') }
# Never in a default view: .NET type names, generic arity, record dumps ("Node { Name = … }") and collection dumps ("{a, b…}").
$script:NotInView = '[{}]|System\.|Dictionary|Csk6Tools\.|`\d'
