#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Starts two BIND instances that differ.

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

Describe 'Compare-DnsResolver' {
    It 'marks agreeing and disagreeing questions' {
        $rows = 'mail.example.test', 'changed.example.test' | Compare-DnsResolver -Server $script:ns1.Server, $script:ns2.Server
        $rows | Should -HaveCount 2
        $rows[0].GetType().FullName | Should -Be 'Outage.Tools.Core.Dns.DnsResolverComparison'
        $rows[0].Consistent | Should -BeTrue
        $rows[1].Consistent | Should -BeFalse
        $rows[1].Answers.Records | Should -Be @('A 127.0.0.8', 'A 127.0.0.9')
    }

    It 'streams piped names: the first row comes out while later names are still being piped' {
        $events = [System.Collections.Generic.List[string]]::new()
        $producer = {
            foreach ($n in 'mail.example.test', 'changed.example.test', 'mx2.example.test') {
                $events.Add("piped $n")
                $n
                Start-Sleep -Milliseconds 600
            }
            $events.Add('producer done')
        }
        $rows = & $producer | Compare-DnsResolver -Server $script:ns1.Server, $script:ns2.Server | ForEach-Object { $events.Add("row $($_.Name)"); $_ }
        $rows.Name | Should -Be @('mail.example.test.', 'changed.example.test.', 'mx2.example.test.')
        $events.IndexOf('row mail.example.test.') | Should -BeGreaterThan $events.IndexOf('piped mail.example.test')
        $events.IndexOf('row mail.example.test.') | Should -BeLessThan $events.IndexOf('producer done')
        $events.IndexOf('row changed.example.test.') | Should -BeLessThan $events.IndexOf('producer done')
    }

    It 'runs piped names as one comparison: input order, one progress activity' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($module, $a, $b)
                Import-Module $module
                1..100 | ForEach-Object { if ($_ % 2) { 'mail.example.test' } else { 'changed.example.test' } } | Compare-DnsResolver -Server $a, $b -ThrottleLimit 4
            }).AddArgument($modulePath).AddArgument($script:ns1.Server).AddArgument($script:ns2.Server)
            $rows = $ps.Invoke()
            $progress = $ps.Streams.Progress
        } finally { $ps.Dispose() }
        $rows | Should -HaveCount 100
        ($rows.Consistent | Select-Object -First 4) -join ',' | Should -Be 'True,False,True,False'
        @($progress | Where-Object RecordType -eq 'Completed') | Should -HaveCount 1
        @($progress.ActivityId | Sort-Object -Unique) | Should -HaveCount 1
    }

    It 'shows a resolver that does not answer' {
        $port = Get-FreeLoopbackPort
        $row = Compare-DnsResolver mail.example.test -Server $script:ns1.Server, "127.0.0.1:$port" -Timeout 0.5 -Retry 0
        $row.Consistent | Should -BeFalse
        $row.Answers[1].Status | Should -BeIn @('Timeout', 'ConnectionRefused')
    }

    It 'ends with a terminating error without resolvers' {
        { Compare-DnsResolver mail.example.test -ErrorAction Stop } | Should -Throw -ErrorId 'DnsNoServer,Outage.Tools.Commands.CompareDnsResolverCommand'
    }

    It 'has help with examples' {
        @((Get-Help Compare-DnsResolver -Full).Examples.Example).Count | Should -BeGreaterOrEqual 2
    }
}
