#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Imports the staged module.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $headers = Join-Path $PSScriptRoot '../fixtures/headers'
    $inbound = Join-Path $headers 'eop-inbound.eml'
    $spam = Join-Path $headers 'eop-spam.eml'
    $malformed = Join-Path $headers 'malformed-antispam.eml'
}

Describe 'Get-MessageHeaderReport' {
    It 'decodes the verdicts, the anti-spam fields and the authentication results' {
        $r = Get-MessageHeaderReport -Path $inbound
        $r.GetType().FullName | Should -Be 'Outage.Tools.Core.Headers.MessageHeaderReport'
        $r.Scl | Should -Be 1
        $r.Sfv | Should -Be 'NSPM'
        $r.Bcl | Should -Be 0
        $r.Spf, $r.Dkim, $r.Dmarc, $r.CompAuth | Should -Be @('pass', 'pass', 'pass', 'pass')
        $r.HopCount | Should -Be 4
        $r.LongestDelay | Should -Be ([TimeSpan]::FromSeconds(740))
        ($r.Antispam | Where-Object Key -eq 'DIR').Meaning | Should -Be 'Inbound'
        ($r.Authentication | Where-Object { $_.Method -eq 'spf' -and $_.Header -eq 'Authentication-Results' }).Identity | Should -Be 'fabrikam.test'
    }

    It 'explains a spoofed bulk message and filters like any object' {
        $all = Get-ChildItem $headers -Filter 'eop-*.eml' | Get-MessageHeaderReport
        @($all).Count | Should -Be 2
        $failed = @($all | Where-Object Dmarc -eq 'fail')
        $failed.Count | Should -Be 1
        $failed[0].Cat | Should -Be 'SPOOF'
        ($failed[0].Antispam | Where-Object Key -eq 'SFTY').Meaning | Should -BeLike 'Domain impersonation*'
        ($failed[0].Authentication | Where-Object Method -eq 'compauth').Meaning | Should -BeLike '*failed explicit authentication*'
        $failed[0].Findings | Should -Contain 'dmarc=fail: the From domain failed DMARC'
        @($all | Where-Object { $_.Findings }).Count | Should -Be 1
    }

    It 'exports flat CSV columns' {
        $csv = Join-Path $TestDrive 'headers.csv'
        Get-MessageHeaderReport -Path $spam | Select-Object -Property @('Source', 'Scl', 'Sfv', 'Spf', 'Dmarc', 'TotalDelaySeconds', 'FindingList', 'AntispamList', 'AuthenticationList') | Export-Csv -Path $csv -NoTypeInformation
        $row = Import-Csv -Path $csv
        $row.Scl | Should -Be '9'
        $row.TotalDelaySeconds | Should -Be '10800'
        $row.AntispamList | Should -Match 'SFV:SPM; H:bulk.example.test'
        $row.AuthenticationList | Should -Be 'spf=softfail; dkim=none; dmarc=fail; compauth=fail'
        $row.FindingList | Should -Match '^dmarc=fail: .+; compauth=fail: .+; SFV:SPM: .+; BCL 6 or more: '
    }

    It 'turns malformed values into located warnings and still reports the message' {
        $r = Get-MessageHeaderReport -Path $malformed -WarningVariable w -WarningAction SilentlyContinue
        $r.Sfv | Should -Be 'NSPM'
        $r.Scl | Should -BeNullOrEmpty
        @($w).Count | Should -Be 8
        "$($w[0])" | Should -Match 'line 2: Authentication-Results: spf=maybe is not a result spf defines'
        @($r.Antispam | Where-Object Malformed).Count | Should -Be 4
    }

    It 'takes raw header text and errors for a missing file' {
        $text = "X-Forefront-Antispam-Report: CIP:192.0.2.1; SFV:SKQ; SCL:-1`r`nAuthentication-Results: mx.test; spf=pass smtp.mailfrom=a.test`r`n`r`n"
        $r = Get-MessageHeaderReport -Content $text
        $r.Scl | Should -Be -1
        ($r.Antispam | Where-Object Key -eq 'SFV').Meaning | Should -BeLike 'Released from quarantine*'
        Get-MessageHeaderReport -LiteralPath (Join-Path $TestDrive 'nope.eml') -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound*'
    }

    It 'has help with examples and default table views within 120 columns' {
        @((Get-Help Get-MessageHeaderReport -Full).Examples.Example).Count | Should -BeGreaterOrEqual 3
        $r = Get-MessageHeaderReport -Path $inbound
        $table = $r | Out-String -Width 120
        $table | Should -Match 'Source\s+Hops\s+Total\s+Longest\s+SCL\s+SFV\s+CAT\s+BCL\s+SPF\s+DKIM\s+DMARC\s+CompAuth'
        $table | Should -Match 'pass \(100\)'
        ($r.Antispam | Out-String -Width 120) | Should -Match 'SFV\s+NSPM\s+Not spam: delivered'
        ($r.Authentication | Out-String -Width 120) | Should -Match 'mx.microsoft.com\s+arc\s+none'
    }
}
