<#
.SYNOPSIS
    Writes the updatable help of the staged module: what Update-Help and Save-Help download from its HelpInfoURI.

.DESCRIPTION
    From the staged module folder (out/Outage.Tools) this writes, into -OutputPath:
      Outage.Tools_<GUID>_HelpInfo.xml              the HelpInfo file: where the content is (HelpContentURI) and
                                                    which culture is at which version (the module version)
      Outage.Tools_<GUID>_en-US_HelpContent.zip     the help content for PowerShell 7 (on Linux and macOS it reads
                                                    only the .zip; on Windows it tries the .zip first)
      Outage.Tools_<GUID>_en-US_HelpContent.cab     the same files as a cabinet, for Windows PowerShell 5.1
    Each package holds the culture's help files flat (no folders): the MAML and the about topic, the only file
    types Update-Help installs (.xml and .txt).

    The .cab is made with gcab (Linux: apt-get install gcab) or makecab.exe (Windows). Without either the script
    stops with that message, unless -SkipCab is given.

    Publish the files of -OutputPath at the module's HelpInfoURI (docs/releasing.md). Both URIs end with '/': the
    help system appends the file names. The content URI must answer without a redirect (Update-Help downloads the
    content with redirects turned off), which is why the help is published on raw.githubusercontent.com and not
    as release assets.

.PARAMETER ModulePath
    The staged module folder (holds Outage.Tools.psd1 and en-US/). Default: out/Outage.Tools.

.PARAMETER OutputPath
    Where to write the files. Default: out/help.

.PARAMETER HelpContentUri
    The folder URI written into HelpInfo.xml as HelpContentURI. Default: the manifest's HelpInfoURI.

.PARAMETER SkipCab
    Write the HelpInfo.xml and the .zip only.

.EXAMPLE
    ./tools/New-UpdatableHelp.ps1
    Writes out/help/ from out/Outage.Tools/ (after ./build.ps1 or tools/stage-module.sh).
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Outage.Tools'),
    [string] $OutputPath = (Join-Path $PSScriptRoot '../out/help'),
    [string] $HelpContentUri,
    [switch] $SkipCab
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$manifestPath = Join-Path $ModulePath 'Outage.Tools.psd1'
if (-not (Test-Path -LiteralPath $manifestPath)) {
    throw "No staged module at '$ModulePath': build and stage it first (./build.ps1 or tools/stage-module.sh Release)."
}
$manifest = Import-PowerShellDataFile -LiteralPath $manifestPath
$name = [System.IO.Path]::GetFileNameWithoutExtension($manifestPath)
$guid = $manifest.GUID
$version = [version] $manifest.ModuleVersion
if (-not $HelpContentUri) { $HelpContentUri = $manifest.HelpInfoURI }
if (-not $HelpContentUri -or -not $HelpContentUri.EndsWith('/')) {
    throw "The help content URI '$HelpContentUri' must be a folder URI ending with '/': the help system appends the file names."
}

$null = New-Item -ItemType Directory -Path $OutputPath -Force
$OutputPath = (Resolve-Path -LiteralPath $OutputPath).Path
$cultures = @(Get-ChildItem -LiteralPath $ModulePath -Directory | Where-Object { $_.Name -match '^[a-z]{2}(-[A-Z]{2})?$' })
if ($cultures.Count -eq 0) { throw "No help culture folder (such as en-US) in '$ModulePath'." }

$cab = $null
if (-not $SkipCab) {
    $cab = Get-Command gcab -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $cab) { $cab = Get-Command makecab.exe -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1 }
    if (-not $cab) {
        throw 'Neither gcab (Linux: apt-get install gcab) nor makecab.exe (Windows) was found to write the .cab for Windows PowerShell; install one, or pass -SkipCab.'
    }
}

foreach ($culture in $cultures) {
    $files = @(Get-ChildItem -LiteralPath $culture.FullName -File | Where-Object { $_.Extension -in '.xml', '.txt' } | Sort-Object Name)
    if ($files.Count -eq 0) { throw "No help files (.xml, .txt) in '$($culture.FullName)'." }
    $base = Join-Path $OutputPath ('{0}_{1}_{2}_HelpContent' -f $name, $guid, $culture.Name)

    # The .zip: the files at its root (PowerShell 7 extracts it into the culture folder as it is).
    $zip = "$base.zip"
    if (Test-Path -LiteralPath $zip) { Remove-Item -LiteralPath $zip -Force }
    Add-Type -AssemblyName 'System.IO.Compression', 'System.IO.Compression.FileSystem'
    $archive = [System.IO.Compression.ZipFile]::Open($zip, [System.IO.Compression.ZipArchiveMode]::Create)
    try {
        foreach ($f in $files) {
            $null = [System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($archive, $f.FullName, $f.Name, [System.IO.Compression.CompressionLevel]::Optimal)
        }
    }
    finally { $archive.Dispose() }
    Write-Verbose "Wrote $zip"

    if ($cab) {
        $cabPath = "$base.cab"
        if (Test-Path -LiteralPath $cabPath) { Remove-Item -LiteralPath $cabPath -Force }
        if ($cab.Name -eq 'gcab') {
            # -n: names without their folder; -z: MSZIP compression.
            & $cab.Source '-c' '-n' '-z' $cabPath @($files.FullName)
        }
        else {
            $ddf = Join-Path $OutputPath 'help.ddf'
            $lines = @('.Set Cabinet=on', '.Set Compress=on', '.Set CompressionType=MSZIP', ('.Set DiskDirectoryTemplate="{0}"' -f $OutputPath),
                ('.Set CabinetNameTemplate="{0}"' -f (Split-Path $cabPath -Leaf)), '.Set MaxDiskSize=0', '.Set RptFileName=nul', '.Set InfFileName=nul')
            $lines += $files | ForEach-Object { '"{0}"' -f $_.FullName }
            Set-Content -LiteralPath $ddf -Value $lines -Encoding Ascii
            try { & $cab.Source '/F' $ddf | Out-Null } finally { Remove-Item -LiteralPath $ddf -Force }
        }
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path -LiteralPath $cabPath)) { throw "$($cab.Name) failed to write $cabPath (exit code $LASTEXITCODE)." }
        Write-Verbose "Wrote $cabPath"
    }
}

# HelpInfo.xml (schema http://schemas.microsoft.com/powershell/help/2010/05): content URI and each culture's version.
$helpInfo = Join-Path $OutputPath ('{0}_{1}_HelpInfo.xml' -f $name, $guid)
$settings = New-Object System.Xml.XmlWriterSettings
$settings.Indent = $true
$settings.Encoding = New-Object System.Text.UTF8Encoding($false)
$writer = [System.Xml.XmlWriter]::Create($helpInfo, $settings)
try {
    $ns = 'http://schemas.microsoft.com/powershell/help/2010/05'
    $writer.WriteStartDocument()
    $writer.WriteStartElement('HelpInfo', $ns)
    $writer.WriteElementString('HelpContentURI', $ns, $HelpContentUri)
    $writer.WriteStartElement('SupportedUICultures', $ns)
    foreach ($culture in $cultures) {
        $writer.WriteStartElement('UICulture', $ns)
        $writer.WriteElementString('UICultureName', $ns, $culture.Name)
        $writer.WriteElementString('UICultureVersion', $ns, $version.ToString())
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally { $writer.Dispose() }
Write-Verbose "Wrote $helpInfo"

Get-ChildItem -LiteralPath $OutputPath -File | Where-Object Name -like "$($name)_$($guid)_*"
