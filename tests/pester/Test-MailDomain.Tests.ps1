#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Imports the staged module and starts BIND.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    . (Join-Path $PSScriptRoot 'DnsTestPeer.ps1')
    $script:peer = Start-DnsTestPeer -Zone 'mail.test.zone' -Origin 'mail.test'
    $script:server = $script:peer.Server
}

AfterAll {
    Stop-DnsTestPeer $script:peer
}

Describe 'Test-MailDomain' {
    It 'passes every check for a well-configured domain' {
        $r = Test-MailDomain good.mail.test -Server $script:server -DkimSelector sel1 -OwaHost owa.good.mail.test
        $r[0].GetType().FullName | Should -Be 'Outage.Tools.Core.Dns.DnsCheckResult'
        $r.Check | Should -Contain 'spf-lookup-limit'
        $r | Where-Object Status -ne 'Pass' | Should -BeNullOrEmpty
    }

    It 'fails the checks of a broken domain, as output rather than errors' {
        $r = Test-MailDomain bad.mail.test -Server $script:server -DkimSelector short -ErrorVariable err
        $err | Should -BeNullOrEmpty
        ($r | Where-Object Check -eq 'spf-all').Status | Should -Be 'Fail'
        ($r | Where-Object Check -eq 'dkim-key').Summary | Should -Match '512 bits'
    }

    It 'counts SPF lookups through include chains' {
        (Test-MailDomain over.mail.test -Server $script:server | Where-Object Check -eq 'spf-lookup-limit').Status | Should -Be 'Fail'
    }

    It 'applies the organizational domain''s DMARC record to a subdomain without one' {
        $r = Test-MailDomain a.b.sporg.mail.test -Server $script:server
        ($r | Where-Object Check -eq 'dmarc-present').Summary | Should -Match 'sporg\.mail\.test'
        ($r | Where-Object Check -eq 'dmarc-policy').Status | Should -Be 'Warn'
    }

    It 'binds domains from the pipeline by property name' {
        $r = [pscustomobject]@{ DomainName = 'nullmx.mail.test' } | Test-MailDomain -Server $script:server
        ($r | Where-Object Check -eq 'mx-present').Summary | Should -Match 'Null MX'
    }

    It 'streams piped domains into one check: input order, one progress activity' {
        $domains = @('good.mail.test', 'nullmx.mail.test') * 40
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($module, $names, $server)
                Import-Module $module
                $names | Test-MailDomain -Server $server -ThrottleLimit 4
            }).AddArgument($modulePath).AddArgument($domains).AddArgument($script:server)
            $results = $ps.Invoke()
            $progress = $ps.Streams.Progress
            $ps.Streams.Error | Should -BeNullOrEmpty
        } finally { $ps.Dispose() }
        # Results come per domain in input order: the targets change exactly where the input does.
        $order = @($results | ForEach-Object { $_.Target } | Where-Object { $_ } )
        $runs = 1..($order.Count - 1) | Where-Object { $order[$_] -ne $order[$_ - 1] }
        @($runs).Count | Should -Be ($domains.Count - 1)
        @($progress | Where-Object RecordType -eq 'Completed').Count | Should -BeLessOrEqual 1
        @($progress.ActivityId | Sort-Object -Unique).Count | Should -BeLessOrEqual 1
    }

    It 'has help with examples' {
        $help = Get-Help Test-MailDomain -Full
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }
}
