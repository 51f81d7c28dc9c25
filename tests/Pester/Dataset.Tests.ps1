BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')

    # CIFAR-10 binary as it is on disk: records of one label byte and 3,072 planar pixels, five training batches.
    function New-Cifar10Folder([string] $Path, [int] $PerBatch = 4, [int] $TestCount = 3) {
        New-Item -ItemType Directory -Path $Path -Force | Out-Null
        $write = {
            param($file, $first, $count)
            $bytes = [byte[]]::new($count * 3073)
            for ($i = 0; $i -lt $count; $i++) {
                $bytes[$i * 3073] = ($first + $i) % 10
                for ($p = 1; $p -le 3072; $p++) { $bytes[$i * 3073 + $p] = ($first + $i + $p) % 256 }
            }
            [System.IO.File]::WriteAllBytes((Join-Path $Path $file), $bytes)
        }
        for ($b = 1; $b -le 5; $b++) { & $write "data_batch_$b.bin" (($b - 1) * $PerBatch) $PerBatch }
        & $write 'test_batch.bin' 0 $TestCount
        'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck', '' |
            Set-Content (Join-Path $Path 'batches.meta.txt')
        $Path
    }

    $script:cifar = New-Cifar10Folder (Join-Path $TestDrive 'cifar-10-batches-bin')
    $script:fashionInstalled = Test-Path '/usr/share/datasets/fashion-mnist'
}

Describe 'Import-Csk6Dataset' {
    It 'reads cifar-10-binary.tar.gz as downloaded, and the folder above the extracted set' {
        $archive = Join-Path $TestDrive 'cifar-10-binary.tar.gz'
        $file = [IO.File]::Create($archive)
        try {
            $gzip = [IO.Compression.GZipStream]::new($file, [IO.Compression.CompressionLevel]::Fastest)
            [System.Formats.Tar.TarFile]::CreateFromDirectory($cifar, $gzip, $true)
            $gzip.Dispose()
        } finally { $file.Dispose() }
        $fromArchive = Import-Csk6Dataset $archive
        $fromFolder = Import-Csk6Dataset $cifar
        $fromArchive.Name | Should -Be 'CIFAR-10'
        $fromArchive.Source | Should -Be (Join-Path $archive 'cifar-10-batches-bin')
        $fromArchive.Train.Count | Should -Be 20
        $fromArchive.Train.Images | Should -Be $fromFolder.Train.Images
        $fromArchive.Test.Labels | Should -Be $fromFolder.Test.Labels
        (Import-Csk6Dataset $TestDrive -TrainCount 5).Train.Count | Should -Be 5

        $bytes = [IO.File]::ReadAllBytes($archive)
        $cut = Join-Path $TestDrive 'cut.tar.gz'
        [IO.File]::WriteAllBytes($cut, $bytes[0..($bytes.Length / 2)])
        { Import-Csk6Dataset $cut -ErrorAction Stop } |
            Should -Throw -ErrorId 'TruncatedDatasetFile,Csk6Tools.Commands.ImportCsk6DatasetCommand'
    }

    It 'reads a CIFAR-10 folder with its classes, counts and computed normalization' {
        $d = Import-Csk6Dataset -Path $cifar
        $d | Should -BeOfType ([Csk6Tools.Engine.Data.Dataset])
        $d.Name | Should -Be 'CIFAR-10'
        $d.Classes |
            Should -Be @('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck')
        $d.Train.Count | Should -Be 20
        $d.Test.Count | Should -Be 3
        $d.Train.Labels[0..11] | Should -Be @(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1)
        $d.Train.Images[5 * 3072] | Should -Be 6   # image 5, red channel, first pixel
        @($d.Channels, $d.Height, $d.Width) | Should -Be @(3, 32, 32)
        $d.Mean.Count | Should -Be 3
        $d.Mean[0] | Should -BeGreaterThan 0.45
        $d.Mean[0] | Should -BeLessThan 0.55
    }

    It 'takes folders from the pipeline, as strings or from Get-Item, relative to the current location' {
        $second = New-Cifar10Folder (Join-Path $TestDrive 'second') -PerBatch 2
        $out = $cifar, $second | Import-Csk6Dataset
        $out | ForEach-Object { $_.Train.Count } | Should -Be @(20, 10)
        (Get-Item $second | Import-Csk6Dataset).Train.Count | Should -Be 10
        Push-Location $TestDrive
        try { (Import-Csk6Dataset ./second -TrainCount 3).Train.Count | Should -Be 3 }
        finally { Pop-Location }
        (Import-Csk6Dataset 'TestDrive:/second').Source | Should -Be (Resolve-Path $second).ProviderPath
    }

    It 'reads small deterministic subsets and single splits' {
        $d = Import-Csk6Dataset $cifar -MaxCount 6 -TestCount 2
        $d.Train.Count | Should -Be 6
        $d.Test.Count | Should -Be 2
        (Import-Csk6Dataset $cifar -MaxCount 6).Train.Labels | Should -Be $d.Train.Labels
        $t = Import-Csk6Dataset $cifar -Split Test
        $t.Train.Count | Should -Be 0
        $t.Test.Count | Should -Be 3
    }

    It 'says what it decided in verbose messages' {
        $verbose = Import-Csk6Dataset $cifar -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'holds a Cifar10 data set'
        ($verbose.Message -join "`n") | Should -Match 'Normalization computed over the 20 training images'
    }

    It 'formats as a table of name, shape, classes, splits and source' {
        $text = Import-Csk6Dataset $cifar | Out-String
        $text | Should -Match 'Name\s+Shape\s+Classes\s+Train\s+Test\s+Source'
        $text | Should -Match 'CIFAR-10\s+3×32×32\s+10\s+20\s+3\s+/'
        # A split shows its size, never its bytes.
        $split = (Import-Csk6Dataset $cifar).Train | Out-String
        $split | Should -Match '20\s+3×32×32\s+61,440'
        $split.Length | Should -BeLessThan 300
    }

    It 'reports a truncated file with its name, the byte offset and TruncatedDatasetFile' {
        $bad = New-Cifar10Folder (Join-Path $TestDrive 'truncated')
        $file = Join-Path $bad 'data_batch_2.bin'
        $bytes = [System.IO.File]::ReadAllBytes($file)
        [System.IO.File]::WriteAllBytes($file, $bytes[0..($bytes.Length - 101)])
        Import-Csk6Dataset $bad -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId |
            Should -BeExactly 'TruncatedDatasetFile,Csk6Tools.Commands.ImportCsk6DatasetCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].TargetObject | Should -Be $file
        $err[0].Exception.Offset | Should -Be (3 * 3073)
        $err[0].Exception.Message | Should -Match 'data_batch_2\.bin.*byte offset 9,219'
    }

    It 'reports a label beyond the class names with LabelOutOfRange' {
        $bad = New-Cifar10Folder (Join-Path $TestDrive 'mislabelled')
        'airplane', 'automobile' | Set-Content (Join-Path $bad 'batches.meta.txt')
        { Import-Csk6Dataset $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'LabelOutOfRange,Csk6Tools.Commands.ImportCsk6DatasetCommand'
    }

    It 'writes DatasetFileNotFound for a missing folder and goes on with the next' {
        $out = (Join-Path $TestDrive 'missing'), $cifar |
            Import-Csk6Dataset -ErrorVariable err -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId |
            Should -BeExactly 'DatasetFileNotFound,Csk6Tools.Commands.ImportCsk6DatasetCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'writes UnknownDatasetFormat for a folder with no data set' {
        $empty = New-Item -ItemType Directory (Join-Path $TestDrive 'empty')
        { Import-Csk6Dataset $empty -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnknownDatasetFormat,Csk6Tools.Commands.ImportCsk6DatasetCommand'
    }

    It 'refuses a path outside the file system' {
        { Import-Csk6Dataset Env:/PATH -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathNotFileSystem,Csk6Tools.Commands.ImportCsk6DatasetCommand'
    }

    It 'validates -Channels and -Name' {
        { Import-Csk6Dataset $cifar -Channels 2 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,Csk6Tools.Commands.ImportCsk6DatasetCommand'
        { Import-Csk6Dataset -Name Cifar5 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,Csk6Tools.Commands.ImportCsk6DatasetCommand'
    }

    It 'decodes and resizes an image folder with ImageSharp from the module folder' {
        Add-Type -Path (Join-Path (Split-Path (Get-Module Csk6Tools).Path) 'SixLabors.ImageSharp.dll')
        $grey = [SixLabors.ImageSharp.PixelFormats.Rgb24]::new(60, 60, 60)
        foreach ($class in 'bag', 'shoe') {
            $dir = New-Item -ItemType Directory (Join-Path $TestDrive "photos/$class") -Force
            foreach ($i in 1..5) {
                $image = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgb24]]::new(10 * $i, 8, $grey)
                try { [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($image, (Join-Path $dir "$i.png")) }
                finally { $image.Dispose() }
            }
        }
        $d = Import-Csk6Dataset (Join-Path $TestDrive 'photos') -Size 12
        $d.Name | Should -Be 'photos'
        $d.Classes | Should -Be @('bag', 'shoe')
        "$($d.Channels)×$($d.Height)×$($d.Width)" | Should -Be '1×12×12'
        $d.Train.Count | Should -Be 8
        $d.Test.Count | Should -Be 2
        $d.Train.Labels | Should -Be @(0, 1, 0, 1, 0, 1, 0, 1)
        $d.Train.Images | Select-Object -Unique | Should -Be 60
        (Import-Csk6Dataset (Join-Path $TestDrive 'photos') -Channels 3 -TrainCount 2).Channels | Should -Be 3
    }

    It 'reads Debian''s Fashion-MNIST by name' {
        if (-not $fashionInstalled) {
            Set-ItResult -Skipped -Because 'Debian''s dataset-fashion-mnist package is not installed (CI installs it)'
            return
        }
        $d = Import-Csk6Dataset -Name FashionMnist -MaxCount 500
        $d.Name | Should -Be 'Fashion-MNIST'
        "$($d.Channels)×$($d.Height)×$($d.Width)" | Should -Be '1×28×28'
        $d.Train.Count | Should -Be 500
        $d.Test.Count | Should -Be 500
        $d.Train.Labels[0..9] | Should -Be @(9, 0, 0, 3, 0, 2, 7, 2, 5, 5)
        $d.Classes[$d.Test.Labels[0]] | Should -Be 'Ankle boot'
    }
}
