#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Imports the staged module and starts BIND.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    . (Join-Path $PSScriptRoot 'DnsTestPeer.ps1')
    $script:peer = Start-DnsTestPeer
    $script:server = $script:peer.Server
}

AfterAll {
    Stop-DnsTestPeer $script:peer
}

Describe 'Resolve-DnsRecord' {
    It 'returns typed MX records from the server asked' {
        $mx = Resolve-DnsRecord -Name example.test -Type MX -Server $script:server | Sort-Object Preference
        $mx | Should -HaveCount 2
        $mx[0].GetType().FullName | Should -Be 'Outage.Tools.Core.Dns.DnsMxRecord'
        $mx[0].Preference | Should -Be 10
        $mx[0].Exchange | Should -Be 'mail.example.test.'
        $mx[0].Server | Should -Be $script:server
        $mx[0].ResponseTime | Should -BeOfType [timespan]
    }

    It 'defaults to A and AAAA' {
        (Resolve-DnsRecord example.test -Server $script:server).Type | Sort-Object | Should -Be @('A', 'AAAA')
    }

    It 'binds names from the pipeline by value and by property name, in order' {
        $r = 'mail.example.test', 'mx2.example.test' | Resolve-DnsRecord -Type A -Server $script:server
        $r.Name | Should -Be @('mail.example.test.', 'mx2.example.test.')
        ([pscustomobject]@{ Domain = 'example.test' } | Resolve-DnsRecord -Type SOA -Server $script:server).SerialNumber | Should -Be 2024010101
    }

    It 'streams piped names: the first records come out while later names are still being piped' {
        # A slow producer: each name 600 ms after the last. Batched input would hold every record until the producer ends.
        $events = [System.Collections.Generic.List[string]]::new()
        $producer = {
            foreach ($n in 'mail.example.test', 'mx2.example.test', 'example.test') {
                $events.Add("piped $n")
                $n
                Start-Sleep -Milliseconds 600
            }
            $events.Add('producer done')
        }
        $r = & $producer | Resolve-DnsRecord -Type A -Server $script:server | ForEach-Object { $events.Add("record $($_.Name)"); $_ }
        $r.Name | Should -Be @('mail.example.test.', 'mx2.example.test.', 'example.test.')
        $events.IndexOf('record mail.example.test.') | Should -BeGreaterThan $events.IndexOf('piped mail.example.test')
        $events.IndexOf('record mail.example.test.') | Should -BeLessThan $events.IndexOf('producer done')
        $events.IndexOf('record mx2.example.test.') | Should -BeLessThan $events.IndexOf('producer done')
    }

    It 'runs piped names as one lookup: input order, one progress activity, early stop' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($module, $server)
                Import-Module $module
                1..300 | ForEach-Object { if ($_ % 2) { 'mail.example.test' } else { 'mx2.example.test' } } | Resolve-DnsRecord -Type A -Server $server -ThrottleLimit 8
            }).AddArgument($modulePath).AddArgument($script:server)
            $records = $ps.Invoke()
            $progress = $ps.Streams.Progress
        } finally { $ps.Dispose() }
        $records | Should -HaveCount 300
        ($records.Name | Select-Object -First 4) -join ',' | Should -Be 'mail.example.test.,mx2.example.test.,mail.example.test.,mx2.example.test.'
        @($progress | Where-Object RecordType -eq 'Completed') | Should -HaveCount 1
        @($progress.ActivityId | Sort-Object -Unique) | Should -HaveCount 1
        # Stopping early ends the lookup; the next command runs normally.
        @(1..200 | ForEach-Object { 'mail.example.test' } | Resolve-DnsRecord -Type A -Server $script:server | Select-Object -First 2) | Should -HaveCount 2
        @('mail.example.test' | Resolve-DnsRecord -Type A -Server $script:server) | Should -HaveCount 1
    }

    It 'falls back to TCP for a large answer and shows it with -Raw' {
        $r = Resolve-DnsRecord big.example.test -Type TXT -Server $script:server -Raw
        $r.Transport | Should -Be 'Tcp'
        $r.TruncatedOverUdp | Should -BeTrue
        $r.ResponseCode | Should -Be 'NoError'
    }

    It 'reports NXDOMAIN as a non-terminating error with a stable id' {
        $r = Resolve-DnsRecord nope.example.test -Type A -Server $script:server -ErrorAction SilentlyContinue -ErrorVariable err
        $r | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'DnsNameNotFound,Outage.Tools.Commands.ResolveDnsRecordCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reports a closed port as an error, not a hang' {
        $port = Get-FreeLoopbackPort
        Resolve-DnsRecord example.test -Server "127.0.0.1:$port" -Timeout 1 -Retry 0 -ErrorAction SilentlyContinue -ErrorVariable err
        $err | Should -Not -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^Dns(ConnectionFailed|Timeout),'
    }

    It 'ends with a terminating error for an unusable server' {
        { Resolve-DnsRecord example.test -Server '127.0.0.1:99999' -ErrorAction Stop } | Should -Throw -ErrorId 'DnsInvalidServer,Outage.Tools.Commands.ResolveDnsRecordCommand'
    }

    It 'has help with examples' {
        $help = Get-Help Resolve-DnsRecord -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }

    It 'formats as a table by default' {
        (Resolve-DnsRecord example.test -Type MX -Server $script:server | Out-String) | Should -Match 'Name\s+Type\s+TTL'
    }
}
