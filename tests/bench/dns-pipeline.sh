#!/usr/bin/env bash
# Piped names against the array form of Resolve-DnsRecord, in one pwsh session on the staged module, against a
# private BIND on loopback (tests/pester/DnsTestPeer.ps1):
#
#   $names | Resolve-DnsRecord -Type A -Server $s       (pipeline: one ProcessRecord per name)
#   Resolve-DnsRecord -Name $names -Type A -Server $s   (array: one call)
#
#   tests/bench/dns-pipeline.sh [--names N] [--reps N]
#
# N names (default 5000) cycle over the fixture zone's A records. Each form runs once to warm up, then --reps
# times (default 5); the median wall time of each is printed with the ratio pipeline / array. Then the time to the
# first record when the names come from a slow producer (one name every 200 ms, 10 names): streaming input gives
# the first record after about one interval, batched input only after the producer has finished (about 2 s).
# Needs the staged module (dotnet build src/Outage.Tools -c Release && tools/stage-module.sh Release), pwsh and BIND.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
names=5000
reps=5
while [ $# -gt 0 ]; do
  case "$1" in
    --names) names="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    *) echo "usage: $0 [--names N] [--reps N]" >&2; exit 2 ;;
  esac
done
pwsh="${PWSH:-$(command -v pwsh || echo "$HOME/.dotnet/tools/pwsh")}"
[ -x "$pwsh" ] || { echo "dns-pipeline: pwsh not found (set PWSH)" >&2; exit 2; }
module="${OUTAGE_TOOLS_MODULE:-$here/out/Outage.Tools/Outage.Tools.psd1}"
[ -f "$module" ] || { echo "dns-pipeline: $module not found; run tools/stage-module.sh Release" >&2; exit 2; }
"$pwsh" -NoProfile -NonInteractive -Command "
\$ErrorActionPreference = 'Stop'
Import-Module '$module'
. '$here/tests/pester/DnsTestPeer.ps1'
\$peer = Start-DnsTestPeer
try {
    \$s = \$peer.Server
    \$pool = 'mail.example.test', 'mx2.example.test', 'example.test', 'www.example.test'
    \$names = @(0..($names - 1) | ForEach-Object { \$pool[\$_ % \$pool.Count] })
    \$median = { param(\$t) \$o = @(\$t | Sort-Object); \$o[[int][Math]::Floor(\$o.Count / 2)] }
    \$forms = [ordered]@{
        pipeline = { \$names | Resolve-DnsRecord -Type A -Server \$s }
        array    = { Resolve-DnsRecord -Name \$names -Type A -Server \$s }
    }
    \$result = [ordered]@{}
    foreach (\$k in \$forms.Keys) {
        \$count = @(& \$forms[\$k]).Count
        \$times = foreach (\$i in 1..$reps) { (Measure-Command { & \$forms[\$k] | Out-Null }).TotalSeconds }
        \$result[\$k] = & \$median \$times
        '{0,-9} {1,6:0.000} s median of $reps ({2} records)' -f \$k, \$result[\$k], \$count
    }
    'pipeline / array: {0:0.00}x' -f (\$result['pipeline'] / \$result['array'])
    \$watch = [Diagnostics.Stopwatch]::StartNew()
    \$first = \$null
    & { foreach (\$n in \$pool + \$pool + \$pool[0..1]) { \$n; Start-Sleep -Milliseconds 200 } } | Resolve-DnsRecord -Type A -Server \$s |
        ForEach-Object { if (\$null -eq \$first) { \$first = \$watch.Elapsed.TotalSeconds } }
    'slow producer (10 names, 200 ms apart): first record after {0:0.00} s, all after {1:0.00} s' -f \$first, \$watch.Elapsed.TotalSeconds
}
finally { Stop-DnsTestPeer \$peer }
"
