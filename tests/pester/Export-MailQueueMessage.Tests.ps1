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

Describe 'Export-MailQueueMessage' {
    It 'exports spool-folder messages byte for byte' {
        $dir = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) ("outage-spool-{0}" -f [guid]::NewGuid()))
        $out = Join-Path $dir.FullName 'out'
        try {
            $bytes = [Text.Encoding]::ASCII.GetBytes("From: a@x.test`r`nTo: b@y.test`r`nMessage-ID: <e1@x.test>`r`n`r`nbody`r`n")
            [IO.File]::WriteAllBytes((Join-Path $dir.FullName 'one.eml'), $bytes)
            $r = Get-MailQueueMessage -Path $dir.FullName | Export-MailQueueMessage -Destination $out -NameBy MessageId -PassThru
            $r.Path | Should -Be (Join-Path $out 'e1@x.test.eml')
            [IO.File]::ReadAllBytes($r.Path) | Should -Be $bytes
            (Get-MailQueueMessage -Path $dir.FullName | Export-MailQueueMessage).Content | Should -Be $bytes
        }
        finally { Remove-Item $dir -Recurse -Force }
    }

    It 'supports -WhatIf' {
        (Get-Command Export-MailQueueMessage).Parameters.ContainsKey('WhatIf') | Should -BeTrue
    }

    It 'writes nothing with -WhatIf -Destination, and still passes the bytes down the pipeline without -Destination' {
        $spool = Join-Path $TestDrive 'spool'
        $null = New-Item -ItemType Directory -Path $spool
        $bytes = [Text.Encoding]::ASCII.GetBytes("From: a@x.test`r`nTo: b@y.test`r`nMessage-ID: <w1@x.test>`r`n`r`nbody`r`n")
        [IO.File]::WriteAllBytes((Join-Path $spool 'one.eml'), $bytes)
        $out = Join-Path $TestDrive 'out'
        $r = Get-MailQueueMessage -Path $spool | Export-MailQueueMessage -Destination $out -PassThru -WhatIf
        $r | Should -BeNullOrEmpty
        Test-Path -LiteralPath $out | Should -BeFalse
        # Pipeline output writes nothing to disk: -WhatIf (or $WhatIfPreference) does not suppress it.
        (Get-MailQueueMessage -Path $spool | Export-MailQueueMessage -WhatIf).Content | Should -Be $bytes
        $WhatIfPreference = $true
        try { (Get-MailQueueMessage -Path $spool | Export-MailQueueMessage).Content | Should -Be $bytes }
        finally { $WhatIfPreference = $false }
    }
}
