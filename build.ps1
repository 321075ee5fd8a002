<#
.SYNOPSIS
    Builds, tests and packages the Outage.Tools PowerShell module.

.DESCRIPTION
    build.ps1 is for users and release machines that have PowerShell (5.1 or 7.x) and the .NET SDK.
    Machines without PowerShell use tests/run.sh, which runs the same suites.

    Tasks (run in the order given):
      Build    dotnet build of the solution, then stages out/Outage.Tools/ from the allow-list
               tools/module-files.txt; a missing file fails the build.
      Test     the xunit suites, then the Pester 5 suites (tests/pester) in a fresh pwsh process
               against the staged module (Pester 5.7.1 is restored from NuGet when none is installed).
      Package  out/Outage.Tools.zip, importable into an Azure Automation account (the zip, the folder
               inside it and the .psd1 share the name Outage.Tools; no version subfolder), a .nupkg
               for a PowerShell repository (out/repository/Outage.Tools.<version>.nupkg), and the
               updatable help in out/help/ (HelpInfo.xml, en-US .zip and .cab; tools/New-UpdatableHelp.ps1,
               the .cab needs gcab or makecab.exe) to publish at the HelpInfoURI (docs/releasing.md).
      Clean    removes out/ and the build output.

    Every native command's exit code is checked; the script stops at the first failure.

.PARAMETER Task
    One or more of Build, Test, Package, Clean. Default: Build.

.PARAMETER Configuration
    Debug or Release. Default: Release.

.EXAMPLE
    ./build.ps1
    Builds and stages out/Outage.Tools; then: Import-Module ./out/Outage.Tools

.EXAMPLE
    ./build.ps1 -Task Build, Test, Package
    Builds, runs every test suite and writes out/Outage.Tools.zip and the .nupkg.

.EXAMPLE
    ./build.ps1 -Task Test -Configuration Debug
    Tests a Debug build.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$repo = $PSScriptRoot
$out = Join-Path $repo 'out'
$staged = Join-Path $out 'Outage.Tools'

function Invoke-Native {
    # Runs a native command and stops when it fails.
    param([Parameter(Mandatory)] [string] $Command, [string[]] $Arguments = @())
    Write-Host "> $Command $($Arguments -join ' ')"
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $repo 'Outage.Tools.sln'), '-c', $Configuration, '-nologo')
    if (Test-Path $staged) { Remove-Item $staged -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $staged
    $missing = @()
    foreach ($line in Get-Content (Join-Path $repo 'tools/module-files.txt')) {
        $line = $line.Trim()
        if (-not $line -or $line.StartsWith('#')) { continue }
        $from, $to = $line -split '\s+', 2
        $from = Join-Path $repo ($from -replace '/Release/', "/$Configuration/")
        if (-not (Test-Path -LiteralPath $from -PathType Leaf)) { $missing += $from; continue }
        $target = Join-Path $staged $to
        $null = New-Item -ItemType Directory -Path (Split-Path $target) -Force
        Copy-Item -LiteralPath $from -Destination $target
    }
    if ($missing) {
        throw "Staging failed; missing files: $($missing -join ', ')"
    }
    $manifest = Test-ModuleManifest -Path (Join-Path $staged 'Outage.Tools.psd1')
    Write-Host "Staged $($manifest.Name) $($manifest.Version) in $staged"
}

function Invoke-Test {
    foreach ($project in Get-ChildItem (Join-Path $repo 'tests') -Filter '*.Tests.csproj' -Recurse) {
        Invoke-Native dotnet @('test', $project.FullName, '-c', $Configuration, '--no-build', '-nologo')
    }
    if (-not (Test-Path (Join-Path $staged 'Outage.Tools.psd1'))) {
        throw "The module is not staged: run ./build.ps1 -Task Build, Test"
    }
    $pwsh = (Get-Command pwsh -ErrorAction SilentlyContinue).Source
    if (-not $pwsh) {
        $pwsh = (Get-Command powershell -ErrorAction Stop).Source
    }
    # Pester 5: an installed one, else the NuGet package restored into tests/.work/packages (its tools/ folder is the module).
    $pester = Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0.0' | Sort-Object Version -Descending | Select-Object -First 1
    if ($pester) {
        $pesterPath = $pester.Path
    }
    else {
        $packages = Join-Path $repo 'tests/.work/packages'
        Invoke-Native dotnet @('restore', (Join-Path $repo 'tools/pester/Pester.Download.csproj'), '--packages', $packages, '-nologo')
        $pesterPath = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
        if (-not (Test-Path -LiteralPath $pesterPath)) { throw "Pester 5.7.1 was not restored to $pesterPath." }
    }
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pesterPath'
`$env:OUTAGE_TOOLS_MODULE = '$(Join-Path $staged 'Outage.Tools.psd1')'
`$c = New-PesterConfiguration
`$c.Run.Path = '$(Join-Path $repo 'tests/pester')'
`$c.Run.Exit = `$true
`$c.Output.Verbosity = 'Detailed'
Invoke-Pester -Configuration `$c
"@
    # A fresh process, so the module under test is loaded clean and not locked in this session.
    Invoke-Native $pwsh @('-NoProfile', '-NonInteractive', '-Command', $script)
}

function Invoke-Package {
    if (-not (Test-Path (Join-Path $staged 'Outage.Tools.psd1'))) {
        throw "The module is not staged: run ./build.ps1 -Task Build, Package"
    }
    # Azure Automation: the zip's name, its top folder and the manifest share the module name; no version folder.
    $zip = Join-Path $out 'Outage.Tools.zip'
    if (Test-Path $zip) { Remove-Item $zip -Force }
    Compress-Archive -Path $staged -DestinationPath $zip
    Write-Host "Wrote $zip"

    # A .nupkg for a PowerShell repository, made by PSResourceGet (PowerShell 7.4+) or PowerShellGet.
    $repositoryPath = Join-Path $out 'repository'
    $null = New-Item -ItemType Directory -Path $repositoryPath -Force
    $name = 'OutageToolsBuild'
    if (Get-Command Publish-PSResource -ErrorAction SilentlyContinue) {
        Register-PSResourceRepository -Name $name -Uri $repositoryPath -Trusted -ErrorAction SilentlyContinue
        try { Publish-PSResource -Path $staged -Repository $name } finally { Unregister-PSResourceRepository -Name $name }
    }
    elseif (Get-Command Publish-Module -ErrorAction SilentlyContinue) {
        Register-PSRepository -Name $name -SourceLocation $repositoryPath -PublishLocation $repositoryPath -InstallationPolicy Trusted
        try { Publish-Module -Path $staged -Repository $name -NuGetApiKey 'local' } finally { Unregister-PSRepository -Name $name }
    }
    else {
        throw 'Neither PSResourceGet nor PowerShellGet is available to build the .nupkg: Install-Module Microsoft.PowerShell.PSResourceGet'
    }
    Get-ChildItem $repositoryPath -Filter '*.nupkg' | ForEach-Object { Write-Host "Wrote $($_.FullName)" }

    # Updatable help (Update-Help / Save-Help): published at the manifest's HelpInfoURI by the release (docs/releasing.md).
    $help = Join-Path $out 'help'
    if (Test-Path $help) { Remove-Item $help -Recurse -Force }
    & (Join-Path $repo 'tools/New-UpdatableHelp.ps1') -ModulePath $staged -OutputPath $help | ForEach-Object { Write-Host "Wrote $($_.FullName)" }
}

function Invoke-Clean {
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    Invoke-Native dotnet @('clean', (Join-Path $repo 'Outage.Tools.sln'), '-c', $Configuration, '-nologo')
}

foreach ($t in $Task) {
    Write-Host "== $t ($Configuration)"
    switch ($t) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Package' { Invoke-Package }
        'Clean' { Invoke-Clean }
    }
}
