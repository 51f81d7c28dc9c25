# The tutorial's first table: which CIFAR-100 ResNets fit the CSK6's 8 MiB PSRAM, before and after
# Convert-ToDepthwise. Run: dotnet pwsh ./build.ps1 -Task Demo   (or this file, with the module built)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
if (-not (Get-Module Csk6Tools)) { Import-Module (Join-Path $PSScriptRoot '../out/Csk6Tools/Csk6Tools.psd1') }

$rows = foreach ($depth in 18, 34, 50, 101, 152) {
    $original = New-Csk6ResNet -Depth $depth -Classes 100
    foreach ($variant in 'original', 'depthwise', 'demo (dense 3x3 shortcut)') {
        $model = switch ($variant) {
            'original' { $original }
            'depthwise' { $original | Convert-ToDepthwise }
            default { $original | Convert-ToDepthwise -Shortcut Dense3x3 }
        }
        if ($depth -ge 50 -and $variant -like 'demo*') { continue }
        $budget = $model | Get-ModelBudget
        [pscustomobject]@{
            Network     = "ResNet-$depth"
            Variant     = $variant
            Parameters  = '{0:N0}' -f $budget.Parameters
            'Int8 MiB'  = '{0:N2}' -f ($budget.Int8Bytes / 1MB)
            'PSRAM B'   = '{0:N0}' -f $budget.PsramBytes
            'SHARE_MEM' = '{0:N0}' -f $budget.ShareMemBytes
            'MMACs'     = '{0:N1}' -f ($budget.Macs / 1e6)
            'Fits 8MiB' = if ($budget.PsramBytes -le 8MB) { 'yes' } else { 'no' }
            Deployable  = if ($budget.Fits) { 'yes' } else { ($budget.Violations.Rule | Select-Object -Unique) -join ', ' }
        }
    }
}
$rows | Format-Table -AutoSize | Out-String -Width 200

"Why ResNet-18 does not fit, and what to do:"
(New-Csk6ResNet 18 | Get-ModelBudget).Violations | Select-Object Layer, Rule, Fix | Format-List | Out-String -Width 200
