#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs where pwsh and Pester 5 exist (build.ps1 -Test, tests/run.sh). Imports the staged module; uses the
# saved queue captures in tests/fixtures/queue (real postqueue -j, exim -bp output; Exchange export layouts).

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $fixtures = Join-Path $PSScriptRoot '../fixtures/queue'
    $postqueue = Join-Path $fixtures 'postqueue-j.jsonl'
    $eximBp = Join-Path $fixtures 'exim-bp.txt'
}

Describe 'Watch-MailQueue' {
    It 'creates no history file or folder with -WhatIf or $WhatIfPreference, and still samples' {
        $history = Join-Path $TestDrive 'state/queue/history.jsonl'
        $sample = Watch-MailQueue -Path $postqueue -Count 1 -HistoryPath $history -WhatIf
        $sample | Should -HaveCount 1
        $sample.Count | Should -BeGreaterThan 0
        Test-Path -LiteralPath (Join-Path $TestDrive 'state') | Should -BeFalse
        $WhatIfPreference = $true
        try { $null = Watch-MailQueue -Path $postqueue -Count 1 -HistoryPath $history }
        finally { $WhatIfPreference = $false }
        Test-Path -LiteralPath (Join-Path $TestDrive 'state') | Should -BeFalse
        $null = Watch-MailQueue -Path $postqueue -Count 1 -HistoryPath $history
        Test-Path -LiteralPath $history | Should -BeTrue
    }

    It 'samples and keeps a history across runs' {
        $history = Join-Path ([IO.Path]::GetTempPath()) ("outage-history-{0}.jsonl" -f [guid]::NewGuid())
        try {
            $first = Watch-MailQueue -Path $postqueue -HistoryPath $history
            $first.Count | Should -Be 201
            $first.Trend | Should -Be 'Unknown'
            $second = Watch-MailQueue -Path $postqueue -HistoryPath $history -Queue hold
            $second.Delta | Should -Be -200
            (Get-Content $history) | Should -HaveCount 2
        }
        finally { Remove-Item $history -ErrorAction SilentlyContinue }
    }
}
