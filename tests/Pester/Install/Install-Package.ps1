# Runs in a pwsh whose XDG folders point into the test drive: registers the folder of .nupkg files as a repository
# and installs the named packages for the "current user", who is the temporary one.
param([Parameter(Mandatory)] [string] $Repository, [Parameter(Mandatory)] [string[]] $Name)
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name Csk6ToolsTest -Uri $Repository -Trusted
Install-PSResource -Name $Name -Repository Csk6ToolsTest -Scope CurrentUser -Quiet
Get-InstalledPSResource -Name $Name | ForEach-Object { "$($_.Name) $($_.Version) $($_.InstalledLocation)" }
