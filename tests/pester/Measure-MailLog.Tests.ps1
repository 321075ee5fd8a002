#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Imports the staged module.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $fixtures = Join-Path $PSScriptRoot '../fixtures/logs'
    $postfix = Join-Path $fixtures 'postfix-maillog.log'
}

Describe 'Measure-MailLog' {
    It 'gives the grand totals' {
        $total = Measure-MailLog -Path $postfix -WarningAction SilentlyContinue
        $total.GetType().FullName | Should -Be 'Outage.Tools.Core.Logs.MailLogSummaryRow'
        $total.Received | Should -Be 1
        $total.Delivered | Should -Be 2
        $total.Deferred | Should -Be 1
        $total.Deferrals | Should -Be 2
        $total.Rejected | Should -Be 1
        $total.BytesReceived | Should -Be 1234
        $total.MaximumDelay | Should -Be ([TimeSpan]::FromSeconds(7202))
    }

    It 'gives per-domain delays, hours and reasons with first and last seen' {
        $rows = Measure-MailLog -Path $postfix -GroupBy 'RecipientDomain', 'Hour', 'Reason' -Year 2026 -UtcOffset 0 -WarningAction SilentlyContinue
        $fabrikam = $rows | Where-Object { $_.GroupBy -eq 'RecipientDomain' -and $_.Key -eq 'fabrikam.test' }
        $fabrikam.Delivered | Should -Be 1
        $fabrikam.Deferrals | Should -Be 2
        $fabrikam.AverageDelay | Should -Be ([TimeSpan]::FromSeconds(7202))
        @($rows | Where-Object GroupBy -eq 'Hour').Key | Should -Be @('2026-11-30 05:00', '2026-11-30 06:00', '2026-11-30 07:00')
        $reason = $rows | Where-Object { $_.GroupBy -eq 'Reason' -and $_.Status -eq 'Deferred' }
        $reason.Count | Should -Be 2
        $reason.FirstSeen | Should -Be ([DateTimeOffset]::new(2026, 11, 30, 5, 16, 1, [TimeSpan]::Zero))
        $reason.LastSeen | Should -Be ([DateTimeOffset]::new(2026, 11, 30, 6, 16, 1, [TimeSpan]::Zero))
    }

    It 'summarises several logs of different MTAs together' {
        $total = Get-ChildItem $fixtures | Measure-MailLog -WarningAction SilentlyContinue
        $total.Delivered | Should -Be 4
        $total.Received | Should -Be 3
    }

    It 'has help with examples and a default table view' {
        @((Get-Help Measure-MailLog -Full).Examples.Example).Count | Should -BeGreaterOrEqual 2
        (Measure-MailLog -Path $postfix -WarningAction SilentlyContinue | Out-String -Width 120) | Should -Match 'GroupBy\s+Received\s+Delivered'
    }
}
