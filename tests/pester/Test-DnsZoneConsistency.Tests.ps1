#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Starts two BIND instances with different serials.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    . (Join-Path $PSScriptRoot 'DnsTestPeer.ps1')
    $script:ns1 = Start-DnsTestPeer -Zone 'example.test.zone'
    $script:ns2 = Start-DnsTestPeer -Zone 'example.test.ns2.zone'
}

AfterAll {
    Stop-DnsTestPeer $script:ns1
    Stop-DnsTestPeer $script:ns2
}

Describe 'Test-DnsZoneConsistency' {
    It 'finds the different serials of two servers' {
        $r = Test-DnsZoneConsistency example.test -NameServer $script:ns1.Server, $script:ns2.Server -Name mail.example.test
        $r[0].GetType().FullName | Should -Be 'Outage.Tools.Core.Dns.DnsCheckResult'
        ($r | Where-Object Check -eq 'soa-serial-consistent').Status | Should -Be 'Fail'
        ($r | Where-Object Check -eq 'ns-reachable').Status | Should -Be 'Pass'
        ($r | Where-Object Check -eq 'answer-consistent').Status | Should -Be 'Pass'
    }

    It 'reports a server that does not answer' {
        $port = Get-FreeLoopbackPort
        $r = Test-DnsZoneConsistency example.test -NameServer $script:ns1.Server, "127.0.0.1:$port" -Timeout 0.5 -Retry 0
        ($r | Where-Object Check -eq 'ns-reachable').Status | Should -Be 'Fail'
    }

    It 'has help with examples' {
        @((Get-Help Test-DnsZoneConsistency -Full).Examples.Example).Count | Should -BeGreaterOrEqual 2
    }
}
