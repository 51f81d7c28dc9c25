# Dot-sourced by every test file: imports the staged module and locates the shared fixtures.
$modulePath = $env:CSK6TOOLS_MODULE
if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/Csk6Tools/Csk6Tools.psd1' }
Import-Module $modulePath -Force
$script:Fixtures = Join-Path $PSScriptRoot '../../../shared/fixtures/thinker-demo'
