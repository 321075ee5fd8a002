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

    It 'every enum property of every output type has a name twin that ConvertTo-Json and Export-Csv write' {
        # Every type a cmdlet declares, and the types of its properties from Core; an instance of each with default
        # field values (enums at 0), so every type is covered without a server for each.
        $core = [Outage.Tools.Core.Operations.OutageException].Assembly
        $queue = [System.Collections.Generic.Queue[type]]::new()
        (Get-Command -Module Outage.Tools).OutputType.Type | Where-Object { $_ -and $_.Assembly -eq $core } | ForEach-Object { $queue.Enqueue($_) }
        $seen = @{}
        $checked = 0
        while ($queue.Count -gt 0) {
            $type = $queue.Dequeue()
            if ($seen.ContainsKey($type.FullName)) { continue }
            $seen[$type.FullName] = $true
            $enums = @()
            foreach ($p in $type.GetProperties()) {
                $pt = $p.PropertyType
                $underlying = [Nullable]::GetUnderlyingType($pt)
                if ($underlying) { $pt = $underlying }
                if ($pt.IsEnum) { $enums += [pscustomobject]@{ Name = $p.Name; Type = $pt; Nullable = [bool]$underlying } }
                elseif ($pt.Assembly -eq $core) { $queue.Enqueue($pt) }
                elseif ($pt.IsArray -and $pt.GetElementType().Assembly -eq $core) { $queue.Enqueue($pt.GetElementType()) }
                elseif ($pt.IsGenericType -and $pt.GetGenericArguments()[0].Assembly -eq $core) { $queue.Enqueue($pt.GetGenericArguments()[0]) }
            }
            if ($enums.Count -eq 0) { continue }
            $concrete = if ($type.IsAbstract) { $core.GetTypes() | Where-Object { $_.IsSubclassOf($type) -and -not $_.IsAbstract } | Select-Object -First 1 } else { $type }
            $instance = [System.Runtime.CompilerServices.RuntimeHelpers]::GetUninitializedObject($concrete)
            $json = $instance | ConvertTo-Json -Depth 1 -WarningAction SilentlyContinue | ConvertFrom-Json
            $csv = $instance | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
            foreach ($e in $enums) {
                # What the property says on this instance (null where it is computed from a part an empty instance lacks).
                $value = try { $concrete.GetProperty($e.Name).GetValue($instance) } catch { $null }
                $expected = if ($null -ne $value) { $value.ToString() } else { $null }
                $twin = $e.Name + 'Name'
                $json.PSObject.Properties.Name | Should -Contain $twin -Because "$($type.FullName).$($e.Name) needs a name twin in module/Outage.Tools.types.ps1xml"
                $json.$twin | Should -Be $expected -Because "$($type.FullName).$twin"
                if ($null -ne $value) {
                    if ([Enum]::IsDefined($e.Type, $value)) { $expected | Should -Not -Match '^\d+$' }
                    $csv.$twin | Should -Be $expected -Because "$($type.FullName).$twin in CSV"
                    # The enum itself stays a number (ConvertTo-Json reads .NET properties by reflection) unless -EnumsAsStrings.
                    $json.($e.Name) | Should -Be ([long]$value)
                    ($instance | ConvertTo-Json -Depth 1 -EnumsAsStrings -WarningAction SilentlyContinue | ConvertFrom-Json).($e.Name) | Should -Be $expected
                }
                $checked++
            }
        }
        $checked | Should -BeGreaterOrEqual 36
    }

    It 'real results carry their enums by name in JSON: rules, reports, findings' {
        $rule = Get-MimeRule | Where-Object DefaultSeverity -eq 'Error' | Select-Object -First 1
        $json = $rule | ConvertTo-Json | ConvertFrom-Json
        $json.DefaultSeverityName | Should -Be 'Error'
        $json.AreaName | Should -Be $rule.Area.ToString()
        $json.ImpactName | Should -Be $rule.Impact.ToString()
        $report = Test-MimeMessage -Content "Subject: only`r`n`r`nbody"
        ($report | ConvertTo-Json -Depth 3 | ConvertFrom-Json).VerdictName | Should -Be $report.Verdict.ToString()
        # The enum property stays the typed enum for scripts: comparisons by name and by order work.
        $rule.DefaultSeverity -eq 'Error' | Should -BeTrue
        $rule.DefaultSeverity.GetType().IsEnum | Should -BeTrue
    }

    It 'companions survive a round trip through CLIXML' {
        $xml = Join-Path $TestDrive 'm.xml'
        Get-MailQueueMessage -Path $postqueue | Select-Object -First 2 | Export-Clixml -LiteralPath $xml
        (Import-Clixml -LiteralPath $xml)[0].RecipientList | Should -Match '@'
    }
}
