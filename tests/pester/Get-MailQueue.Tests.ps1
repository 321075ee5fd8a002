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

Describe 'Get-MailQueue' {
    It 'summarises each queue of a saved postqueue -j file' {
        $q = Get-MailQueue -Path $postqueue
        $q.Queue | Should -Be @('deferred', 'hold')
        $q[0].MessageCount | Should -Be 200
        $q[0].RecipientCount | Should -Be 202
        $q[0].TopDestinations[0] | Should -Be 'adatum.test (41 recipients)'
    }

    It 'passes Exchange Get-Queue exports through' {
        $q = Get-MailQueue -Path (Join-Path $fixtures 'exchange-get-queue.clixml')
        $q.MessageCount | Should -Be 250
        $q.Velocity | Should -Be -3.5
    }

    It 'gives no output for an empty queue' {
        $empty = New-TemporaryFile
        try { Get-MailQueue -Path $empty.FullName -Format PostqueueJson | Should -BeNullOrEmpty } finally { Remove-Item $empty }
    }
}
