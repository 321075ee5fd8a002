#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The probable cause dns-takes-endpoints-down end to end in real PowerShell: BIND 9 (DnsTestPeer.ps1) serves
# contoso.test, whose names are loopback addresses only and whose Autodiscover SRV record points at the local
# Exchange front end of tests/Outage.Tools.TestServer (OWA, ActiveSync, Autodiscover; trusted through its CA file).
# Invoke-OutageCheck and `outage check` state no DNS cause while BIND answers, and the cause once BIND stops.
# Needs a Release build of the test server and of the CLI.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    . (Join-Path $PSScriptRoot 'DnsTestPeer.ps1')
    $bin = Join-Path $PSScriptRoot '../Outage.Tools.TestServer/bin'
    $dll = @('Release', 'Debug') | ForEach-Object { Join-Path $bin "$_/net10.0/Outage.Tools.TestServer.dll" } | Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $dll) { throw 'Build the test server first: dotnet build tests/Outage.Tools.TestServer -c Release' }
    $script:cli = Join-Path $PSScriptRoot '../../src/Outage.Tools.Cli/bin/Release/net10.0/outage.dll'
    if (-not (Test-Path $cli)) { throw 'Build the CLI first: dotnet build src/Outage.Tools.Cli -c Release' }

    $script:ca = Join-Path $TestDrive 'ca.pem'
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = 'dotnet'
    $psi.Arguments = ('"{0}" "{1}"' -f $dll, $ca)
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $script:frontEnd = [System.Diagnostics.Process]::Start($psi)
    $read = $frontEnd.StandardOutput.ReadLineAsync()
    if (-not $read.Wait(60000)) { $frontEnd.Kill(); throw 'The test front end did not start within 60 s.' }
    $script:port = ([uri]$read.Result).Port

    $zone = Join-Path $TestDrive 'contoso.test.zone'
    $zoneText = @(
        '$TTL 300'
        '@ IN SOA ns1.contoso.test. hostmaster.contoso.test. 1 3600 600 86400 300'
        '@ IN NS ns1.contoso.test.'
        'ns1 IN A 127.0.0.1'
        '@ IN MX 10 mail.contoso.test.'
        '@ IN TXT "v=spf1 mx -all"'
        'mail IN A 127.0.0.1'
        "_autodiscover._tcp IN SRV 0 0 $port mail.contoso.test."
    )
    Set-Content -Path $zone -Value $zoneText
    $script:dns = Start-DnsTestPeer -ZoneFile $zone -Origin 'contoso.test'

    $script:config = Join-Path $TestDrive 'outage-check.psd1'
    $configText = @(
        '@{'
        "    Domains                = @('contoso.test')"
        "    DnsServers             = @('$($dns.Server)')"
        "    OwaUris                = @('https://mail.contoso.test:$port/owa/')"
        "    ActiveSyncUris         = @('https://mail.contoso.test:$port/Microsoft-Server-ActiveSync')"
        "    AutodiscoverAddresses  = @('user@contoso.test')"
        "    TrustedRootCertificate = '$ca'"
        '    Thresholds             = @{ DnsResponseWarnMilliseconds = 60000; EndpointResponseWarnMilliseconds = 60000 }'
        '}'
    )
    Set-Content -Path $config -Value $configText
    $script:statement = 'DNS for contoso.test is failing; OWA, ActiveSync and Autodiscover are down because of it.'
}

AfterAll {
    Stop-DnsTestPeer $dns
    if ($frontEnd -and -not $frontEnd.HasExited) {
        $frontEnd.StandardInput.Close()
        if (-not $frontEnd.WaitForExit(10000)) { $frontEnd.Kill() }
    }
}

Describe 'Probable cause against a real zone and a real front end' {
    It 'states no DNS cause while BIND answers, and dns-takes-endpoints-down with what it rests on once BIND stops' {
        $healthy = Invoke-OutageCheck -ConfigurationPath $config
        $endpoints = @($healthy | Where-Object { $_ -is [Outage.Tools.Core.Checks.OutageCheckResult] -and $_.Area -eq 'Endpoint' })
        $endpoints | Should -HaveCount 3
        ($endpoints | ForEach-Object { '{0} {1}' -f $_.Check, $_.Status } | Sort-Object) | Should -Be @('activesync Pass', 'autodiscover Pass', 'owa Pass')
        @($healthy | Where-Object { $_ -is [Outage.Tools.Core.Checks.ProbableCause] -and $_.Rule -eq 'dns-takes-endpoints-down' }) | Should -HaveCount 0
        (& 'dotnet' $cli 'check' '--config' $config 2>&1 | Out-String) | Should -Not -Match 'Probable cause \(Dns\)'

        # The zone's only server stops answering.
        $dns.Process.Kill()
        $null = $dns.Process.WaitForExit(10000)

        $outage = Invoke-OutageCheck -ConfigurationPath $config
        $cause = @($outage | Where-Object { $_ -is [Outage.Tools.Core.Checks.ProbableCause] -and $_.Rule -eq 'dns-takes-endpoints-down' })
        $cause | Should -HaveCount 1
        $cause[0].Statement | Should -Be $statement
        $cause[0].Layer | Should -Be 'Dns'
        $cause[0].RestsOn | Should -Contain ('Endpoint https://mail.contoso.test:{0}/owa/ owa: Fail' -f $port)
        $cause[0].RestsOn | Should -Contain ('Endpoint https://mail.contoso.test:{0}/Microsoft-Server-ActiveSync activesync: Fail' -f $port)
        $cause[0].RestsOn | Should -Contain 'Endpoint user@contoso.test autodiscover: Fail'
        @($cause[0].RestsOn | Where-Object { $_ -like 'Dns contoso.test mx-present: *' }) | Should -HaveCount 1

        # outage check prints the same cause after its table, with what it rests on.
        $text = & 'dotnet' $cli 'check' '--config' $config 2>&1 | Out-String
        $text | Should -Match ([regex]::Escape("Probable cause (Dns): $statement"))
        $text | Should -Match 'rests on: .*Endpoint user@contoso\.test autodiscover: Fail'
    }
}
