#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The README's pipelines run for real: the poison triage against a live private Postfix (checked with the real
# postqueue -j), and Stop (Ctrl+C) of a long probe. Needs root and Postfix (tests/peers/install.sh).

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    . (Join-Path $PSScriptRoot 'PostfixTestPeer.ps1')
}

Describe 'README pipeline: poison-message triage on a live Postfix queue' {
    BeforeAll {
        $postfix = Start-TestPostfix
        $date = 'Mon, 30 Nov 2026 05:00:00 +0000'
        $messages = @()
        foreach ($i in 1..4) {
            $messages += @{ From = "ok$i@vm.test"; To = @("user$i@contoso.test"); Data = "From: ok$i@vm.test`r`nTo: user$i@contoso.test`r`nSubject: ordinary $i`r`nMessage-ID: <ok$i@vm.test>`r`nDate: $date`r`nMIME-Version: 1.0`r`nContent-Type: multipart/mixed; boundary=`"ok$i`"`r`n`r`n--ok$i`r`nContent-Type: text/plain`r`n`r`nhello`r`n--ok$i--`r`n" }
        }
        foreach ($i in 1..2) {
            # Poison: the declared boundary never appears, so every part is silently preamble (RFC 2046 section 5.1.1).
            $messages += @{ From = "bad$i@vm.test"; To = @("user$i@fabrikam.test"); Data = "From: bad$i@vm.test`r`nTo: user$i@fabrikam.test`r`nSubject: invoice $i`r`nMessage-ID: <bad$i@vm.test>`r`nDate: $date`r`nMIME-Version: 1.0`r`nContent-Type: multipart/mixed; boundary=`"declared$i`"`r`n`r`n--used$i`r`nContent-Type: application/pdf`r`nContent-Transfer-Encoding: base64`r`n`r`nJVBERi0xLjQK`r`n--used$i--`r`n" }
        }
        Send-TestMail $postfix $messages
        Wait-TestPostqueue $postfix 6
        $badIds = @(Get-TestPostqueue $postfix | Where-Object sender -like 'bad*' | ForEach-Object queue_id | Sort-Object)
    }

    AfterAll { Stop-TestPostfix $postfix }

    It 'holds nothing with -WhatIf' {
        Get-MailQueueMessage -ConfigDirectory $postfix.ConfigDirectory -Queue deferred | Test-MimeMessage |
            Where-Object Poison | Suspend-MailQueueMessage -WhatIf
        @(Get-TestPostqueue $postfix | Where-Object queue_name -eq 'hold') | Should -HaveCount 0
    }

    It 'holds exactly the poison messages, not the ordinary ones (checked with postqueue -j)' {
        $badIds | Should -HaveCount 2
        Get-MailQueueMessage -ConfigDirectory $postfix.ConfigDirectory -Queue deferred | Test-MimeMessage |
            Where-Object Poison | Suspend-MailQueueMessage -Confirm:$false -ErrorAction Stop
        $queue = @(Get-TestPostqueue $postfix)
        @($queue | Where-Object queue_name -eq 'hold' | ForEach-Object queue_id | Sort-Object) | Should -Be $badIds
        @($queue | Where-Object queue_name -eq 'deferred') | Should -HaveCount 4
    }
}

Describe 'Stop (Ctrl+C) of a long probe' {
    It 'stops a probe waiting on a silent server long before its timeout' {
        # A listener that accepts and never says anything: the SMTP probe waits for a banner for up to 60 s.
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $ps = $null
        try {
            $accepted = $listener.AcceptTcpClientAsync()
            $ps = [powershell]::Create()
            $null = $ps.AddScript('param($m, $port) Import-Module $m; Test-SmtpEndpoint -HostName 127.0.0.1 -Port $port -Tls None -Timeout 60').
                AddArgument($modulePath).AddArgument($listener.LocalEndpoint.Port)
            $async = $ps.BeginInvoke()
            $accepted.Wait(30000) | Should -BeTrue -Because 'the probe connects before it is stopped'
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()   # what Ctrl+C does to the running pipeline
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 20 -Because 'Stop cancels the probe instead of waiting out its 60 s timeout'
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $async.IsCompleted | Should -BeTrue
        }
        finally {
            if ($ps) { $ps.Dispose() }
            if ($accepted -and $accepted.IsCompleted -and -not $accepted.IsFaulted) { $accepted.Result.Dispose() }
            $listener.Stop()
        }
    }
}
