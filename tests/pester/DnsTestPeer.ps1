# Shared by the DNS Pester tests: starts BIND 9 (named) on a free loopback port with the zones of
# tests/fixtures/dns, the same as the xunit BindFixture. Dot-source it, then call Start-DnsTestPeer / Stop-DnsTestPeer.

function Get-FreeLoopbackPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Start-DnsTestPeer {
    [CmdletBinding()]
    param([string] $Zone = 'example.test.zone', [string] $Origin = 'example.test', [string] $ZoneFile)

    $named = Get-Command named -ErrorAction SilentlyContinue
    if (-not $named) {
        foreach ($candidate in '/usr/sbin/named', '/usr/local/sbin/named') {
            if (Test-Path $candidate) { $named = Get-Command $candidate }
        }
    }
    if (-not $named) {
        throw 'BIND 9 named is not installed. Install it with: apt-get install bind9 bind9-utils bind9-dnsutils (or tests/peers/install.sh).'
    }

    $fixtures = (Resolve-Path (Join-Path $PSScriptRoot '../fixtures/dns')).Path
    $work = Join-Path ([System.IO.Path]::GetTempPath()) ("outage-dns-pester-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $work | Out-Null
    $port = Get-FreeLoopbackPort
    # -ZoneFile: a zone written by the test (full path), else one of tests/fixtures/dns.
    $zonePath = if ($ZoneFile) { $ZoneFile } else { "$fixtures/$Zone" }
    $conf = @"
options {
    directory "$work";
    pid-file "$work/named.pid";
    session-keyfile "$work/session.key";
    listen-on port $port { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    notify no;
    max-udp-size 1232;
    edns-udp-size 1232;
    minimal-responses no;
};
controls { };
zone "$Origin" { type primary; file "$zonePath"; };
zone "0.0.127.in-addr.arpa" { type primary; file "$fixtures/reverse.zone"; };
"@
    Set-Content -Path (Join-Path $work 'named.conf') -Value $conf
    $log = Join-Path $work 'named.log'
    $process = Start-Process -FilePath $named.Source -ArgumentList @('-g', '-4', '-n', '1', '-c', (Join-Path $work 'named.conf')) `
        -RedirectStandardError $log -RedirectStandardOutput (Join-Path $work 'named.out') -PassThru
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ((Test-Path $log) -and (Select-String -Path $log -Pattern 'running$' -Quiet)) { break }
        if ($process.HasExited) { break }
        Start-Sleep -Milliseconds 100
    }
    if ($process.HasExited -or -not (Select-String -Path $log -Pattern 'running$' -Quiet)) {
        throw "named did not start: $(Get-Content $log -Raw)"
    }

    [pscustomobject]@{ Process = $process; Work = $work; Port = $port; Server = "127.0.0.1:$port" }
}

function Stop-DnsTestPeer {
    param($Peer)
    if ($Peer) {
        if (-not $Peer.Process.HasExited) { $Peer.Process.Kill(); $Peer.Process.WaitForExit(5000) | Out-Null }
        Remove-Item -Recurse -Force $Peer.Work -ErrorAction SilentlyContinue
    }
}
