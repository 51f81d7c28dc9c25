# Runs in a pwsh whose HOME is in the test drive: registers the folder of .nupkg files as a repository
# and installs the named packages for the "current user", who is the temporary one.
param([Parameter(Mandatory)] [string] $Repository, [Parameter(Mandatory)] [string[]] $Name)
$ErrorActionPreference = 'Stop'
$Name = $Name -split ','  # -File passes "a,b" as one string
Register-PSResourceRepository -Name Csk6ToolsTest -Uri $Repository -Trusted
Install-PSResource -Name $Name -Repository Csk6ToolsTest -Scope CurrentUser -Quiet
Get-InstalledPSResource -Name $Name | ForEach-Object { "$($_.Name) $($_.Version) $($_.InstalledLocation)" }
