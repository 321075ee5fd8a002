#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Imports the staged module.
# Uses the reserved .invalid top-level domain (RFC 6761): no name resolves. Lookups go to a local BIND (-DnsServer,
# 127.0.0.1 only) that is not authoritative for contoso.invalid and refuses at once, so nothing leaves the machine.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    . (Join-Path $PSScriptRoot 'DnsTestPeer.ps1')
    $script:peer = Start-DnsTestPeer
    $script:dns = $script:peer.Server
}

AfterAll {
    Stop-DnsTestPeer $script:peer
}

Describe 'Test-AutodiscoverEndpoint' {
    It 'records every attempt of the order and fails with NotFound when nothing answers' {
        $r = Test-AutodiscoverEndpoint 'user@contoso.invalid' -Timeout 10 -DnsServer $script:dns
        $r.GetType().FullName | Should -Be 'Outage.Tools.Core.Endpoints.AutodiscoverResult'
        $r.Status | Should -Be 'Fail'
        $r.Outcome | Should -Be 'NotFound'
        $r.Attempts.Step | Should -Contain '1 RootDomain'
        $r.Attempts.Step | Should -Contain '2 AutodiscoverHost'
        $r.Attempts.Step | Should -Contain '3 HttpRedirect'
        # -DnsServer also answers the SRV step: the test server is not authoritative for contoso.invalid (REFUSED).
        $srv = $r.Attempts | Where-Object Step -eq '4 Srv'
        $srv.Outcome | Should -Be 'Failed'
        $srv.Error | Should -Match 'Refused'
        $srv.Url | Should -Be '_autodiscover._tcp.contoso.invalid'
    }

    It 'reports a value that is not an address as a non-terminating error with a stable id' {
        $r = Test-AutodiscoverEndpoint 'contoso.com' -ErrorAction SilentlyContinue -ErrorVariable err
        $r | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'EndpointTargetInvalid,Outage.Tools.Commands.TestAutodiscoverEndpointCommand'
    }

    It 'binds addresses by property name (mailbox objects)' {
        $r = [pscustomobject]@{ PrimarySmtpAddress = 'user@contoso.invalid' } | Test-AutodiscoverEndpoint -XmlOnly -Timeout 10 -DnsServer $script:dns
        $r.EmailAddress | Should -Be 'user@contoso.invalid'
        $r.Attempts.Step | Should -Not -Contain '5 V2Json EWS'
    }

    It 'never shows the password of -Credential' {
        $secret = 'Pester-Secret-' + [guid]::NewGuid()
        $cred = [pscredential]::new('user@contoso.invalid', (ConvertTo-SecureString $secret -AsPlainText -Force))
        $all = Test-AutodiscoverEndpoint 'user@contoso.invalid' -Timeout 10 -DnsServer $script:dns -Credential $cred -Verbose 4>&1 2>&1 | Out-String
        $all | Should -Not -Match ([regex]::Escape($secret))
    }

    It 'has help with examples' {
        $help = Get-Help Test-AutodiscoverEndpoint -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }

    It 'formats as a table by default' {
        (Test-AutodiscoverEndpoint 'user@contoso.invalid' -Timeout 10 -DnsServer $script:dns | Out-String) | Should -Match 'EmailAddress'
    }
}
