# libtorch and TorchSharp for Csk6Tools' training cmdlets, kept out of the Csk6Tools package because of their size.
# It exports nothing: Csk6Tools loads its assemblies from this folder when training starts.
@{
    ModuleVersion        = '{{ModuleVersion}}'
    GUID                 = 'a3235294-12e7-4046-9642-e44a2ea5521c'
    Author               = 'Csk6Tools developers'
    CompanyName          = 'Csk6Tools'
    Copyright            = '(c) Csk6Tools developers'
    Description          = 'libtorch 2.10 (CPU, linux-x64) and TorchSharp 0.107 for the training cmdlets of Csk6Tools of the same version. Install it beside Csk6Tools; it exports no commands.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    CmdletsToExport      = @()
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('CSK6', 'Csk6Tools', 'libtorch', 'TorchSharp', 'Linux')
        }
    }
}
