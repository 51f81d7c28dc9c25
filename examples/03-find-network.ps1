# The tutorial's search, automated: which depthwise ResNets fit the CSK6 for Fashion-MNIST, ranked on the Pareto front
# of parameters and MACs, and the best three short-trained on part of the data (float, then int8 QAT, then packed and
# run by the int8 engine). Run: dotnet pwsh ./build.ps1 -Task Demo   (or this file, with the module built)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
if (-not (Get-Module Csk6Tools)) { Import-Module (Join-Path $PSScriptRoot '../out/Csk6Tools/Csk6Tools.psd1') }

if (-not (Test-Path /usr/share/datasets/fashion-mnist)) {
    'Skipped: this part of the tutorial trains on Debian''s Fashion-MNIST. Install it with: apt-get install dataset-fashion-mnist'
    return
}
$data = Import-Csk6Dataset -Name FashionMnist -TrainCount 1024 -TestCount 300
$space = @{ Dataset = $data; Depth = 18, 34, 50; Width = 0.25, 0.5 }

"Every candidate for $($data.Channels)x$($data.Height)x$($data.Width) images and $($data.Classes.Count) classes, those that fit first:"
Find-Csk6Network @space -All | Format-Table | Out-String -Width 200

"At most 20 M MACs per image; the first two short-trained (1 float epoch and 1 QAT epoch on 1,024 images, tested on 300):"
$elapsed = Measure-Command { $rows = Find-Csk6Network @space -MaxMacs 20e6 -Train -Top 2 -Seed 1 }
$rows | Format-Table | Out-String -Width 200
'Trained in {0:N0} s. The best of them, ready to pack:' -f $elapsed.TotalSeconds
$rows[0].Trained
