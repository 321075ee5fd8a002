#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Imports the staged module.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $fixtures = Join-Path $PSScriptRoot '../fixtures/logs'
    $postfix = Join-Path $fixtures 'postfix-maillog.log'
    $tracking = Join-Path $fixtures 'MSGTRK2026113005-1.LOG'
}

Describe 'Measure-MessageDelay' {
    It 'measures receipt to last delivery of a Postfix queue id' {
        $total = Measure-MessageDelay -Path $postfix -WarningAction SilentlyContinue
        $total.GetType().FullName | Should -Be 'Outage.Tools.Core.Logs.MessageDelayRow'
        $total.Delivered | Should -Be 1
        $total.Undelivered | Should -Be 0
        $total.Deferred | Should -Be 1
        $total.Maximum | Should -Be ([TimeSpan]::FromSeconds(7202))
        $total.P95 | Should -Be ([TimeSpan]::FromSeconds(7202))
    }

    It 'gives hours of receipt, destinations and messages across logs of different MTAs' {
        $rows = Get-ChildItem $fixtures | Measure-MessageDelay -GroupBy 'Hour', 'RecipientDomain', 'Message' -Year 2026 -UtcOffset 0 -WarningAction SilentlyContinue
        @($rows | Where-Object GroupBy -eq 'Hour').Key | Should -Be @('2026-11-30 05:00')
        $hour = $rows | Where-Object GroupBy -eq 'Hour'
        $hour.Delivered | Should -Be 3
        ($rows | Where-Object { $_.GroupBy -eq 'RecipientDomain' -and $_.Key -eq 'contoso.test' }).Delivered | Should -Be 3
        $exchange = $rows | Where-Object { $_.GroupBy -eq 'Message' -and $_.Key -eq '<m3@example.test>' }
        $exchange.Maximum | Should -Be ([TimeSpan]::FromMinutes(30))
        $exchange.QueueId | Should -Be '111'
    }

    It 'keeps only slow messages with -MinimumDelay given as a duration' {
        $slow = @(Measure-MessageDelay -Path $postfix, $tracking -GroupBy Message -MinimumDelay '1h' -WarningAction SilentlyContinue)
        $slow.Count | Should -Be 1
        $slow[0].QueueId | Should -Be '4B1A2C3D4E'
        { Measure-MessageDelay -Path $postfix -MinimumDelay 'soon' } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,Outage.Tools.Commands.MeasureMessageDelayCommand'
    }

    It 'exports flat columns to CSV' {
        $row = Measure-MessageDelay -Path $tracking -GroupBy Message | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $row.Key | Should -Be '<m3@example.test>'
        $row.Maximum | Should -Be '00:30:00'
        $row.FirstReceived | Should -Not -BeNullOrEmpty
    }

    It 'reports a missing log per item and measures the rest' {
        $rows = Measure-MessageDelay -Path $tracking, (Join-Path $fixtures 'no-such.log') -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Match '^PathNotFound,'
        $rows.Delivered | Should -Be 1
    }

    It 'has help with examples and a default table view within 120 columns' {
        @((Get-Help Measure-MessageDelay -Full).Examples.Example).Count | Should -BeGreaterOrEqual 3
        (Get-Command Measure-MessageDelay).HelpUri | Should -Match 'Measure-MessageDelay\.md$'
        $text = Measure-MessageDelay -Path $postfix -GroupBy 'Total', 'RecipientDomain' -WarningAction SilentlyContinue | Out-String -Width 120
        $text | Should -Match 'GroupBy\s+Delivered\s+Undelivered\s+Deferred\s+P50\s+P90\s+P95\s+P99\s+Maximum\s+Key'
        $text | Should -Match 'fabrikam\.test'
        $text | Should -Match '2h00m'
    }
}
