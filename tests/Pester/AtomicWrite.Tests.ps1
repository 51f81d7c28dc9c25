BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    # A depthwise ResNet-18 at full width (1.5 M parameters): 6 MB model and ONNX files, a 1.6 MB package.
    $images = [byte[]]::new(16 * 144); [Random]::new(1).NextBytes($images)
    $split = [Csk6Tools.Engine.Data.DatasetSplit]::new($images, [int[]](0..15 | ForEach-Object { $_ % 4 }), 1, 12, 12)
    $data = [Csk6Tools.Engine.Data.Dataset]@{ Name = 'noise'; Source = 'test'; Classes = 'a', 'b', 'c', 'd'
        Train = $split; Test = $split; Mean = [float[]]0.5; Std = [float[]]0.29 }
    $model = New-Csk6ResNet 18 -Classes 4 -InputChannels 1 -InputSize 12 | Convert-ToDepthwise |
        Invoke-QuantTraining -Dataset $data -BatchSize 16 -MaxBatches 1 -Threads 2 -WarningAction SilentlyContinue
    $script:source = Join-Path $TestDrive 'source.safetensors'
    $model | Save-Csk6Model -Path $source

    # The child writes the same target over and over, alternating two different contents (A, B), until it is killed.
    $script:child = Join-Path $TestDrive 'writer.ps1'
    Set-Content $child @'
param($ModulePath, $Source, $Folder, $Cmdlet, [int] $Round)
$ErrorActionPreference = 'Stop'
trap { Set-Content (Join-Path $Folder 'error.txt') "$_"; exit 1 }
Import-Module $ModulePath
$model = Import-Csk6Model $Source
$write = switch ($Cmdlet) {
    'Save-Csk6Model' {
        $onnx = Join-Path $Folder 'float.onnx'; $model | Export-Csk6Onnx -Path $onnx -Force
        $float = Import-Csk6Model $onnx
        { param($path, $b) ($b ? $float : $model) | Save-Csk6Model -Path $path -Force }
    }
    'New-Csk6Package' { { param($path, $b) $null = $model | New-Csk6Package -Path $path -KeepQuantDequant:$b -Force } }
    'Export-Csk6Onnx' { { param($path, $b) $model | Export-Csk6Onnx -Path $path -Format ($b ? 'Linger' : 'Float') -Force } }
}
& $write (Join-Path $Folder 'ref-a') $false
& $write (Join-Path $Folder 'ref-b') $true
Set-Content (Join-Path $Folder 'ready') 'ready'
$target = Join-Path $Folder 'target'
for ($i = $Round; ; $i++) { & $write $target ($i % 2 -eq 1) }   # odd rounds begin with B
'@
    $script:pwsh = (Get-Process -Id $PID).Path
    $script:pwshArgs = @(if ((Split-Path $pwsh -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
    $script:modulePath = (Get-Module Csk6Tools).Path -replace '\.dll$', '.psd1'
    $script:orphansTotal = 0
}

Describe 'Nothing half-written: writers killed with SIGKILL' {
    It 'leaves <Cmdlet>''s target absent, old or complete, and the next write removes the temporary files' -ForEach @(
        @{ Cmdlet = 'Save-Csk6Model' }, @{ Cmdlet = 'New-Csk6Package' }, @{ Cmdlet = 'Export-Csk6Onnx' }
    ) {
        $rounds = if ($env:CSK6TOOLS_KILL_ROUNDS) { [int]$env:CSK6TOOLS_KILL_ROUNDS } else { 4 }
        $folder = Join-Path $TestDrive ($Cmdlet -replace '\W')
        $null = New-Item -ItemType Directory $folder -Force
        $random = [Random]::new()
        $seen = @{ absent = 0; A = 0; B = 0 }; $orphans = 0
        for ($round = 0; $round -lt $rounds; $round++) {
            Remove-Item (Join-Path $folder 'ready') -ErrorAction Ignore
            $info = [Diagnostics.ProcessStartInfo]::new($pwsh)
            foreach ($a in $pwshArgs + @('-NoProfile', '-NonInteractive', '-File', $child, $modulePath, $source,
                    $folder, $Cmdlet, $round)) {
                $info.ArgumentList.Add($a)
            }
            $process = [Diagnostics.Process]::Start($info)
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            while (-not (Test-Path (Join-Path $folder 'ready')) -and -not $process.HasExited -and
                [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 20
            }
            if ($process.HasExited) {
                throw "The writer stopped: $(Get-Content (Join-Path $folder 'error.txt') -ErrorAction Ignore)"
            }
            if ($round % 2 -eq 0) {
                Start-Sleep -Milliseconds $random.Next(0, 1500)   # anywhere: computing, writing, moving
            } else {
                # Mid-write by construction: as soon as a temporary file of the target exists, then a little later.
                while (-not (Get-ChildItem $folder -Filter '.target.*.tmp' -Force) -and
                    [DateTime]::UtcNow -lt $deadline) { }
                Start-Sleep -Milliseconds $random.Next(0, 5)
            }
            $process.Kill()   # SIGKILL on Linux: no finally block, no cleanup runs
            $process.WaitForExit()
            $target = Join-Path $folder 'target'
            $state = if (-not (Test-Path $target)) { 'absent' } else {
                switch ((Get-FileHash $target).Hash) {
                    (Get-FileHash (Join-Path $folder 'ref-a')).Hash { 'A' }
                    (Get-FileHash (Join-Path $folder 'ref-b')).Hash { 'B' }
                    default { "half-written ($((Get-Item $target).Length) bytes)" }
                }
            }
            $state | Should -BeIn @('absent', 'A', 'B') -Because "round $round killed $Cmdlet"
            $seen[$state]++
            $orphans += @(Get-ChildItem $folder -Filter '.target.*.tmp' -Force).Count
            $process.Dispose()
        }
        Write-Host ("$Cmdlet, $rounds kills: target absent $($seen.absent), A $($seen.A), B $($seen.B); " +
            "$orphans temporary file(s) left by the killed writers")
        $script:orphansTotal += $orphans

        # The next successful write (this process) removes what the killed writers left.
        $model = Import-Csk6Model $source
        switch ($Cmdlet) {
            'Save-Csk6Model' { $model | Save-Csk6Model -Path (Join-Path $folder 'target') -Force }
            'New-Csk6Package' { $null = $model | New-Csk6Package -Path (Join-Path $folder 'target') -Force }
            'Export-Csk6Onnx' { $model | Export-Csk6Onnx -Path (Join-Path $folder 'target') -Force }
        }
        (Get-FileHash (Join-Path $folder 'target')).Hash | Should -Be (Get-FileHash (Join-Path $folder 'ref-a')).Hash
        Get-ChildItem $folder -Filter '*.tmp' -Force | Should -BeNullOrEmpty
    }

    It 'caught writes in progress: the killed writers left temporary files (which the next writes removed)' {
        $orphansTotal | Should -BeGreaterThan 0 -Because ('half of the kills come right after ' +
            'a temporary file of the target appeared')
    }
}
