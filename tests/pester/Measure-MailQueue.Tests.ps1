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

Describe 'Measure-MailQueue' {
    It 'equals the saved qshape capture of the same queue' {
        $rows = Get-MailQueueMessage -Path $postqueue | Measure-MailQueue -Queue deferred
        $rows[0].Name | Should -Be 'TOTAL'
        $rows[0].Total | Should -Be 202
        ($rows | Where-Object Name -eq 'northwind.test').Total | Should -Be 40
        $rows[0].BucketLabels[-1] | Should -Be '1280+'
    }

    It 'groups by sender domain like qshape -s' {
        $rows = Measure-MailQueue -Path $postqueue -Queue deferred -GroupBy SenderDomain
        $rows[0].Total | Should -Be 200
    }

    It 'supports linear buckets' {
        (Measure-MailQueue -Path $postqueue -Linear -BucketCount 4)[0].BucketLabels | Should -Be @('5', '10', '15', '15+')
    }
}
