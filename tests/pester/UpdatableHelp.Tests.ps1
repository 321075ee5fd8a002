#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Builds the updatable help of the staged module
# with tools/New-UpdatableHelp.ps1, then runs the real Update-Help and Save-Help in child pwsh processes whose home,
# data and module folders are scratch folders under TestDrive: nothing of the user's help or modules is touched, and
# the only server asked is a python3 http.server on 127.0.0.1 that this file starts (never the published URI).

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    $script:staged = Split-Path (Resolve-Path $modulePath).Path
    $script:tool = Join-Path $PSScriptRoot '../../tools/New-UpdatableHelp.ps1'
    $script:manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $staged 'Outage.Tools.psd1')
    $script:prefix = 'Outage.Tools_{0}_' -f $manifest.GUID
    # This pwsh: its executable in $PSHOME (the process itself may be the dotnet host when pwsh is a .NET tool).
    $script:pwsh = Join-Path $PSHOME 'pwsh'
    if (-not (Test-Path -LiteralPath $pwsh)) { $script:pwsh = Join-Path $PSHOME 'pwsh.exe' }
    if (-not (Get-Command gcab -CommandType Application -ErrorAction SilentlyContinue)) {
        throw 'gcab is not installed (it writes the .cab for Windows PowerShell): apt-get install gcab (tests/peers/apt-packages.txt).'
    }

    function New-ScratchModule {
        # A copy of the staged module without its help, under a scratch modules folder; HelpInfoURI optionally rewritten.
        param([string] $Root, [string] $HelpInfoUri)
        $copy = Join-Path $Root 'modules/Outage.Tools'
        $null = New-Item -ItemType Directory -Path $copy -Force
        Get-ChildItem -LiteralPath $staged -File | Copy-Item -Destination $copy
        if ($HelpInfoUri) {
            $psd1 = Join-Path $copy 'Outage.Tools.psd1'
            $text = (Get-Content -LiteralPath $psd1 -Raw) -replace "HelpInfoURI(\s*)=\s*'[^']*'", "HelpInfoURI`$1= '$HelpInfoUri'"
            Set-Content -LiteralPath $psd1 -Value $text -NoNewline
        }
        Join-Path $copy 'Outage.Tools.psd1'
    }

    function Invoke-ScratchPwsh {
        # Runs a script in a child pwsh whose HOME and XDG folders are under $Root; returns its output lines.
        param([string] $Root, [string] $Script)
        $psi = New-Object System.Diagnostics.ProcessStartInfo
        $psi.FileName = $pwsh
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Script) { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $scratchHome = Join-Path $Root 'home'
        $null = New-Item -ItemType Directory -Path $scratchHome -Force
        $psi.EnvironmentVariables['HOME'] = $scratchHome
        $psi.EnvironmentVariables['XDG_DATA_HOME'] = Join-Path $scratchHome '.local/share'
        $psi.EnvironmentVariables['XDG_CONFIG_HOME'] = Join-Path $scratchHome '.config'
        $psi.EnvironmentVariables['XDG_CACHE_HOME'] = Join-Path $scratchHome '.cache'
        $psi.EnvironmentVariables['PSModulePath'] = Join-Path $Root 'modules'
        $p = [System.Diagnostics.Process]::Start($psi)
        $err = $p.StandardError.ReadToEndAsync()
        $out = $p.StandardOutput.ReadToEndAsync()
        if (-not $p.WaitForExit(180000)) { $p.Kill(); throw 'The child pwsh did not finish within 180 s.' }
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Output = @($out.Result -split "`r?`n" | Where-Object { $_ }); Error = $err.Result }
    }
}

Describe 'Updatable help' {
    It 'builds the HelpInfo.xml and the en-US help content as .zip and .cab, named for the module GUID' {
        $built = Join-Path $TestDrive 'built'
        $files = & $tool -ModulePath $staged -OutputPath $built
        ($files.Name | Sort-Object) -join ',' | Should -Be ((@('en-US_HelpContent.cab', 'en-US_HelpContent.zip', 'HelpInfo.xml') | ForEach-Object { $prefix + $_ }) -join ',')

        [xml] $info = Get-Content -LiteralPath (Join-Path $built ($prefix + 'HelpInfo.xml')) -Raw
        $info.HelpInfo.NamespaceURI | Should -Be 'http://schemas.microsoft.com/powershell/help/2010/05'
        $info.HelpInfo.HelpContentURI | Should -Be $manifest.HelpInfoURI
        $info.HelpInfo.SupportedUICultures.UICulture.UICultureName | Should -Be 'en-US'
        $info.HelpInfo.SupportedUICultures.UICulture.UICultureVersion | Should -Be $manifest.ModuleVersion

        $expected = (Get-ChildItem -LiteralPath (Join-Path $staged 'en-US') -File).Name | Sort-Object
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead((Join-Path $built ($prefix + 'en-US_HelpContent.zip')))
        try { ($zip.Entries.FullName | Sort-Object) -join ',' | Should -Be ($expected -join ',') } finally { $zip.Dispose() }
        $listed = & 'gcab' '-t' (Join-Path $built ($prefix + 'en-US_HelpContent.cab'))
        $LASTEXITCODE | Should -Be 0
        ($listed | Sort-Object) -join ',' | Should -Be ($expected -join ',')
        # The cab's MAML is byte for byte the shipped one.
        $x = Join-Path $TestDrive 'cab-x'
        $null = New-Item -ItemType Directory -Path $x
        & 'gcab' '-x' '-C' $x (Join-Path $built ($prefix + 'en-US_HelpContent.cab'))
        (Get-FileHash (Join-Path $x 'Outage.Tools.dll-Help.xml')).Hash | Should -Be (Get-FileHash (Join-Path $staged 'en-US/Outage.Tools.dll-Help.xml')).Hash
    }

    It 'ships a HelpInfoURI that is a folder on raw.githubusercontent.com of the project repository' {
        $repo = $manifest.PrivateData.PSData.ProjectUri -replace '^https://github.com/', ''
        $manifest.HelpInfoURI | Should -BeLike "https://raw.githubusercontent.com/$repo/*/"
    }

    It 'Update-Help -SourcePath installs the help into a module copy and Get-Help then reads it' {
        $root = Join-Path $TestDrive 'update'
        $built = Join-Path $TestDrive 'built-update'
        $null = & $tool -ModulePath $staged -OutputPath $built
        $psd1 = New-ScratchModule -Root $root
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$psd1'
'before: ' + ((Get-Help Test-MimeMessage).Synopsis -replace '\s+', ' ').Trim()
Update-Help -Module Outage.Tools -SourcePath '$built' -UICulture en-US -Scope AllUsers -Force
'after: ' + (Get-Help Test-MimeMessage).Synopsis.Trim()
'examples: ' + @((Get-Help Resolve-DnsRecord -Full).Examples.Example).Count
'about: ' + ((Get-Help about_Outage.Tools | Out-String) -match 'Outage.Tools')
"@
        $r = Invoke-ScratchPwsh -Root $root -Script $script
        $r.Error | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0
        # Without the help files Get-Help only knows the syntax; after Update-Help it has the MAML's synopsis.
        $r.Output | Should -HaveCount 4
        $r.Output[0] | Should -Match '^before: '
        $r.Output[0] | Should -Not -Match 'malformations'
        $r.Output[1] | Should -Match '^after: Checks mail messages for MIME and RFC 5322 malformations'
        $r.Output[2] | Should -Match '^examples: [1-9]'
        $r.Output[3] | Should -Be 'about: True'
        Join-Path (Split-Path $psd1) 'en-US/Outage.Tools.dll-Help.xml' | Should -Exist
        Join-Path (Split-Path $psd1) ($prefix + 'HelpInfo.xml') | Should -Exist
    }

    It 'Save-Help downloads from the HelpInfoURI (a server on 127.0.0.1) and Update-Help installs what it saved' {
        $root = Join-Path $TestDrive 'save'
        $served = Join-Path $root 'served'
        $null = New-Item -ItemType Directory -Path $served -Force
        $psi = New-Object System.Diagnostics.ProcessStartInfo
        $psi.FileName = 'python3'
        foreach ($a in '-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', $served) { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $server = [System.Diagnostics.Process]::Start($psi)
        try {
            $log = $server.StandardError.ReadToEndAsync()
            $first = $server.StandardOutput.ReadLineAsync()
            $first.Wait(30000) | Should -BeTrue -Because 'python3 http.server starts within 30 s'
            $port = [int]([regex]::Match($first.Result, 'port (\d+)').Groups[1].Value)
            $uri = "http://127.0.0.1:$port/"
            $null = & $tool -ModulePath $staged -OutputPath $served -HelpContentUri $uri
            $psd1 = New-ScratchModule -Root $root -HelpInfoUri $uri
            $saved = Join-Path $root 'saved'
            $null = New-Item -ItemType Directory -Path $saved -Force
            $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$psd1'
'uri: ' + (Get-Module Outage.Tools).HelpInfoUri
Save-Help -Module Outage.Tools -DestinationPath '$saved' -UICulture en-US -Force
(Get-ChildItem -LiteralPath '$saved' -File).Name | Sort-Object | ForEach-Object { 'saved: ' + `$_ }
Update-Help -Module Outage.Tools -SourcePath '$saved' -UICulture en-US -Scope AllUsers -Force
'after: ' + (Get-Help Test-MimeMessage).Synopsis.Trim()
"@
            $r = Invoke-ScratchPwsh -Root $root -Script $script
        }
        finally {
            if (-not $server.HasExited) { $server.Kill() }
            $server.WaitForExit(10000) | Out-Null
        }
        $r.Error | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0
        $r.Output[0] | Should -Be "uri: $uri"
        ($r.Output | Where-Object { $_ -like 'saved: *' }) -join ',' | Should -Be ("saved: $($prefix)en-US_HelpContent.zip,saved: $($prefix)HelpInfo.xml")
        $r.Output[-1] | Should -Match '^after: Checks mail messages for MIME and RFC 5322 malformations'
        # What was asked of the server: the HelpInfo.xml, then the .zip (PowerShell 7 on Unix), nothing else.
        $requests = @([regex]::Matches($log.Result, '"GET (\S+) HTTP') | ForEach-Object { $_.Groups[1].Value })
        $requests | Should -Contain "/$($prefix)HelpInfo.xml"
        $requests | Should -Contain "/$($prefix)en-US_HelpContent.zip"
        @($requests | Where-Object { $_ -notlike "/$prefix*" }) | Should -BeNullOrEmpty
    }
}
