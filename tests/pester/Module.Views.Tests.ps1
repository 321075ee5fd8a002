#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Every default table view of module/Outage.Tools.format.ps1xml renders at 120 columns without a wrapped or cut
# header and without a line longer than 120: real objects from the cmdlets (local files, a private BIND on
# 127.0.0.1, probes of a closed loopback port, Postfix's smtp-sink when it is installed) and their Deserialized
# twins (Export-Clixml / Import-Clixml).

BeforeAll {
    $modulePath = if ($env:OUTAGE_TOOLS_MODULE) { $env:OUTAGE_TOOLS_MODULE } else { Join-Path $PSScriptRoot '../../out/Outage.Tools/Outage.Tools.psd1' }
    Import-Module $modulePath -Force -ErrorAction Stop
    . (Join-Path $PSScriptRoot 'DnsTestPeer.ps1')
    $script:peer = Start-DnsTestPeer
    $script:dns = $script:peer.Server
    $format = [xml](Get-Content -Raw (Join-Path (Get-Module Outage.Tools).ModuleBase 'Outage.Tools.format.ps1xml'))
    # Type name -> the labels of its table view.
    $script:views = @{}
    foreach ($view in $format.Configuration.ViewDefinitions.View) {
        if (-not $view.TableControl) { continue }
        $labels = @($view.TableControl.TableHeaders.TableColumnHeader | ForEach-Object { $_.Label })
        foreach ($type in @($view.ViewSelectedBy.TypeName)) { $script:views[$type] = $labels }
    }

    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $closedPort = $listener.LocalEndpoint.Port
    $listener.Stop()

    $mime = Join-Path $PSScriptRoot '../fixtures/mime'
    $postqueue = Join-Path $PSScriptRoot '../fixtures/queue/postqueue-j.jsonl'
    $samples = Join-Path $PSScriptRoot '../../samples'
    $spool = Join-Path $TestDrive 'spool'
    $null = New-Item -ItemType Directory -Path $spool
    [IO.File]::WriteAllText((Join-Path $spool 'a-rather-long-file-name-of-a-spooled-message-0001.eml'),
        "From: a@x.test`r`nTo: b@y.test`r`nMessage-ID: <v1@x.test>`r`n`r`nbody`r`n")
    $longName = Join-Path $TestDrive 'attachment-with-a-very-long-file-name.eml'
    [IO.File]::WriteAllText($longName, ("From: a@x.test`r`nTo: b@y.test`r`nDate: Mon, 4 Mar 2024 10:00:00 +0000`r`nMessage-ID: <l@x.test>`r`n" +
        "MIME-Version: 1.0`r`nContent-Type: multipart/mixed; boundary=b`r`n`r`n--b`r`nContent-Type: text/plain`r`n`r`nhi`r`n--b`r`n" +
        "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`r`nContent-Transfer-Encoding: base64`r`n" +
        "Content-Disposition: attachment; filename=`"Quarterly revenue forecast for the northern region (final, v7).xlsx`"`r`n`r`nAAAA`r`n--b--`r`n"))

    # One entry per view: the objects to render.
    $script:objects = [ordered]@{}
    $script:objects['MimeRule'] = @(Get-MimeRule)
    $script:objects['MimeMessageReport'] = @(Test-MimeMessage -Path $mime) + @(Test-MimeMessage -Content "Subject: only`r`n`r`nbody")
    $script:objects['MimeFinding'] = @((Test-MimeMessage -Content "Subject: only`r`n`r`nbody").Findings)
    $script:objects['MimePartInfo'] = @(Get-ChildItem $mime -Filter *.eml | Get-MimeStructure) + @(Get-MimeStructure -Path $longName)
    $script:objects['QueueMessage'] = @(Get-MailQueueMessage -Path $postqueue | Select-Object -First 20)
    $script:objects['MailQueueSummary'] = @(Get-MailQueue -Path $postqueue)
    $script:objects['QueueShapeRow'] = @(Measure-MailQueue -Path $postqueue)
    $script:objects['QueueSample'] = @(Watch-MailQueue -Path $postqueue -Count 1)
    $script:objects['QueueExportResult'] = @(Get-MailQueueMessage -Path $spool | Export-MailQueueMessage -Destination (Join-Path $TestDrive 'eml') -PassThru)
    $check = @(Invoke-OutageCheck -ConfigurationPath (Join-Path $samples 'outage-check.psd1'))
    $script:objects['OutageCheckResult'] = @($check | Where-Object { $_ -is [Outage.Tools.Core.Checks.OutageCheckResult] })
    $script:objects['ProbableCause'] = @($check | Where-Object { $_ -is [Outage.Tools.Core.Checks.ProbableCause] })
    $logs = Join-Path $PSScriptRoot '../fixtures/logs'
    $script:objects['MailLogEvent'] = @(Get-MailLogEvent -Path (Join-Path $logs 'postfix-maillog.log') -Year 2026 | Select-Object -First 30)
    $script:objects['MailLogSummaryRow'] = @(Measure-MailLog -Path (Join-Path $logs 'postfix-maillog.log') -Year 2026)
    $headers = Join-Path $PSScriptRoot '../fixtures/headers'
    $script:objects['MessageHeaderReport'] = @(Get-ChildItem $headers -Filter *.eml | Get-MessageHeaderReport -WarningAction SilentlyContinue)
    $script:objects['AntispamField'] = @($script:objects['MessageHeaderReport'] | ForEach-Object { $_.Antispam })
    $script:objects['AuthenticationResult'] = @($script:objects['MessageHeaderReport'] | ForEach-Object { $_.Authentication })
    $script:objects['MessageDelayRow'] = @(Measure-MessageDelay -Path (Join-Path $logs 'postfix-maillog.log') -Year 2026 -GroupBy 'Total', 'Hour', 'RecipientDomain', 'Message')
    $script:objects['ReceivedHop'] = @(Get-MessageHop -Path (Join-Path $PSScriptRoot '../fixtures/headers/hops.eml'))
    # Service health: Graph cannot run here; objects of the documented shapes (Get-ServiceHealth's own Pester file
    # reads them from the local Graph stand-in).
    $issue = [Outage.Tools.Core.ServiceHealth.ServiceHealthIssue]@{ Id = 'EX1234567'; Title = 'Some users may be unable to access their mailbox using Outlook on the web or Exchange ActiveSync'
        Service = 'Exchange Online'; Feature = 'Outlook on the web'; FeatureGroup = 'Access'; Classification = 'incident'; Status = 'serviceDegradation'
        StartDateTime = [DateTimeOffset]'2026-11-30T09:12:00Z'; ImpactDescription = 'Users may be unable to sign in.' }
    $script:objects['ServiceHealthIssue'] = @($issue)
    $script:objects['ServiceHealthOverview'] = @([Outage.Tools.Core.ServiceHealth.ServiceHealthOverview]@{ Id = 'Exchange'; Service = 'Exchange Online'
        Status = 'serviceDegradation'; OpenIssueCount = 1; OpenIssues = 'EX1234567 Some users may be unable to access their mailbox using Outlook on the web' },
        [Outage.Tools.Core.ServiceHealth.ServiceHealthOverview]@{ Id = 'OSDPPlatform'; Service = 'Microsoft 365 suite'; Status = 'serviceOperational' })
    $script:objects['DnsRecord'] = @(Resolve-DnsRecord example.test -Type @('MX', 'TXT', 'SOA', 'A') -Server $dns)
    $script:objects['DnsResponse'] = @(Resolve-DnsRecord example.test -Type @('MX', 'TXT') -Server $dns -Raw)
    $script:objects['DnsCheckResult'] = @(Test-MailDomain example.test -Server $dns)
    $script:objects['DnsResolverComparison'] = @(Compare-DnsResolver -Name @('example.test', 'mail.example.test') -Type @('A', 'MX') -Server @($dns, "127.0.0.1:$closedPort") -Timeout 0.3 -Retry 0)
    $script:objects['DnsResolverAnswer'] = @($script:objects['DnsResolverComparison'][0].Answers)
    $script:objects['HttpEndpointResult'] = @(Test-OwaEndpoint "https://127.0.0.1:$closedPort/owa" -Timeout 5) +
        @(Test-ActiveSyncEndpoint "https://127.0.0.1:$closedPort" -Timeout 5)
    $sink = Get-Command smtp-sink -ErrorAction SilentlyContinue
    if (-not $sink -and (Test-Path /usr/sbin/smtp-sink)) { $sink = Get-Command /usr/sbin/smtp-sink }
    $script:sinkProcess = $null
    if ($sink) {
        $listener.Start(); $sinkPort = $listener.LocalEndpoint.Port; $listener.Stop()
        $script:sinkProcess = Start-Process $sink.Source -ArgumentList "127.0.0.1:$sinkPort", '10' -PassThru
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        do {
            Start-Sleep -Milliseconds 100
            $client = [System.Net.Sockets.TcpClient]::new()
            try { $client.Connect('127.0.0.1', $sinkPort); $up = $true } catch { $up = $false } finally { $client.Dispose() }
        } until ($up -or [DateTime]::UtcNow -gt $deadline)
        $script:objects['SmtpEndpointResult'] = @(Test-SmtpEndpoint "127.0.0.1:$sinkPort" -Timeout 5) + @(Test-SmtpEndpoint "127.0.0.1:$closedPort" -Timeout 5)
    } else {
        $script:objects['SmtpEndpointResult'] = @(Test-SmtpEndpoint "127.0.0.1:$closedPort" -Timeout 5)
    }
    # The one view without a local source: holding a message needs a live Postfix or Exim (the Suspend/Resume/Remove
    # tests run those); the result of a hold as Suspend-MailQueueMessage -PassThru writes it.
    $script:objects['QueueActionResult'] = @([Outage.Tools.Core.Queue.QueueActionResult]@{
        Source = 'Postfix'; ComputerName = 'mx1.contoso.example'; Id = '4BFC3B2029F3A'; Queue = 'deferred'; Action = 'Hold'; State = 'Succeeded' })
    $script:objects['AutodiscoverResult'] = @(Test-AutodiscoverEndpoint 'administrator@contoso.invalid' -Timeout 10 -DnsServer $dns)

    $clixml = Join-Path $TestDrive 'views.xml'

    # Renders objects at 120 columns; returns the problems found (empty when the view fits).
    function Test-ViewFit([object[]] $Items, [string[]] $Labels) {
        $text = $Items | Format-Table | Out-String -Width 120
        $lines = $text -split "`r?`n"
        $problems = @()
        $long = @($lines | Where-Object { $_.Length -gt 120 })
        if ($long) { $problems += "line longer than 120: '$($long[0])'" }
        # The header is the line above the first row of dashes (group headers such as "ComputerName: x" come before).
        $ruleIndex = 0..($lines.Count - 1) | Where-Object { $lines[$_] -match '^[- ]+$' -and $lines[$_].Trim() } | Select-Object -First 1
        if ($null -eq $ruleIndex -or $ruleIndex -lt 1) { return @("no table header in:`n$text") }
        $rule = $lines[$ruleIndex]
        $header = $lines[$ruleIndex - 1]
        foreach ($label in $Labels) {
            if ($header -notmatch "(^|\s)$([regex]::Escape($label))(\s|$)") { $problems += "header '$label' wrapped, cut or missing in '$header'" }
        }
        # The dashes under the header: one group per column, so a header on two lines shows here too.
        if ($rule -and @($rule.Trim() -split '\s+').Count -ne $Labels.Count) { $problems += "underline has $(@($rule.Trim() -split '\s+').Count) groups for $($Labels.Count) columns" }
        $problems
    }
}

AfterAll {
    if ($script:sinkProcess -and -not $script:sinkProcess.HasExited) { Stop-Process -Id $script:sinkProcess.Id }
    Stop-DnsTestPeer $script:peer
}

Describe 'Default views at 120 columns' {
    It 'every table view has objects to render here' {
        $covered = $script:objects.Keys | ForEach-Object { $n = $_; @($script:views.Keys | Where-Object { $_ -notlike 'Deserialized.*' -and $_ -like "*.$n" }) }
        $missing = @($script:views.Keys | Where-Object { $_ -notlike 'Deserialized.*' -and $_ -notin $covered -and $_ -ne 'System.IO.FileInfo' })
        $missing | Should -BeNullOrEmpty
    }

    It '<_> fits, live and deserialized' -ForEach @('MimeRule', 'MimeMessageReport', 'MimeFinding', 'MimePartInfo', 'QueueMessage',
        'MailQueueSummary', 'QueueShapeRow', 'QueueSample', 'QueueExportResult', 'QueueActionResult', 'OutageCheckResult', 'DnsRecord', 'DnsResponse',
        'DnsCheckResult', 'DnsResolverComparison', 'DnsResolverAnswer', 'HttpEndpointResult', 'SmtpEndpointResult', 'AutodiscoverResult',
        'ProbableCause', 'MailLogEvent', 'MailLogSummaryRow', 'ReceivedHop', 'ServiceHealthIssue', 'ServiceHealthOverview') {
        $items = @($script:objects[$_])
        $items | Should -Not -BeNullOrEmpty
        $type = $items[0].PSObject.TypeNames | Where-Object { $script:views.ContainsKey($_) } | Select-Object -First 1
        $type | Should -Not -BeNullOrEmpty -Because "$($items[0].GetType().FullName) needs a table view"
        Test-ViewFit $items $script:views[$type] | Should -BeNullOrEmpty
        $items | Export-Clixml -LiteralPath $clixml -Depth 3
        $twins = @(Import-Clixml -LiteralPath $clixml)
        $twins[0].PSObject.TypeNames[0] | Should -BeLike 'Deserialized.*'
        $twinType = $twins[0].PSObject.TypeNames | Where-Object { $script:views.ContainsKey($_) } | Select-Object -First 1
        $twinType | Should -Be "Deserialized.$type"
        Test-ViewFit $twins $script:views[$twinType] | Should -BeNullOrEmpty
    }
}

Describe 'What the default views say' {
    It 'Test-MimeMessage shows the distinct rule ids that fired' {
        $text = Test-MimeMessage -Content "Subject: only`r`n`r`nbody" | Out-String -Width 120
        $text | Should -Match 'missing-from, missing-date|missing-date, missing-from'
    }

    It 'Measure-MailQueue labels its buckets like qshape, right-aligned' {
        $lines = (Measure-MailQueue -Path $postqueue | Out-String -Width 120) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '\bT\s+5\s+10\s+20\s+40\s+80\s+160\s+320\s+640\s+1280\s+1280\+$'
        $total = $lines | Where-Object { $_ -match '^TOTAL\b' }
        # Right-aligned: each count ends where its label ends.
        $total.Length | Should -Be $lines[0].Length
    }

    It 'Get-MimeStructure says which file each part belongs to when several are piped' {
        $text = Get-ChildItem $mime -Filter *.eml | Get-MimeStructure | Out-String -Width 120
        foreach ($f in Get-ChildItem $mime -Filter *.eml) { $text | Should -Match ([regex]::Escape($f.Name)) }
        (Get-MimeStructure -Path $longName | Out-String -Width 120) | Should -Match 'Quarterly revenue'
    }

    It 'prints ages and drain times in one format (d hh:mm:ss)' {
        $sample = Watch-MailQueue -Path $postqueue -Count 1 | Out-String -Width 120
        $messages = Get-MailQueueMessage -Path $postqueue | Select-Object -First 1 | Out-String -Width 120
        $summary = Get-MailQueue -Path $postqueue | Out-String -Width 120
        foreach ($text in $sample, $messages, $summary) {
            $text | Should -Match '\b\d+d \d\d:\d\d:\d\d\b'
            $text | Should -Not -Match '\d\d:\d\d:\d\d\.\d{7}'
        }
    }
}

Describe 'Outside text in the default views (issue 14: ESC, BEL, CR never reach the console raw)' {
    BeforeAll {
        $e = [char]27; $bel = [char]7; $cr = [char]13; $csi = [char]0x9B
        # A window-title change, a bell, a carriage return that would overwrite the line, and a one-character CSI.
        $script:hostile = "$e]0;pwned$bel${cr}x$($csi)2J"
        # Asserts that rendered text has no raw control character and shows the escape as its symbol (U+241B).
        function Assert-Escaped([string] $Text) {
            $Text | Should -Not -Match '[\x1b\x07\r\x9b]'
            $Text | Should -Match ([regex]::Escape([string][char]0x241B))
        }
        # Every string property (and string list) of a deserialized object, and of the objects it holds, set to $hostile.
        function Set-HostileText($Object, [int] $Depth = 1) {
            foreach ($p in @($Object.PSObject.Properties)) {
                if (-not $p.IsSettable) { continue }
                if ($p.Value -is [string]) { $p.Value = $script:hostile; continue }
                if ($Depth -gt 0 -and $p.Value -is [System.Collections.IEnumerable]) {
                    $items = @($p.Value)
                    if ($items.Count -gt 0 -and $items[0] -is [string]) { $p.Value = @($script:hostile, $script:hostile) }
                    else { foreach ($item in $items) { if ($item -is [psobject] -and $item.PSObject.Properties['Address']) { Set-HostileText $item ($Depth - 1) } } }
                }
            }
        }
    }

    It '<_>: a twin whose every text is hostile renders escaped, and keeps the text' -ForEach @('MimeMessageReport', 'MimeFinding', 'MimePartInfo',
        'QueueMessage', 'MailQueueSummary', 'QueueShapeRow', 'QueueExportResult', 'QueueActionResult', 'OutageCheckResult', 'DnsRecord', 'DnsResponse',
        'DnsCheckResult', 'DnsResolverComparison', 'DnsResolverAnswer', 'HttpEndpointResult', 'SmtpEndpointResult', 'AutodiscoverResult',
        'ProbableCause', 'MailLogEvent', 'MailLogSummaryRow', 'ReceivedHop', 'ServiceHealthIssue', 'ServiceHealthOverview') {
        $items = @($script:objects[$_] | Select-Object -First 5)
        $items | Export-Clixml -LiteralPath $clixml -Depth 3
        $twins = @(Import-Clixml -LiteralPath $clixml)
        foreach ($twin in $twins) { Set-HostileText $twin }
        Assert-Escaped ($twins | Format-Table | Out-String -Width 120)
        Assert-Escaped ($twins | Out-String -Width 120)
        $texts = @($twins[0].PSObject.Properties | Where-Object { $_.Value -is [string] })
        $texts | Should -Not -BeNullOrEmpty
        $texts | ForEach-Object { $_.Value | Should -BeExactly $script:hostile }
    }

    It 'a queue id, sender, recipient and reason from postqueue -j: table and list escaped, properties intact' {
        $path = Join-Path $TestDrive 'hostile-postqueue.jsonl'
        $json = [ordered]@{ queue_name = 'deferred'; queue_id = "AB$($script:hostile)"; arrival_time = 1795219076; message_size = 334
            sender = "s$($script:hostile)@x.test"; recipients = @(@{ address = "r@y$($script:hostile).test"; delay_reason = "timeout $($script:hostile)" }) } |
            ConvertTo-Json -Compress -Depth 3
        [IO.File]::WriteAllText($path, $json + "`n")
        $message = Get-MailQueueMessage -Path $path
        $message.Id | Should -BeExactly "AB$($script:hostile)"
        $message.Recipients[0].DelayReason | Should -BeExactly "timeout $($script:hostile)"
        Assert-Escaped ($message | Out-String -Width 120)
        Assert-Escaped ($message | Format-List | Out-String -Width 120)
        Assert-Escaped (Get-MailQueue -Path $path | Out-String -Width 120)
        Assert-Escaped (Measure-MailQueue -Path $path | Out-String -Width 120)
    }

    It 'a subject from an Exchange export: Format-List escaped, the property intact' {
        $path = Join-Path $TestDrive 'hostile-get-message.csv'
        $lines = Get-Content -LiteralPath (Join-Path $PSScriptRoot '../fixtures/queue/exchange-get-message.csv') -TotalCount 3
        $lines[2] = $lines[2].Replace('Quarterly report', "Quarterly $($script:hostile) report")
        [IO.File]::WriteAllText($path, ($lines -join "`r`n") + "`r`n")
        $message = Get-MailQueueMessage -Path $path
        $message.Subject | Should -BeExactly "Quarterly $($script:hostile) report"
        $list = $message | Format-List | Out-String -Width 120
        Assert-Escaped $list
        $list | Should -Match 'Subject\s+: Quarterly ␛\]0;pwned␇␍x\?2J report'
    }

    It 'a file name and an attachment name: Test-MimeMessage and Get-MimeStructure escaped, properties intact' {
        $name = "m$([char]27)]0;pwned$([char]7).eml"
        $path = Join-Path $TestDrive $name
        [IO.File]::WriteAllText($path, ("From: a@x.test`r`nTo: b@y.test`r`nDate: Mon, 4 Mar 2024 10:00:00 +0000`r`nMessage-ID: <h@x.test>`r`n" +
            "MIME-Version: 1.0`r`nContent-Type: multipart/mixed; boundary=b`r`n`r`n--b`r`nContent-Type: text/plain`r`n`r`nhi`r`n--b`r`n" +
            "Content-Type: application/octet-stream`r`nContent-Disposition: attachment; filename=`"a$([char]27)[2J$([char]7).bin`"`r`n`r`nAAAA`r`n--b--`r`n"))
        $report = Test-MimeMessage -LiteralPath $path
        $report.Path | Should -BeExactly $path
        Assert-Escaped ($report | Out-String -Width 400)
        $parts = @(Get-MimeStructure -LiteralPath $path)
        $parts[0].Source | Should -BeExactly $path
        ($parts | Where-Object FileName).FileName | Should -BeExactly "a$([char]27)[2J$([char]7).bin"
        Assert-Escaped ($parts | Out-String -Width 120)
        Assert-Escaped ($parts | Format-List | Out-String -Width 120)
    }

    It 'a DNS TXT answer with control octets: the table shows its presentation form (\027), the record keeps its text' {
        $record = [Outage.Tools.Core.Dns.DnsTxtRecord]::FromText('evil.example.test', 300, $script:hostile)
        $record.Text | Should -BeExactly $script:hostile
        $text = $record | Out-String -Width 120
        $text | Should -Not -Match '[\x1b\x07\r\x9b]'
        $text | Should -Match 'evil\.example\.test'
        $text | Should -Match ([regex]::Escape('"\027]0;pwned\007\013x\194\1552J"'))
    }
}
