# A private Postfix instance on 127.0.0.1 for Pester, as tests/Outage.Tools.Core.Tests/Queue/PostfixInstance.cs
# builds it (../shared/reference/real-peers.md, section 2): its own main.cf/master.cf in a temp folder, smtpd on a
# free loopback port, and a relayhost on a closed loopback port, so every message defers. Dot-source this file.
# Needs root (Postfix's master runs as root) and Postfix installed (tests/peers/install.sh).

function Get-TestFreePort {
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $l.Start()
    try { $l.LocalEndpoint.Port } finally { $l.Stop() }
}

function Invoke-TestNative {
    # Runs a native command and throws with its output when it fails.
    param([string] $File, [string[]] $Arguments)
    $out = & $File @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed ($LASTEXITCODE): $out" }
    $out
}

function Start-TestPostfix {
    foreach ($tool in '/usr/sbin/postfix', '/usr/sbin/postqueue', '/usr/sbin/postsuper') {
        if (-not (Test-Path $tool)) { throw "Postfix is not installed ($tool): run 'bash tests/peers/install.sh' as root." }
    }
    $root = Join-Path ([System.IO.Path]::GetTempPath()) ("outage-pester-postfix-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
    foreach ($d in 'etc', 'spool', 'data', 'log') { $null = New-Item -ItemType Directory -Path (Join-Path $root $d) -Force }
    Invoke-TestNative chmod @('755', $root) | Out-Null
    $port = Get-TestFreePort
    $deadRelay = Get-TestFreePort
    $config = Join-Path $root 'etc'
    @"
compatibility_level = 3.6
queue_directory = $root/spool
data_directory = $root/data
maillog_file = $root/log/postfix.log
maillog_file_prefixes = $root/log, /dev/stdout
myhostname = mx.vm.test
mydomain = vm.test
myorigin = `$myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
relayhost = [127.0.0.1]:$deadRelay
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
biff = no
queue_run_delay = 3600s
minimal_backoff_time = 3600s
maximal_backoff_time = 7200s
"@ | Set-Content -LiteralPath (Join-Path $config 'main.cf') -Encoding ascii
    # Debian's master.cf with smtpd on our port and chroot off everywhere.
    $master = foreach ($line in Get-Content '/etc/postfix/master.cf.proto') {
        $fields = -split $line
        if ($line -and $line[0] -notmatch '[\s#]' -and $fields.Count -ge 8) {
            if ($fields[0] -eq 'smtp' -and $fields[1] -eq 'inet') { $fields[0] = "127.0.0.1:$port" }
            $fields[4] = 'n'
            $fields -join ' '
        }
        else { $line }
    }
    $master | Set-Content -LiteralPath (Join-Path $config 'master.cf') -Encoding ascii
    Invoke-TestNative chown @('postfix', (Join-Path $root 'data')) | Out-Null
    Invoke-TestNative /usr/sbin/postfix @('-c', $config, 'check') | Out-Null
    Invoke-TestNative /usr/sbin/postfix @('-c', $config, 'start') | Out-Null
    $deadline = [datetime]::UtcNow.AddSeconds(30)
    while ($true) {
        try { $c = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $port); $c.Dispose(); break }
        catch { if ([datetime]::UtcNow -gt $deadline) { throw "Postfix did not listen on 127.0.0.1:$port within 30 s; see $root/log/postfix.log" } }
        Start-Sleep -Milliseconds 100
    }
    [pscustomobject]@{ Root = $root; ConfigDirectory = $config; Port = $port }
}

function Send-TestMail {
    # Sends each message (hashtable: From, To (array), Data (string with CRLF line ends)) over one SMTP session.
    param($Postfix, [hashtable[]] $Message)
    $client = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $Postfix.Port)
    try {
        $stream = $client.GetStream(); $stream.ReadTimeout = 30000
        $reader = [System.IO.StreamReader]::new($stream, [System.Text.Encoding]::GetEncoding(28591))
        $latin1 = [System.Text.Encoding]::GetEncoding(28591)
        function Expect([string] $code) {
            do { $line = $reader.ReadLine(); if ($null -eq $line) { throw 'connection closed' } } while ($line.Length -gt 3 -and $line[3] -eq '-')
            if (-not $line.StartsWith($code)) { throw "expected $code, got $line" }
        }
        function Send([string] $text) { $b = $latin1.GetBytes($text + "`r`n"); $stream.Write($b, 0, $b.Length) }
        Expect 220; Send 'EHLO test.local'; Expect 250
        foreach ($m in $Message) {
            Send "MAIL FROM:<$($m.From)>"; Expect 250
            foreach ($r in $m.To) { Send "RCPT TO:<$r>"; Expect 250 }
            Send 'DATA'; Expect 354
            # Dot-stuffing (RFC 5321 section 4.5.2).
            $lines = $m.Data -split "`r`n" | ForEach-Object { if ($_.StartsWith('.')) { '.' + $_ } else { $_ } }
            $text = $lines -join "`r`n"
            if (-not $text.EndsWith("`r`n")) { $text += "`r`n" }
            $b = $latin1.GetBytes($text); $stream.Write($b, 0, $b.Length)
            Send '.'; Expect 250
        }
        Send 'QUIT'
    }
    finally { $client.Dispose() }
}

function Get-TestPostqueue {
    # The real postqueue -j listing: one object per message (queue_id, queue_name, ...).
    param($Postfix)
    Invoke-TestNative /usr/sbin/postqueue @('-c', $Postfix.ConfigDirectory, '-j') | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json }
}

function Wait-TestPostqueue {
    # Waits (at most 120 s) until postqueue -j lists $Count messages, all deferred or held.
    param($Postfix, [int] $Count)
    $deadline = [datetime]::UtcNow.AddSeconds(120)
    while ($true) {
        $q = @(Get-TestPostqueue $Postfix)
        if ($q.Count -eq $Count -and -not ($q | Where-Object { $_.queue_name -notin 'deferred', 'hold' })) { return }
        if ([datetime]::UtcNow -gt $deadline) { throw "The queue did not settle at $Count deferred messages within 120 s (has $($q.Count))." }
        Start-Sleep -Milliseconds 200
    }
}

function Stop-TestPostfix {
    param($Postfix)
    if (-not $Postfix) { return }
    & '/usr/sbin/postfix' '-c' $Postfix.ConfigDirectory stop 2>&1 | Out-Null
    $pidFile = Join-Path $Postfix.Root 'spool/pid/master.pid'
    $deadline = [datetime]::UtcNow.AddSeconds(15)
    while ((Test-Path $pidFile) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    Remove-Item -LiteralPath $Postfix.Root -Recurse -Force -ErrorAction SilentlyContinue
}
