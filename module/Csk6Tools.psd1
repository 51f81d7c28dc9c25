@{
    RootModule           = 'Csk6Tools.dll'
    ModuleVersion        = '{{ModuleVersion}}'
    GUID                 = '6f1f3c0e-8a54-4a8e-9a43-3c6b2f7d5c11'
    Author               = 'Csk6Tools developers'
    CompanyName          = 'Csk6Tools'
    Copyright            = '(c) Csk6Tools developers'
    Description          = 'Fit convolutional networks to the LISTENAI CSK6 NPU: budget, depthwise conversion, int8 training, thinker packaging and bit-exact host inference. Training also needs the Csk6Tools.Torch package (libtorch).'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('Csk6Tools.Format.ps1xml')
    TypesToProcess       = @('Csk6Tools.Types.ps1xml')
    CmdletsToExport      = @(
        'New-Csk6ResNet'
        'Convert-ToDepthwise'
        'Get-ModelBudget'
        'Get-Csk6Package'
        'Invoke-Csk6Inference'
        'ConvertTo-Csk6Input'
        'New-Csk6Package'
        'Import-Csk6Dataset'
        'Invoke-ModelTraining'
        'Invoke-ConstrainedTraining'
        'Invoke-QuantTraining'
        'Test-ModelAccuracy'
        'Save-Csk6Model'
        'Import-Csk6Model'
        'Export-Csk6Onnx'
        'Export-Csk6PyTorch'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('CSK6', 'LISTENAI', 'NPU', 'thinker', 'int8', 'quantization', 'ResNet', 'depthwise', 'ONNX', 'Linux')
            ReleaseNotes = 'Training (Invoke-ModelTraining, Invoke-ConstrainedTraining, Invoke-QuantTraining, Test-ModelAccuracy) loads libtorch from the Csk6Tools.Torch module of the same version: Install-PSResource Csk6Tools.Torch. Everything else works without it.'
        }
    }
}
