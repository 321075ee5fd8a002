#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Imports the staged module.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $fixtures = Join-Path $PSScriptRoot '../fixtures/mime'
}

Describe 'Test-MimeMessage' {
    It 'reports a well-formed message as well-formed' {
        $report = Test-MimeMessage -Path (Join-Path $fixtures 'valid-nested.eml')
        $report.GetType().FullName | Should -Be 'Outage.Tools.Core.Mime.MimeMessageReport'
        $report.WellFormed | Should -BeTrue
        $report.Findings | Should -HaveCount 0
        $report.Message | Should -BeNullOrEmpty
    }

    It 'reports findings with rule, offset, line and part for content' {
        $text = "Subject: only`r`n`r`nbody`r`n"
        $report = Test-MimeMessage -Content $text
        $report.WellFormed | Should -BeFalse
        $report.ErrorCount | Should -Be 2
        $report.Findings.Rule | Should -Contain 'missing-from'
        ($report.Findings | Where-Object Rule -eq 'missing-from').Offset | Should -Be 0
        ($report.Findings | Where-Object Rule -eq 'missing-from').Part | Should -Be '0'
    }

    It 'gives a verdict: nonconforming is not poison, -Profile Strict and a profile file move rules' {
        $missing = Test-MimeMessage -Content "Subject: only`r`n`r`nbody`r`n"
        $missing.Verdict | Should -Be 'Nonconforming'
        $missing.Poison | Should -BeFalse
        (Test-MimeMessage -Content "Subject: only`r`n`r`nbody`r`n" -Profile Strict).Poison | Should -BeTrue
        $poison = Test-MimeMessage -Content "From: a@example.com`r`nbroken`r`nTo: b@example.com`r`n`r`nx`r`n"
        $poison.Verdict | Should -Be 'Poison'
        ($poison.Findings | Where-Object Poison).Rule | Should -Be 'header-no-colon'
        $file = Join-Path ([IO.Path]::GetTempPath()) ("outage-profile-" + [guid]::NewGuid() + '.txt')
        Set-Content -LiteralPath $file -Value 'missing-* = Poison'
        try {
            (Test-MimeMessage -Content "Subject: only`r`n`r`nbody`r`n" -Profile $file).Poison | Should -BeTrue
        } finally {
            Remove-Item -LiteralPath $file
        }
        { Test-MimeMessage -Content "x" -Profile (Join-Path $TestDrive 'none.txt') -ErrorAction Stop } | Should -Throw -ErrorId 'MimeProfileInvalid*'
        (Get-MimeRule header-no-colon).Impact | Should -Be 'Conditional'
        (Get-MimeRule header-no-colon).Evidence | Should -Match 'Python'
    }

    It 'binds Get-ChildItem output by property name and checks folders' {
        $reports = Get-ChildItem $fixtures -Filter *.eml | Test-MimeMessage
        $reports | Should -HaveCount 3
        $reports.WellFormed | Should -Not -Contain $false
        (Test-MimeMessage -LiteralPath $fixtures | Measure-Object).Count | Should -BeGreaterThan 3
    }

    It 'streams piped files into one check: input order, one progress activity, early stop' {
        $bulk = Join-Path $TestDrive 'bulk'
        $null = New-Item -ItemType Directory -Path $bulk
        $sample = Join-Path $fixtures 'valid-nested.eml'
        foreach ($i in 1..300) { Copy-Item $sample (Join-Path $bulk ('m{0:d4}.eml' -f $i)) }
        Set-Content -LiteralPath (Join-Path $bulk 'm0150.eml') -Value "Subject: only`r`n`r`nbody" -NoNewline
        # In a runspace of its own so its progress stream can be read: every record of one activity, one Completed.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($module, $folder)
                Import-Module $module
                Get-ChildItem -LiteralPath $folder -File | Sort-Object Name | Test-MimeMessage -ThrottleLimit 4
            }).AddArgument($modulePath).AddArgument($bulk)
            $reports = $ps.Invoke()
            $progress = $ps.Streams.Progress
        } finally { $ps.Dispose() }
        $reports | Should -HaveCount 300
        ($reports | ForEach-Object { Split-Path $_.Path -Leaf }) -join ',' | Should -Be ((1..300 | ForEach-Object { 'm{0:d4}.eml' -f $_ }) -join ',')
        @($reports | Where-Object { -not $_.WellFormed }).Path | Should -Match 'm0150\.eml$'
        @($progress | Where-Object RecordType -eq 'Completed') | Should -HaveCount 1
        @($progress.ActivityId | Sort-Object -Unique) | Should -HaveCount 1
        # Stopping early (Select-Object -First) ends the check; the next command runs normally.
        @(Get-ChildItem -LiteralPath $bulk -File | Test-MimeMessage | Select-Object -First 2) | Should -HaveCount 2
        @(Get-ChildItem -LiteralPath $bulk -File | Test-MimeMessage -Quiet) | Should -HaveCount 300
    }

    It 'splits an mbox into one report per message' {
        $reports = Test-MimeMessage -Path (Join-Path $fixtures 'three.mbox') -Mbox
        $reports | Should -HaveCount 3
        $reports[2].Findings.Rule | Should -Be 'missing-date'
        $reports.MessageIndex | Should -Be @(1, 2, 3)
    }

    It 'returns booleans with -Quiet and filters rules' {
        Test-MimeMessage -Content "Subject: x`r`n`r`nbody`r`n" -Quiet | Should -BeFalse
        $r = Test-MimeMessage -Content "Subject: x`r`n`r`nbody`r`n" -Rule 'missing-d*'
        $r.Findings.Rule | Should -Be 'missing-date'
        $r = Test-MimeMessage -Content "Subject: x`r`n`r`nbody`r`n" -ExcludeRule 'missing-*'
        $r.WellFormed | Should -BeTrue
    }

    It 'writes a non-terminating error for a missing path' {
        $null = Test-MimeMessage -Path (Join-Path $fixtures 'nope.eml') -ErrorAction SilentlyContinue -ErrorVariable err
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
    }

    It 'stops on an unknown rule id' {
        { Test-MimeMessage -Path $fixtures -Rule 'no-such-rule' -ErrorAction Stop } | Should -Throw -ErrorId 'MimeRuleNotFound*'
    }

    It 'has help with examples' {
        $help = Get-Help Test-MimeMessage -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }

    It 'formats as a table by default' {
        (Test-MimeMessage -Path (Join-Path $fixtures 'valid-digest.eml') | Out-String) | Should -Match 'WellFormed\s+Errors\s+Warnings'
    }
}
