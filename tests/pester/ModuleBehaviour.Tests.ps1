#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Issue 11 section 2: the module behaves the way PowerShell users expect (help, time parameters, queue actions,
# pipeline binding, diagnostics). Each test reproduces one finding of the review in real pwsh. The queue action
# tests run against a private Postfix instance from PostfixTestPeer.ps1 (loopback only, relayhost a closed port, so all mail
# defers); the DNS tests against BIND (DnsTestPeer.ps1).

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    $script:module = Get-Module Outage.Tools
    $script:fixtures = Join-Path $PSScriptRoot '../fixtures/queue'
    $script:postqueue = Join-Path $script:fixtures 'postqueue-j.jsonl'
    $script:mime = Join-Path $PSScriptRoot '../fixtures/mime'
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ('outage-behaviour-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $script:work | Out-Null

    # The private Postfix of PostfixTestPeer.ps1 (loopback only, relayhost a closed port), started on first use.
    . (Join-Path $PSScriptRoot 'PostfixTestPeer.ps1')
    function Get-SharedTestPostfix {
        if (-not $script:postfix) { $script:postfix = Start-TestPostfix }
        $script:postfix
    }

    # Submits N messages with sendmail(1) from a sender of their own (tag@vm.test) and waits (bounded) until
    # postqueue lists them all; returns exactly those.
    function Submit-TestMail([int] $Count, [string] $Tag) {
        $pf = Get-SharedTestPostfix
        $sender = "$Tag@vm.test"
        for ($i = 0; $i -lt $Count; $i++) {
            "From: $sender`r`nTo: u$i@northwind.test`r`nSubject: $Tag $i`r`nMessage-ID: <$Tag.$i@vm.test>`r`n`r`nbody $i`r`n" |
                & '/usr/sbin/sendmail' '-C' $pf.ConfigDirectory '-f' $sender "u$i@northwind.test"
        }
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        do {
            Start-Sleep -Milliseconds 200
            $listed = @(Get-MailQueueMessage -ConfigDirectory $pf.ConfigDirectory -Sender $sender)
        } while ($listed.Count -lt $Count -and [DateTime]::UtcNow -lt $deadline)
        $listed
    }
}

AfterAll {
    Stop-TestPostfix $script:postfix
    Remove-Item -Recurse -Force $script:work -ErrorAction SilentlyContinue
}

Describe 'Help' {
    It 'gives every cmdlet a HelpUri that is its own page' {
        foreach ($c in Get-Command -Module Outage.Tools -CommandType Cmdlet) {
            $c.HelpUri | Should -Be "https://github.com/outage-tools/Outage.Tools/blob/main/docs/cmdlets/$($c.Name).md"
        }
    }

    It 'declares HelpInfoURI and release notes of this release' {
        $script:module.HelpInfoUri | Should -Match '^https://'
        $script:module.PrivateData.PSData.ReleaseNotes | Should -Not -Match 'skeleton'
        $script:module.PrivateData.PSData.ReleaseNotes | Should -Match $script:module.Version.ToString()
    }

    It 'states defaults in the MAML where there is one' {
        (Get-Help Watch-MailQueue -Parameter Interval).defaultValue | Should -Be '1 minute'
        (Get-Help Resolve-DnsRecord -Parameter Timeout).defaultValue | Should -Be '2 seconds'
        (Get-Help Test-SmtpEndpoint -Parameter Timeout).defaultValue | Should -Be '15 seconds'
        (Get-Help Measure-MailQueue -Parameter BucketWidth).defaultValue | Should -Be '5 minutes'
    }

    It 'says wildcards are accepted on -Rule, -Queue, -Domain and -Id, and marks them SupportsWildcards' {
        (Get-Help Test-MimeMessage -Parameter Rule).globbing | Should -Be 'true'
        (Get-Help Get-MailQueueMessage -Parameter Queue).globbing | Should -Be 'true'
        (Get-Help Get-MailQueueMessage -Parameter Domain).globbing | Should -Be 'true'
        (Get-Help Suspend-MailQueueMessage -Parameter Id).globbing | Should -Be 'true'
        (Get-Help Get-MailQueueMessage -Parameter First).globbing | Should -Be 'false'
        (Get-Command Get-MailQueue).Parameters['Queue'].Attributes.TypeId.Name | Should -Contain 'SupportsWildcardsAttribute'
    }

    It 'binds Get-ChildItem *.jsonl | Get-MailQueue as the help says' {
        $direct = Get-MailQueue -Path $script:postqueue | Sort-Object Queue
        $piped = Get-ChildItem (Join-Path $script:fixtures '*.jsonl') | Get-MailQueue -ErrorVariable err | Sort-Object Queue
        $err | Should -BeNullOrEmpty
        $piped.Queue | Should -Be $direct.Queue
        $piped.MessageCount | Should -Be $direct.MessageCount
        (Get-ChildItem (Join-Path $script:fixtures '*.jsonl') | Get-MailQueueMessage).Count | Should -Be (Get-MailQueueMessage -Path $script:postqueue).Count
    }
}

Describe 'Time parameters' {
    It 'makes every time parameter a TimeSpan' {
        foreach ($p in @(
                @('Watch-MailQueue', 'Interval'), @('Watch-MailQueue', 'Duration'), @('Resolve-DnsRecord', 'Timeout'), @('Test-MailDomain', 'Timeout'),
                @('Compare-DnsResolver', 'Timeout'), @('Test-DnsZoneConsistency', 'Timeout'), @('Test-SmtpEndpoint', 'Timeout'),
                @('Test-OwaEndpoint', 'Timeout'), @('Get-MailQueueMessage', 'OlderThan'), @('Measure-MailQueue', 'BucketWidth'))) {
            (Get-Command $p[0]).Parameters[$p[1]].ParameterType | Should -Be ([timespan]) -Because "$($p[0]) -$($p[1])"
        }
    }

    It 'reads a plain number as seconds: -Interval 1 -Count 2 samples a second apart, not a tick' {
        $s = Watch-MailQueue -Path $script:postqueue -Interval 1 -Count 2
        $s | Should -HaveCount 2
        ($s[1].Time - $s[0].Time).TotalSeconds | Should -BeGreaterOrEqual 0.9
    }

    It 'takes 30s, 5m, 1h, 2d and 00:05:00 alike' {
        foreach ($t in '30s', '5m', '1h', '2d', '00:05:00', '90') {
            { Get-MailQueueMessage -Path $script:postqueue -OlderThan $t -ErrorAction Stop } | Should -Not -Throw
        }
        (Get-MailQueueMessage -Path $script:postqueue -OlderThan 1d).Count | Should -Be (Get-MailQueueMessage -Path $script:postqueue -OlderThan 86400).Count
    }

    It 'fails -Interval 0 before any sample, with its own error id and a recommended action' {
        $history = Join-Path $script:work 'never.jsonl'
        $out = $null
        $e = $null
        try { $out = Watch-MailQueue -Path $script:postqueue -Interval 0 -Count 3 -HistoryPath $history -ErrorAction Stop } catch { $e = $_ }
        $out | Should -BeNullOrEmpty
        Test-Path $history | Should -BeFalse
        $e.FullyQualifiedErrorId | Should -BeLike 'QueueWatchIntervalInvalid,*'
        $e.ErrorDetails.RecommendedAction | Should -Match '-Interval'
    }

    It 'gives DNS and endpoint timeouts and bucket widths their own error ids' {
        { Resolve-DnsRecord example.test -Server 127.0.0.1:1 -Timeout 10m -ErrorAction Stop } | Should -Throw -ErrorId 'DnsTimeoutInvalid,*'
        { Test-SmtpEndpoint 127.0.0.1:1 -Timeout 0 -ErrorAction Stop } | Should -Throw -ErrorId 'EndpointTimeoutInvalid,*'
        { Measure-MailQueue -Path $script:postqueue -BucketWidth 90s -ErrorAction Stop } | Should -Throw -ErrorId 'QueueBucketWidthInvalid,*'
        { Watch-MailQueue -Path $script:postqueue -Interval soon } | Should -Throw -ErrorId 'ParameterArgumentTransformationError*'
    }

    It 'gives -Threshold its own error id and takes durations for time thresholds' {
        $e = $null
        try { Invoke-OutageCheck -MessagePath $script:mime -Threshold @{ NoSuchThreshold = 1 } -ErrorAction Stop } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'CheckThresholdInvalid,*'
        $e.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }
}

Describe 'Queue sources and actions' {
    It 'refuses two sources at once instead of silently reading one' {
        { Get-MailQueue -Exim -ConfigDirectory /nowhere -Path $script:postqueue -ErrorAction Stop } | Should -Throw -ErrorId 'AmbiguousParameterSet*'
        { Get-MailQueueMessage -EximPath /usr/sbin/exim -Path $script:postqueue -ErrorAction Stop } | Should -Throw -ErrorId 'AmbiguousParameterSet*'
    }

    It 'has no -InputObject on Watch-MailQueue, which would ignore it' {
        (Get-Command Watch-MailQueue).Parameters.ContainsKey('InputObject') | Should -BeFalse
    }

    It 'selects messages by -Id, wildcards included' {
        $all = Get-MailQueueMessage -Path $script:postqueue
        $one = Get-MailQueueMessage -Path $script:postqueue -Id $all[3].Id
        $one.Id | Should -Be $all[3].Id
        $prefix = $all[3].Id.Substring(0, 4)
        (Get-MailQueueMessage -Path $script:postqueue -Id "$prefix*").Id | Should -Contain $all[3].Id
        Get-MailQueueMessage -Path $script:postqueue $all[5].Id | Select-Object -ExpandProperty Id | Should -Be $all[5].Id
    }

    It 'chains Suspend -PassThru | Resume -PassThru on a live Postfix, each result saying where the message is now' {
        $pf = Get-SharedTestPostfix
        $m = Submit-TestMail -Count 2 -Tag chain
        $m | Should -HaveCount 2
        $held = $m | Suspend-MailQueueMessage -PassThru -Confirm:$false -WarningVariable warn -ErrorVariable err
        $warn | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
        $held.State | Should -Be @('Succeeded', 'Succeeded')
        $held.Message.Queue | Should -Be @('hold', 'hold')
        $released = $held | Resume-MailQueueMessage -PassThru -Confirm:$false -WarningVariable warn2 -ErrorVariable err2
        $warn2 | Should -BeNullOrEmpty
        $err2 | Should -BeNullOrEmpty
        $released.State | Should -Be @('Succeeded', 'Succeeded')
        $json = & '/usr/sbin/postqueue' '-c' $pf.ConfigDirectory -j | ConvertFrom-Json
        ($json | Where-Object { $_.queue_id -in $m.Id }).queue_name | Should -Not -Contain 'hold'
        $m | Remove-MailQueueMessage -Confirm:$false
    }

    It 'treats a message already on hold as done, with a note instead of a warning' {
        $pf = Get-SharedTestPostfix
        $m = Submit-TestMail -Count 1 -Tag twice
        $m | Suspend-MailQueueMessage -Confirm:$false
        $r = $m | Suspend-MailQueueMessage -PassThru -Confirm:$false -WarningVariable warn -ErrorVariable err -Verbose 4>&1
        $warn | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
        $result = $r | Where-Object { $_ -is [Outage.Tools.Core.Queue.QueueActionResult] }
        $result.State | Should -Be 'Unchanged'
        $result.Note | Should -Be 'already on hold'
        ($result | Out-String -Width 120) | Should -Match 'Unchanged\s+already on hold'
        ($r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'already on hold'
        $m | Remove-MailQueueMessage -Confirm:$false
    }

    It 'reports a vanished message as a non-terminating ObjectNotFound error that -ErrorVariable sees' {
        $pf = Get-SharedTestPostfix
        $m = Submit-TestMail -Count 2 -Tag gone
        $m[0] | Remove-MailQueueMessage -Confirm:$false
        $r = $m | Suspend-MailQueueMessage -PassThru -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err -WarningVariable warn
        $warn | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'QueueMessageNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $r.Id | Should -Be $m[1].Id
        $m[1] | Remove-MailQueueMessage -Confirm:$false
    }

    It 'acts by -Id on the source given, as Exchange Suspend-Message -Identity does' {
        $pf = Get-SharedTestPostfix
        $m = Submit-TestMail -Count 1 -Tag byid
        $r = Suspend-MailQueueMessage -Id $m[0].Id -ConfigDirectory $pf.ConfigDirectory -PassThru -Confirm:$false
        $r.State | Should -Be 'Succeeded'
        (& '/usr/sbin/postqueue' '-c' $pf.ConfigDirectory -j | ConvertFrom-Json | Where-Object queue_id -EQ $m[0].Id).queue_name | Should -Be 'hold'
        Suspend-MailQueueMessage -Id NOSUCHID1 -ConfigDirectory $pf.ConfigDirectory -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'QueueMessageIdNotFound,*'
        Remove-MailQueueMessage -Id $m[0].Id -ConfigDirectory $pf.ConfigDirectory -Confirm:$false
        (& '/usr/sbin/postqueue' '-c' $pf.ConfigDirectory -j | ConvertFrom-Json | Where-Object queue_id -EQ $m[0].Id) | Should -BeNullOrEmpty
    }
}

Describe 'Pipeline binding' {
    It 'probes the MX exchange of a DNS record, not the DNS server it came from' {
        $aliases = (Get-Command Test-SmtpEndpoint).Parameters['HostName'].Aliases
        $aliases | Should -Not -Contain 'Server'
        $aliases | Should -Contain 'Exchange'
        $closed = Get-TestFreePort
        $r = [pscustomobject]@{ Server = '127.0.0.1:53'; Exchange = "127.0.0.1:$closed"; Preference = 10 } | Test-SmtpEndpoint -Timeout 5
        $r.Target | Should -Be "127.0.0.1:$closed"
    }

    It 'checks the good folder when another path has no drive (errors per item, non-terminating)' {
        $r = Test-MimeMessage 'nodrive:/x.eml', $script:mime -ErrorAction SilentlyContinue -ErrorVariable err
        $err | Should -HaveCount 1
        $err[0].TargetObject | Should -Be 'nodrive:/x.eml'
        @($r).Count | Should -Be @(Test-MimeMessage $script:mime).Count
        @($r).Count | Should -BeGreaterThan 0
    }

    It 'lints Get-Content -Raw output as content' {
        $file = Get-ChildItem $script:mime -Filter *.eml | Select-Object -First 1
        $r = Get-Content $file.FullName -Raw | Test-MimeMessage -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $r | Should -HaveCount 1
        $r.WellFormed | Should -Be (Test-MimeMessage -LiteralPath $file.FullName).WellFormed
    }
}

Describe 'Diagnostics' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'DnsTestPeer.ps1')
        $script:peer = Start-DnsTestPeer
    }

    AfterAll {
        Stop-DnsTestPeer $script:peer
    }

    It 'says with -Verbose which command ran and which file was read' {
        $v = Get-MailQueueMessage -Path $script:postqueue -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($v.Message -join "`n") | Should -Match 'Get-MailQueueMessage'
        ($v.Message -join "`n") | Should -Match ([regex]::Escape((Resolve-Path $script:postqueue).Path))
    }

    It 'says with -Verbose which server was asked' {
        $v = Resolve-DnsRecord example.test -Server $script:peer.Server -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($v.Message -join "`n") | Should -Match ([regex]::Escape($script:peer.Server))
        $v2 = Test-MimeMessage $script:mime -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($v2.Message -join "`n") | Should -Match 'Test-MimeMessage'
    }

    It 'writes a -Verbose line naming the command and its parameters in every cmdlet' {
        $closed = Get-TestFreePort
        $eml = (Get-ChildItem $script:mime -Filter *.eml | Select-Object -First 1).FullName
        $dns = $script:peer.Server
        $log = Join-Path $PSScriptRoot '../fixtures/logs/postfix-maillog.log'
        $secret = ConvertTo-SecureString 'not-a-real-secret' -AsPlainText -Force
        $runs = [ordered]@{
            'Get-MimeRule'              = { Get-MimeRule -Id 'boundary*' -Verbose 4>&1 }
            'Test-MimeMessage'          = { Test-MimeMessage $eml -Verbose 4>&1 }
            'Get-MimeStructure'         = { Get-MimeStructure $eml -Verbose 4>&1 }
            'Get-MailQueue'             = { Get-MailQueue -Path $script:postqueue -Verbose 4>&1 }
            'Get-MailQueueMessage'      = { Get-MailQueueMessage -Path $script:postqueue -First 1 -Verbose 4>&1 }
            'Measure-MailQueue'         = { Measure-MailQueue -Path $script:postqueue -Verbose 4>&1 }
            'Watch-MailQueue'           = { Watch-MailQueue -Path $script:postqueue -Count 1 -Verbose 4>&1 }
            'Export-MailQueueMessage'   = { Get-MailQueueMessage -Path $script:mime -Format Spool -First 1 | Export-MailQueueMessage -Verbose 4>&1 }
            'Suspend-MailQueueMessage'  = { Get-MailQueueMessage -Path $script:postqueue -First 1 | Suspend-MailQueueMessage -WhatIf -Verbose 4>&1 }
            'Resume-MailQueueMessage'   = { Get-MailQueueMessage -Path $script:postqueue -First 1 | Resume-MailQueueMessage -WhatIf -Verbose 4>&1 }
            'Remove-MailQueueMessage'   = { Get-MailQueueMessage -Path $script:postqueue -First 1 | Remove-MailQueueMessage -WhatIf -Verbose 4>&1 }
            'Resolve-DnsRecord'         = { Resolve-DnsRecord example.test -Server $dns -Verbose 4>&1 }
            'Test-MailDomain'           = { Test-MailDomain example.test -Server $dns -Verbose 4>&1 }
            'Test-DnsZoneConsistency'   = { Test-DnsZoneConsistency example.test -NameServer $dns -Verbose 4>&1 }
            'Compare-DnsResolver'       = { Compare-DnsResolver example.test -Server $dns -Verbose 4>&1 }
            'Test-SmtpEndpoint'         = { Test-SmtpEndpoint "127.0.0.1:$closed" -Timeout 2 -Verbose 4>&1 }
            'Test-OwaEndpoint'          = { Test-OwaEndpoint -Uri "https://127.0.0.1:$closed/owa/" -Timeout 2 -Verbose 4>&1 }
            'Test-EwsEndpoint'          = { Test-EwsEndpoint "127.0.0.1:$closed" -Timeout 2 -Verbose 4>&1 }
            'Test-ActiveSyncEndpoint'   = { Test-ActiveSyncEndpoint "127.0.0.1:$closed" -Timeout 2 -Verbose 4>&1 }
            'Test-AutodiscoverEndpoint' = { Test-AutodiscoverEndpoint 'user@example.test' -Timeout 2 -DnsServer $dns -Verbose 4>&1 }
            'Invoke-OutageCheck'        = { Invoke-OutageCheck -MessagePath $eml -Verbose 4>&1 }
            'Export-OutageReport'       = { Invoke-OutageCheck -MessagePath $eml | Export-OutageReport -Path (Join-Path $script:work 'r.html') -Force -Verbose 4>&1 }
            'Get-MailLogEvent'          = { Get-MailLogEvent -Path $log -Year 2026 -Verbose 4>&1 }
            'Measure-MailLog'           = { Measure-MailLog -Path $log -Year 2026 -Verbose 4>&1 }
            'Get-MessageHeaderReport'   = { Get-MessageHeaderReport -Path $eml -Verbose 4>&1 }
            'Measure-MessageDelay'      = { Measure-MessageDelay -Path $log -Year 2026 -Verbose 4>&1 }
            'Get-MessageHop'            = { Get-MessageHop -Path $eml -Verbose 4>&1 }
            # A closed loopback port as the identity platform: the command says what it asked of whom, then fails.
            'Get-ServiceHealth'         = { Get-ServiceHealth -TenantId contoso.example -ClientId 00000000-0000-0000-0000-000000000001 -ClientSecret $secret -Authority "https://127.0.0.1:$closed" -Timeout 2 -Verbose 4>&1 }
            'Get-ServiceHealthIssue'    = { Get-ServiceHealthIssue -TenantId contoso.example -ClientId 00000000-0000-0000-0000-000000000001 -ClientSecret $secret -Authority "https://127.0.0.1:$closed" -Timeout 2 -Verbose 4>&1 }
        }
        (Get-Command -Module Outage.Tools -CommandType Cmdlet).Name | Where-Object { -not $runs.Contains($_) } | Should -BeNullOrEmpty
        foreach ($name in $runs.Keys) {
            # Collected as they come: a command that then stops with its error (no Graph here) has already said what it asked.
            $all = [System.Collections.Generic.List[object]]::new()
            try { & $runs[$name] 2>$null | ForEach-Object { $all.Add($_) } } catch { $null = $_ }
            $v = $all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            ($v.Message -join "`n") | Should -Match "(^|\n)$name\b" -Because "$name -Verbose should say that it ran"
        }
    }

    It 'probes the exchanges of real MX records piped from Resolve-DnsRecord' {
        $mx = Resolve-DnsRecord example.test MX -Server $script:peer.Server
        $r = $mx | Test-SmtpEndpoint -DnsServer $script:peer.Server -Timeout 3
        $r | Should -HaveCount @($mx).Count
        ($r.Target | ForEach-Object { $_.TrimEnd('.') } | Sort-Object) | Should -Be ($mx.Exchange | ForEach-Object { $_.TrimEnd('.') } | Sort-Object)
        $r.Target | Should -Not -Contain $script:peer.Server
    }

    It 'writes one NXDOMAIN error per name, not one per A/AAAA question' {
        Resolve-DnsRecord nope.example.test -Server $script:peer.Server -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DnsNameNotFound,*'
    }

    It 'completes -Queue names' {
        $c = TabExpansion2 -inputScript 'Get-MailQueueMessage -Queue def' -cursorColumn 'Get-MailQueueMessage -Queue def'.Length
        $c.CompletionMatches.CompletionText | Should -Contain 'deferred'
    }

    It 'completes -Rule *bound with the wildcard as typed' {
        $line = 'Test-MimeMessage x.eml -Rule *bound'
        $c = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $c.CompletionMatches.Count | Should -BeGreaterThan 0
        $c.CompletionMatches.CompletionText | ForEach-Object { $_ | Should -Match 'bound' }
    }
}
