#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Uses the shipped samples (offline).

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $samples = Join-Path $PSScriptRoot '../../samples'
}

Describe 'Invoke-OutageCheck' {
    It 'runs the sample configuration and returns uniform results' {
        $results = Invoke-OutageCheck -ConfigurationPath (Join-Path $samples 'outage-check.psd1')
        $results | Should -Not -BeNullOrEmpty
        $results[0].GetType().FullName | Should -Be 'Outage.Tools.Core.Checks.OutageCheckResult'
        $results.Area | Should -Contain 'Queue'
        $results.Area | Should -Contain 'Mime'
        ($results | Where-Object { $_.Area -eq 'Mime' -and $_.Status -eq 'Fail' }) | Should -Not -BeNullOrEmpty
    }

    It 'emits the probable causes of the sample outage after the results, each with what it rests on' {
        $out = Invoke-OutageCheck -ConfigurationPath (Join-Path $samples 'outage-check.psd1')
        $causes = @($out | Where-Object { $_ -is [Outage.Tools.Core.Checks.ProbableCause] })
        $causes.Statement | Should -Contain 'DNS for contoso.com is failing; OWA, ActiveSync and Autodiscover are down because of it.'
        ($causes | Where-Object Rule -eq 'next-hop-refuses').Layer | Should -Be 'Queue'
        $causes | ForEach-Object { $_.RestsOn.Count | Should -BeGreaterThan 0 }
        $out[-1] | Should -BeOfType Outage.Tools.Core.Checks.ProbableCause
        ($causes | Format-Table | Out-String -Width 120) | Should -Match 'ProbableCause'
    }

    It 'rates deferrals and delivery delay from a Logs entry and the report draws deferrals per hour' {
        $log = Join-Path $PSScriptRoot '../fixtures/logs/postfix-maillog.log'
        $config = Join-Path $TestDrive 'logs.psd1'
        Set-Content -LiteralPath $config -Value ("@{ Logs = @(@{ Name = 'mx'; Path = '" + $log + "'; Year = 2026; UtcOffset = '+00:00'; Window = '3h'; DeferralRateWarnPerMinute = 0.01 }) }")
        $results = @(Invoke-OutageCheck -ConfigurationPath $config | Where-Object { $_ -is [Outage.Tools.Core.Checks.OutageCheckResult] })
        $rate = $results | Where-Object Check -eq 'deferral-rate'
        $rate.Area | Should -Be 'Log'
        $rate.Status | Should -Be 'Warn'
        $rate.Summary | Should -Match 'top reason since 2026-11-30 05:16:01 \+00:00: connect to 192\.0\.2\.2\[192\.0\.2\.2\]:25: Connection refused \(2\)'
        @($rate.Trend).Value | Should -Be @(1, 1, 0)
        $delay = $results | Where-Object Check -eq 'delivery-delay'
        $delay.Status | Should -Be 'Fail'
        $delay.Value | Should -Be 120.03
        $delay.Evidence | Should -Contain 'destination: fabrikam.test p95 2h00m (1 messages)'
        $html = Join-Path $TestDrive 'logs.html'
        $results | Export-OutageReport -Path $html
        $text = Get-Content -LiteralPath $html -Raw
        $text | Should -Match '<h2>Deferrals per hour</h2>'
        $text | Should -Match 'id="tile-log"'
        ($results | Format-Table | Out-String -Width 120) | Should -Match 'deferral-rate'
    }

    It 'names an unknown key of a Logs entry' {
        $config = Join-Path $TestDrive 'bad-logs.psd1'
        Set-Content -LiteralPath $config -Value "@{ Logs = @(@{ Path = 'mail.log'; Windw = '1h' }) }"
        { Invoke-OutageCheck -ConfigurationPath $config } | Should -Throw -ExpectedMessage "*unknown key 'Windw' in an entry of Logs*"
    }

    It 'records history and says since when a status holds' {
        $history = Join-Path $TestDrive 'history.jsonl'
        $first = Invoke-OutageCheck -ConfigurationPath (Join-Path $samples 'outage-check.psd1') -HistoryPath $history
        $second = Invoke-OutageCheck -ConfigurationPath (Join-Path $samples 'outage-check.psd1') -HistoryPath $history
        $firstResults = @($first | Where-Object { $_ -is [Outage.Tools.Core.Checks.OutageCheckResult] })
        $secondResults = @($second | Where-Object { $_ -is [Outage.Tools.Core.Checks.OutageCheckResult] })
        (Get-Content $history).Count | Should -Be ($firstResults.Count + $secondResults.Count)
        # The MIME check runs now (queue results carry their snapshot's time); its Fail began with the first run.
        $mime = $secondResults | Where-Object { $_.Area -eq 'Mime' }
        $mime.Since | Should -BeLessThan $mime.Timestamp
    }

    It 'creates no history file or folder with -WhatIf or $WhatIfPreference, and still checks' {
        $history = Join-Path $TestDrive 'state/checks/history.jsonl'
        $results = Invoke-OutageCheck -ConfigurationPath (Join-Path $samples 'outage-check.psd1') -HistoryPath $history -WhatIf
        $results | Should -Not -BeNullOrEmpty
        Test-Path -LiteralPath (Join-Path $TestDrive 'state') | Should -BeFalse
        $WhatIfPreference = $true
        try { $null = Invoke-OutageCheck -ConfigurationPath (Join-Path $samples 'outage-check.psd1') -HistoryPath $history }
        finally { $WhatIfPreference = $false }
        Test-Path -LiteralPath (Join-Path $TestDrive 'state') | Should -BeFalse
        $null = Invoke-OutageCheck -ConfigurationPath (Join-Path $samples 'outage-check.psd1') -HistoryPath $history
        Test-Path -LiteralPath $history | Should -BeTrue
    }

    It 'fails the command with -FailOnError when a check fails' {
        { Invoke-OutageCheck -ConfigurationPath (Join-Path $samples 'outage-check.psd1') -FailOnError -ErrorAction Stop } |
            Should -Throw -ErrorId 'OutageCheckFailed,Outage.Tools.Commands.InvokeOutageCheckCommand'
    }

    It 'reports a missing configuration as a terminating error with a stable id' {
        { Invoke-OutageCheck -ConfigurationPath (Join-Path $TestDrive 'none.psd1') -ErrorAction Stop } |
            Should -Throw -ErrorId 'CheckConfigurationNotFound,Outage.Tools.Commands.InvokeOutageCheckCommand'
    }

    It 'rejects an unknown threshold' {
        { Invoke-OutageCheck -MessagePath $samples -Threshold @{ NoSuch = 1 } -ErrorAction Stop } |
            Should -Throw -ErrorId 'CheckThresholdInvalid,Outage.Tools.Commands.InvokeOutageCheckCommand'
    }

    It 'has help with examples' {
        (Get-Help Invoke-OutageCheck -Full).Examples.Example.Count | Should -BeGreaterOrEqual 2
    }
}
