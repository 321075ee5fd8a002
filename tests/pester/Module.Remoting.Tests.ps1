#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Results that cross a process boundary (Start-Job, Invoke-Command, Export-Clixml / Import-Clixml) keep their
# nested objects (module/Outage.Tools.types.ps1xml sets SerializationDepth), and the README's deserialized
# pipelines work: queue messages into Measure-MailQueue, check results into Export-OutageReport.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $modulePath = Join-Path (Get-Module Outage.Tools).ModuleBase 'Outage.Tools.psd1'
    $postqueue = Join-Path $PSScriptRoot '../fixtures/queue/postqueue-j.jsonl'
    $mime = Join-Path $PSScriptRoot '../fixtures/mime'
    $sampleConfig = Join-Path $PSScriptRoot '../../samples/outage-check.psd1'

    # Runs the script block in a real background job (another pwsh process) with the module imported.
    function Invoke-InJob([scriptblock] $Script, [object[]] $ArgumentList = @()) {
        $job = Start-Job -ScriptBlock {
            param($module, $text, $arguments)
            Import-Module $module -ErrorAction Stop
            & ([scriptblock]::Create($text)) @arguments
        } -ArgumentList @($modulePath, $Script.ToString(), $ArgumentList)
        try {
            $null = Wait-Job $job -Timeout 180
            $job.State | Should -Be 'Completed'
            Receive-Job $job
        } finally {
            Remove-Job $job -Force
        }
    }
}

Describe 'Results through a background job and CLIXML' {
    It 'keeps findings, recipients and evidence as objects through Start-Job' {
        $results = Invoke-InJob {
            param($postqueue, $mime)
            Get-MailQueueMessage -Path $postqueue -Queue deferred | Select-Object -First 3
            Test-MimeMessage -Content "Subject: only`r`n`r`nbody"
            Measure-MailQueue -Path $postqueue -Queue deferred | Select-Object -First 1
        } -ArgumentList $postqueue, $mime
        $messages = @($results | Where-Object { $_.PSObject.TypeNames[0] -eq 'Deserialized.Outage.Tools.Core.Queue.QueueMessage' })
        $messages | Should -HaveCount 3
        $messages[0].Recipients[0] | Should -Not -BeOfType [string]
        $messages[0].Recipients[0].Address | Should -Match '@'
        $report = $results | Where-Object { $_.PSObject.TypeNames[0] -eq 'Deserialized.Outage.Tools.Core.Mime.MimeMessageReport' }
        $report.Findings[0] | Should -Not -BeOfType [string]
        $report.Findings.Rule | Should -Contain 'missing-from'
        ($report.Findings | Where-Object Rule -eq 'missing-from').Offset | Should -Be 0
        $row = $results | Where-Object { $_.PSObject.TypeNames[0] -eq 'Deserialized.Outage.Tools.Core.Queue.QueueShapeRow' }
        $row.BucketLabels[-1] | Should -Be '1280+'

        # Deserialized queue messages measure the same as live ones (Invoke-Command ... | Measure-MailQueue).
        $live = Get-MailQueueMessage -Path $postqueue -Queue deferred | Select-Object -First 3 | Measure-MailQueue
        $remote = $messages | Measure-MailQueue
        ($remote | ForEach-Object { '{0}={1}' -f $_.Name, $_.Total }) -join ',' | Should -Be (($live | ForEach-Object { '{0}={1}' -f $_.Name, $_.Total }) -join ',')
    }

    It 'keeps the evidence and trend of check results through Start-Job, and reports them' {
        $history = Join-Path $TestDrive 'history.jsonl'
        $config = $sampleConfig
        # Two runs so the second has a trend from the history.
        $null = Invoke-OutageCheck -ConfigurationPath $config -HistoryPath $history
        $results = Invoke-InJob {
            param($config, $history)
            Invoke-OutageCheck -ConfigurationPath $config -HistoryPath $history
        } -ArgumentList $config, $history
        $results | Should -Not -BeNullOrEmpty
        $withEvidence = @($results | Where-Object { @($_.Evidence).Count -gt 0 })
        $withEvidence | Should -Not -BeNullOrEmpty
        $withEvidence[0].Evidence[0] | Should -BeOfType [string]
        $withTrend = @($results | Where-Object { @($_.Trend).Count -gt 0 })
        $withTrend | Should -Not -BeNullOrEmpty
        $withTrend[0].Trend[0] | Should -Not -BeOfType [string]
        $withTrend[0].Trend[0].PSObject.Properties.Name | Should -Contain 'Value'

        $report = Join-Path $TestDrive 'remote.json'
        $file = $results | Export-OutageReport -Path $report -Format Json
        $file.Name | Should -Be 'remote.json'
        $json = Get-Content -LiteralPath $report -Raw | ConvertFrom-Json
        # Invoke-OutageCheck also writes its probable causes; the report derives its own from the results.
        @($json.results).Count | Should -Be @($results | Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.Outage.Tools.Core.Checks.OutageCheckResult' }).Count
    }

    It 'measures queue messages read back with Import-Clixml like the live ones' {
        $xml = Join-Path $TestDrive 'messages.xml'
        Get-MailQueueMessage -Path $postqueue | Export-Clixml -LiteralPath $xml
        $imported = Import-Clixml -LiteralPath $xml
        $imported[0].Recipients[0].Address | Should -Match '@'
        $fromXml = $imported | Measure-MailQueue -Queue deferred
        $live = Measure-MailQueue -Path $postqueue -Queue deferred
        $fromXml[0].Total | Should -Be $live[0].Total
        ($fromXml | ForEach-Object { '{0}={1}' -f $_.Name, ($_.Buckets -join ' ') }) -join ',' |
            Should -Be (($live | ForEach-Object { '{0}={1}' -f $_.Name, ($_.Buckets -join ' ') }) -join ',')
    }

    It 'reports check results read back with Import-Clixml' {
        $config = $sampleConfig
        $xml = Join-Path $TestDrive 'results.xml'
        Invoke-OutageCheck -ConfigurationPath $config -HistoryPath (Join-Path $TestDrive 'h2.jsonl') | Export-Clixml -LiteralPath $xml
        $imported = Import-Clixml -LiteralPath $xml
        $html = Join-Path $TestDrive 'r.html'
        $null = $imported | Export-OutageReport -Path $html -Format Html
        Get-Content -LiteralPath $html -Raw | Should -Match '<html'
    }
}
