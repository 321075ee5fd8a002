#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Imports the staged module.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $fixtures = Join-Path $PSScriptRoot '../fixtures/logs'
    $postfix = Join-Path $fixtures 'postfix-maillog.log'
}

Describe 'Get-MailLogEvent' {
    It 'reads a Postfix log as typed events and warns about the bad line with its number' {
        $events = Get-MailLogEvent -Path $postfix -Year 2026 -UtcOffset 0 -WarningVariable w -WarningAction SilentlyContinue
        $events[0].GetType().FullName | Should -Be 'Outage.Tools.Core.Logs.MailLogEvent'
        $events.Count | Should -Be 9
        $sent = $events | Where-Object Status -eq 'Sent' | Select-Object -First 1
        $sent.Recipient | Should -Be 'bob@contoso.test'
        $sent.Delay | Should -Be ([TimeSpan]::FromSeconds(1.5))
        $sent.MessageId | Should -Be '<m1@example.test>'
        $sent.Time | Should -Be ([DateTimeOffset]::new(2026, 11, 30, 5, 16, 1, [TimeSpan]::Zero))
        $w.Count | Should -Be 1
        "$($w[0])" | Should -Match 'postfix-maillog.log:10: not a Postfix log line'
    }

    It 'filters by status, recipient domain and Message-ID' {
        @(Get-MailLogEvent -Path $postfix -Status Deferred -WarningAction SilentlyContinue).Count | Should -Be 2
        @(Get-MailLogEvent -Path $postfix -RecipientDomain FABRIKAM.test -WarningAction SilentlyContinue).Count | Should -Be 3
        @(Get-MailLogEvent -Path $postfix -MessageId 'm1@example.test' -Status Sent -WarningAction SilentlyContinue).Count | Should -Be 2
    }

    It 'reads gzip-compressed logs piped from Get-ChildItem' {
        $gz = Join-Path $TestDrive 'mail.log.2.gz'
        $out = [IO.Compression.GZipStream]::new([IO.File]::Create($gz), [IO.Compression.CompressionLevel]::Fastest)
        $bytes = [IO.File]::ReadAllBytes($postfix)
        $out.Write($bytes, 0, $bytes.Length)
        $out.Dispose()
        @(Get-ChildItem $gz | Get-MailLogEvent -Status Sent -WarningAction SilentlyContinue).Count | Should -Be 2
    }

    It 'reads Exim mainlogs and Exchange tracking logs' {
        $exim = Get-MailLogEvent -Path (Join-Path $fixtures 'exim-mainlog')
        ($exim | Where-Object Status -eq 'Deferred').Reason | Should -Be 'Connection refused'
        $exchange = Get-MailLogEvent -Path (Join-Path $fixtures 'MSGTRK2026113005-1.LOG')
        $exchange.Status | Should -Be @('Received', 'Deferred', 'Sent')
        ($exchange | Where-Object Status -eq 'Sent').Delay | Should -Be ([TimeSpan]::FromMinutes(30))
    }

    It 'writes a located error for a missing file and goes on' {
        $events = Get-MailLogEvent -Path (Join-Path $TestDrive 'nope.log'), (Join-Path $fixtures 'exim-mainlog') -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound*'
        $events.Count | Should -Be 4
    }

    It 'has help with examples and a default table view' {
        @((Get-Help Get-MailLogEvent -Full).Examples.Example).Count | Should -BeGreaterOrEqual 2
        (Get-MailLogEvent -Path (Join-Path $fixtures 'exim-mainlog') | Out-String -Width 120) | Should -Match 'Time\s+Status\s+QueueId\s+Sender'
    }
}
