#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Hostile input through the module (issue 14): no session-ending crash, no hang, product error ids, named fields.

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $script:dir = Join-Path ([System.IO.Path]::GetTempPath()) ('outage-hostile-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $script:dir | Out-Null
}

AfterAll {
    Remove-Item -LiteralPath $script:dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Hostile input in the module' {
    It 'reads a CLIXML file nested 40,000 levels deep as an error, and the session goes on' {
        $path = Join-Path $script:dir 'deep.clixml'
        $sb = New-Object System.Text.StringBuilder
        [void]$sb.Append('<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj><Props>')
        for ($i = 0; $i -lt 40000; $i++) { [void]$sb.Append('<Obj N="x"><Props>') }
        for ($i = 0; $i -lt 40000; $i++) { [void]$sb.Append('</Props></Obj>') }
        [void]$sb.Append('</Props></Obj></Objs>')
        [System.IO.File]::WriteAllText($path, $sb.ToString())
        $messages = Get-MailQueueMessage -Path $path -ErrorVariable errs -ErrorAction SilentlyContinue
        $messages | Should -BeNullOrEmpty
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'QueueExchangeInputInvalid*'
        $errs[0].Exception.Message | Should -BeLike '*nested deeper than 100 levels*'
    }

    It 'names the bad field of a result that is not a check result (status 7)' {
        $out = Join-Path $script:dir 'r.html'
        $bad = [pscustomobject]@{ Area = 'Queue'; Check = 'queue-size'; Status = '7'; Target = 'x' }
        $bad | Export-OutageReport -Path $out -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ReportInputInvalid*'
        $errs[0].Exception.Message | Should -BeLike "*the field 'status' (7)*"
    }

    It 'skips a FIFO in a scanned folder with a warning instead of hanging' {
        $folder = Join-Path $script:dir 'msgs'
        New-Item -ItemType Directory -Path $folder | Out-Null
        [System.IO.File]::WriteAllText((Join-Path $folder 'a.eml'), "From: a@b.test`r`nTo: c@d.test`r`nSubject: s`r`nDate: Mon, 4 Mar 2024 10:00:00 +0000`r`nMessage-ID: <m@b.test>`r`n`r`nbody`r`n")
        & mkfifo (Join-Path $folder 'b.eml')
        $reports = Test-MimeMessage -Path $folder -WarningVariable warns -WarningAction SilentlyContinue
        $reports | Should -HaveCount 1
        ($warns -join ' ') | Should -BeLike '*b.eml*FIFO*'
    }

    It 'reports an export destination that cannot be created with the product id, not a raw .NET id' {
        $spool = Join-Path $script:dir 'spool'
        New-Item -ItemType Directory -Path $spool | Out-Null
        [System.IO.File]::WriteAllText((Join-Path $spool 'a.eml'), "From: a@b.test`r`nMessage-ID: <x@y.test>`r`n`r`nbody`r`n")
        $file = Join-Path $script:dir 'a-file'
        Set-Content -LiteralPath $file -Value 'x'
        $err = $null
        try { Get-MailQueueMessage -Path $spool | Export-MailQueueMessage -Destination (Join-Path $file 'sub') -ErrorAction Stop | Out-Null } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Not -BeLike 'System.*'
        $err.FullyQualifiedErrorId | Should -BeLike 'QueueExportWriteFailed*'
    }

    It 'escapes control characters in warnings' {
        $folder = Join-Path $script:dir "esc"
        New-Item -ItemType Directory -Path $folder | Out-Null
        & mkfifo (Join-Path $folder ("x" + [char]27 + "]0;pwned" + [char]7 + ".eml"))
        Test-MimeMessage -Path $folder -WarningVariable warns -WarningAction SilentlyContinue | Out-Null
        ($warns -join ' ') | Should -Not -Match "\x1b"
        ($warns -join ' ') | Should -BeLike "*x$([char]0x241B)]0;pwned$([char]0x2407).eml*"
    }
}
