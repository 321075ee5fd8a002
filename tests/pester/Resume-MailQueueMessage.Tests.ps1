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

Describe 'Resume-MailQueueMessage' {
    It 'binds queue messages by value and by the property name Message' {
        $p = (Get-Command Resume-MailQueueMessage).Parameters['Message']
        $p.Attributes.ValueFromPipeline | Should -Contain $true
        $p.Attributes.ValueFromPipelineByPropertyName | Should -Contain $true
    }

    It 'declares ConfirmImpact Medium and supports -WhatIf' {
        $t = (Get-Command Resume-MailQueueMessage).ImplementingType
        $t.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0].ConfirmImpact | Should -Be 'Medium'
        (Get-Command Resume-MailQueueMessage).Parameters.ContainsKey('WhatIf') | Should -BeTrue
    }

    It 'refuses messages of a saved listing without touching anything' {
        $m = Get-MailQueueMessage -Path $postqueue -First 1
        $r = [pscustomobject]@{ Message = $m; WellFormed = $false } | Resume-MailQueueMessage -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $r | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
    }

    It 'does nothing with -WhatIf' {
        $m = Get-MailQueueMessage -Path $postqueue -First 1
        $m | Resume-MailQueueMessage -WhatIf -ErrorVariable err
        $err | Should -BeNullOrEmpty
    }
}
