#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Talks only to the local identity platform /
# Graph stand-in of tests/Outage.Tools.TestServer (graph mode) on 127.0.0.1, trusted with -TrustedRootCertificate.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    . (Join-Path $PSScriptRoot 'GraphTestServer.ps1')
    $peer = Start-GraphTestPeer -WorkFolder $TestDrive
    $script:server = $peer.Server
    $script:secret = $peer.Secret
    $script:common = $peer.Common
}

AfterAll {
    Stop-GraphTestServer $server
}

Describe 'Get-ServiceHealthIssue' {
    It 'reads every page and parses the documented fields' {
        $r = Get-ServiceHealthIssue @common
        ($r | ForEach-Object Id) -join ',' | Should -Be 'EX123456,TM654321,EX100001,SP777777'
        $ex = $r[0]
        $ex.GetType().FullName | Should -Be 'Outage.Tools.Core.ServiceHealth.ServiceHealthIssue'
        $ex.Classification | Should -Be 'incident'
        $ex.Status | Should -Be 'serviceInterruption'
        $ex.FeatureGroup | Should -Be 'E-Mail and calendar access'
        $ex.PostCount | Should -Be 2
        $ex.LatestPost | Should -Match 'Users may be unable to send & receive email'
        $ex.StartDateTime | Should -Be ([datetimeoffset]'2026-11-28T09:12:00Z')
    }

    It 'filters: -Active, -Classification, -Service, -Status, -Since, -Id' {
        (Get-ServiceHealthIssue @common -Active).Id -join ',' | Should -Be 'EX123456,TM654321,SP777777'
        (Get-ServiceHealthIssue @common -Classification Incident).Id -join ',' | Should -Be 'EX123456,EX100001'
        (Get-ServiceHealthIssue @common -Service 'Exchange Online' -Active).Id | Should -Be 'EX123456'
        (Get-ServiceHealthIssue @common -Status serviceDEGRADATION).Id | Should -Be 'TM654321'
        (Get-ServiceHealthIssue @common -Since ([datetimeoffset]'2026-11-28T08:30:00Z').UtcDateTime).Id | Should -Be 'EX123456'
        (Get-ServiceHealthIssue @common -Id 'SP*').Id | Should -Be 'SP777777'
    }

    It 'binds Get-ServiceHealth output by the Service property' {
        $issues = Get-ServiceHealth @common -Status serviceInterruption | Get-ServiceHealthIssue @common -Active
        $issues.Id | Should -Be 'EX123456'
    }

    It 'waits for Retry-After on a 429 and says so in verbose text' {
        $p = $common.Clone(); $p.GraphEndpoint = $server.Https + '/throttle/'
        $out = Get-ServiceHealthIssue @p -Verbose 4>&1
        @($out | Where-Object { $_ -is [Outage.Tools.Core.ServiceHealth.ServiceHealthIssue] }) | Should -HaveCount 4
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String) | Should -Match 'answered 429 Too Many Requests; waiting 1 s \(Retry-After\)'
    }

    It 'ends with ServiceHealthThrottled when Retry-After is longer than -MaxRetryWait' {
        $p = $common.Clone(); $p.GraphEndpoint = $server.Https + '/throttlelong/'
        { Get-ServiceHealthIssue @p -MaxRetryWait 5 -ErrorAction Stop } | Should -Throw -ErrorId 'ServiceHealthThrottled,Outage.Tools.Commands.GetServiceHealthIssueCommand'
    }

    It 'ends with ServiceHealthTimeout on a slow answer' {
        $p = $common.Clone(); $p.GraphEndpoint = $server.Https + '/slow/'; $p.Timeout = 1
        { Get-ServiceHealthIssue @p -ErrorAction Stop } | Should -Throw -ErrorId 'ServiceHealthTimeout,Outage.Tools.Commands.GetServiceHealthIssueCommand'
    }

    It 'reports malformed JSON as ServiceHealthInvalidResponse' {
        $p = $common.Clone(); $p.GraphEndpoint = $server.Https + '/malformed/'
        { Get-ServiceHealthIssue @p -ErrorAction Stop } | Should -Throw -ErrorId 'ServiceHealthInvalidResponse,Outage.Tools.Commands.GetServiceHealthIssueCommand'
    }

    It 'exports flat properties to CSV' {
        $csv = Get-ServiceHealthIssue @common -Id EX123456 | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $csv.Id | Should -Be 'EX123456'
        $csv.Classification | Should -Be 'incident'
        $csv.ImpactDescription | Should -Match 'unable to send or receive'
    }

    It 'formats as a table by default' {
        (Get-ServiceHealthIssue @common | Out-String -Width 120) | Should -Match 'EX123456\s+Exchange Online\s+incident\s+serviceInterruption\s+2026-11-28 09:12'
    }

    It 'has help with examples' {
        $help = Get-Help Get-ServiceHealthIssue -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }
}
