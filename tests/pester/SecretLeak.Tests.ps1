#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Issue 14, secrets: the probes that take -Credential (Test-OwaEndpoint, Test-EwsEndpoint, Test-ActiveSyncEndpoint) run
# against a server that reflects what it was sent (tests/Outage.Tools.TestServer "reflect" mode: SecretReflector on
# 127.0.0.1, the test CA) into its status line, headers, redirect and body. Every PowerShell stream (-Verbose,
# warnings, errors, information), the objects (JSON, CSV, Export-Clixml, table and list views), the four report
# formats and a history read back by Export-OutageReport, $Error and Get-History are searched for the password, the
# Basic token and its URL-escaped form. (Get-ServiceHealth's secret: Get-ServiceHealth.Tests.ps1.)

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $root = Join-Path $PSScriptRoot '../Outage.Tools.TestServer/bin'
    $dll = @('Release', 'Debug') | ForEach-Object { Join-Path $root "$_/net10.0/Outage.Tools.TestServer.dll" } | Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $dll) { throw 'Build the test server first: dotnet build tests/Outage.Tools.TestServer -c Release' }
    $script:ca = Join-Path $TestDrive 'test-ca.pem'
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = 'dotnet'
    $psi.Arguments = ('"{0}" "{1}" reflect' -f $dll, $script:ca)
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $script:server = [System.Diagnostics.Process]::Start($psi)
    $read = $script:server.StandardOutput.ReadLineAsync()
    if (-not $read.Wait(60000)) { $script:server.Kill(); throw 'The reflecting test server did not start within 60 s.' }
    $script:base = $read.Result.Trim()

    $script:user = 'probe@contoso.test'
    $script:password = 'Pester-Leak-' + [guid]::NewGuid().ToString('N')
    $script:cred = [pscredential]::new($script:user, (ConvertTo-SecureString $script:password -AsPlainText -Force))
    $script:token = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("$($script:user):$($script:password)"))
    $script:secrets = @($script:password, $script:token, [uri]::EscapeDataString($script:token))

    function Assert-NoSecret([string] $What, [string] $Text) {
        foreach ($s in $script:secrets) {
            $Text.Contains($s) | Should -BeFalse -Because "$What must not carry the credential"
        }
    }
}

AfterAll {
    if ($script:server -and -not $script:server.HasExited) {
        $script:server.StandardInput.Close()
        if (-not $script:server.WaitForExit(10000)) { $script:server.Kill() }
    }
}

Describe 'A run with -Credential against a server that reflects it' {
    It '<Name>: no stream, object, view, export, report, history or error carries the password or the token' -ForEach @(
        @{ Name = 'Test-OwaEndpoint'; Target = 'owa/'; Outcome = 'LoginForm' }
        @{ Name = 'Test-EwsEndpoint'; Target = ''; Outcome = 'AuthenticationFailed' }
        @{ Name = 'Test-ActiveSyncEndpoint'; Target = ''; Outcome = $null }
    ) {
        $uri = "$script:base/$Target"
        $common = @{ Uri = $uri; Credential = $script:cred; TrustedRootCertificate = $script:ca; Timeout = 10 }
        # Every stream of one run: output, errors, warnings, verbose, debug, information.
        $all = & $Name @common -Verbose -Debug -ErrorVariable errs -WarningVariable warns -InformationVariable infos *>&1 |
            ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { "$_ $($_.ErrorDetails) $($_.Exception) $($_.TargetObject)" } else { $_ | Out-String -Width 400 } }
        Assert-NoSecret 'the streams' ($all -join "`n")
        Assert-NoSecret 'the errors' (($errs | ForEach-Object { "$_ $($_.ErrorDetails) $($_.Exception) $($_.TargetObject) $($_.FullyQualifiedErrorId)" }) -join "`n")
        Assert-NoSecret 'the warnings' ($warns -join "`n")
        Assert-NoSecret 'the information' ($infos -join "`n")

        $results = @(& $Name @common)
        $results | Should -HaveCount 1
        # The credential reached the server, which reflected it: the probe saw its answer.
        $results[0].Status | Should -Not -BeNullOrEmpty
        if ($Outcome) { $results[0].Outcome | Should -Be $Outcome }
        $json = $results | ConvertTo-Json -Depth 8
        # The server had the secret and sent it back; the probe replaced it: the test is not vacuous.
        $json | Should -Match ([regex]::Escape('[redacted]'))
        Assert-NoSecret 'JSON' $json
        Assert-NoSecret 'CSV' ($results | ConvertTo-Csv -NoTypeInformation | Out-String)
        Assert-NoSecret 'the table view' ($results | Format-Table | Out-String -Width 400)
        Assert-NoSecret 'every property' ($results | Format-List * | Out-String -Width 400)
        Assert-NoSecret 'the hops' ($results.Hops | Format-List * | Out-String -Width 400)
        $clixml = Join-Path $TestDrive "$Name.clixml"
        $results | Export-Clixml -LiteralPath $clixml -Depth 6
        Assert-NoSecret 'Export-Clixml' (Get-Content -Raw -LiteralPath $clixml)

        # Reports and history: the results as check results (Area added), then a history the report reads back.
        $checks = $results | Select-Object -Property @(@{ n = 'Area'; e = { 'Endpoint' } }, 'Check', 'Target', 'Status', 'Summary', 'Detail', @{ n = 'ComputerName'; e = { 'probe-host' } })
        $history = Join-Path $TestDrive "$Name-history.jsonl"
        $checks | ForEach-Object { ([ordered]@{ area = 'Endpoint'; target = $_.Target; check = $_.Check; status = "$($_.Status)"; summary = $_.Summary
            detail = $_.Detail; timestamp = '2026-11-30T08:00:00Z'; duration = 1 } | ConvertTo-Json -Compress) } | Set-Content -LiteralPath $history
        foreach ($ext in 'html', 'md', 'json', 'prom') {
            $report = Join-Path $TestDrive "$Name.$ext"
            $checks | Export-OutageReport -Path $report -HistoryPath $history -Force
            Assert-NoSecret "the $ext report" (Get-Content -Raw -LiteralPath $report)
        }
        Assert-NoSecret 'the history' (Get-Content -Raw -LiteralPath $history)
        Assert-NoSecret '$Error' (($Error | ForEach-Object { "$_ $($_.Exception)" }) -join "`n")
        Assert-NoSecret 'Get-History' ((Get-History | Out-String -Width 400))
    }
}
