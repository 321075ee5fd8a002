#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Output scripts consume: Export-Csv / ConvertTo-Csv and ConvertTo-Json get flat scalar companions of lists,
# TimeSpans and enums (module/Outage.Tools.types.ps1xml), the same in Windows PowerShell 5.1 and PowerShell 7.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $postqueue = Join-Path $PSScriptRoot '../fixtures/queue/postqueue-j.jsonl'
    $samples = Join-Path $PSScriptRoot '../../samples'
}

Describe 'Flat companions for CSV and JSON' {
    It 'queue messages export recipients and age as values, not type names' {
        $m = Get-MailQueueMessage -Path $postqueue | Where-Object { $_.Recipients.Count -gt 0 } | Select-Object -First 1
        $row = $m | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $row.RecipientList | Should -Be (($m.Recipients | ForEach-Object { $_.Address }) -join '; ')
        $row.RecipientList | Should -Not -Match 'System\.|Outage\.Tools'
        [double]$row.AgeMinutes | Should -Be ([Math]::Round($m.Age.TotalMinutes, 1))
        $json = $m | Select-Object -Property @('Id', 'RecipientList', 'AgeMinutes') | ConvertTo-Json | ConvertFrom-Json
        $json.AgeMinutes | Should -BeOfType [double]
    }

    It 'MIME reports export the rule ids that fired and finding severities by name' {
        $r = Test-MimeMessage -Content "Subject: only`r`n`r`nbody"
        $row = $r | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $row.Rules -split ', ' | Should -Contain 'missing-from'
        $row.Findings | Should -Match 'Generic|ReadOnly|Outage'   # the list itself stays a type name; Rules is the flat column
        ($r.Findings[0] | ConvertTo-Json | ConvertFrom-Json).SeverityName | Should -BeIn @('Error', 'Warning', 'Info')
    }

    It 'check results export evidence, duration and status flat; JSON says the status by name' {
        $results = Invoke-OutageCheck -ConfigurationPath (Join-Path $samples 'outage-check.psd1')
        $withEvidence = $results | Where-Object { $_.Evidence.Count -gt 0 } | Select-Object -First 1
        $row = $withEvidence | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $row.EvidenceList | Should -Be ($withEvidence.Evidence -join '; ')
        [double]$row.DurationSeconds | Should -Be ([Math]::Round($withEvidence.Duration.TotalSeconds, 3))
        $json = $withEvidence | ConvertTo-Json -Depth 2 | ConvertFrom-Json
        $json.StatusName | Should -Be $withEvidence.Status.ToString()
        $json.AreaName | Should -Be $withEvidence.Area.ToString()
        $json.DurationSeconds | Should -BeOfType [double]
    }

    It 'queue samples export their trend by name and times in minutes' {
        $s = Watch-MailQueue -Path $postqueue -Count 1
        $json = $s | ConvertTo-Json | ConvertFrom-Json
        $json.TrendName | Should -Be 'Unknown'
        $json.OldestAgeMinutes | Should -BeGreaterThan 0
        $summary = Get-MailQueue -Path $postqueue | Select-Object -First 1 | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $summary.TopDestinationList | Should -Match '\w+\.test'
        [double]$summary.OldestAgeMinutes | Should -BeGreaterThan 0
    }

    It 'companions survive a round trip through CLIXML' {
        $xml = Join-Path $TestDrive 'm.xml'
        Get-MailQueueMessage -Path $postqueue | Select-Object -First 2 | Export-Clixml -LiteralPath $xml
        (Import-Clixml -LiteralPath $xml)[0].RecipientList | Should -Match '@'
    }
}
