#!/usr/bin/env bash
# Side by side on one live deferred Postfix queue: `outage queue shape` (postqueue -j + parse + matrix, end to
# end) against real `qshape`, same queue selection, same run. Starts a private Postfix on loopback
# (tests/bench/private-postfix.sh: relayhost on a closed port, so everything defers), injects N messages over SMTP,
# waits until all are deferred, times both R times each, checks the TOTAL rows agree, stops Postfix and removes
# the folder.
# Usage (as root, Postfix installed: bash tests/peers/install.sh): tests/bench/queue-vs-qshape.sh [N] [R]
set -euo pipefail
N=${1:-100000}
R=${2:-3}
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/bench/private-postfix.sh
source "$repo/tests/bench/private-postfix.sh"
pf_start
echo "injecting $N messages over SMTP to 127.0.0.1:$port ..."
pf_inject 0 "$N" 4
pf_settle "$N"
dotnet build -c Release "$repo/src/Outage.Tools.Cli" -v q >/dev/null
cli="$repo/src/Outage.Tools.Cli/bin/Release/net10.0/outage.dll"
for r in $(seq 1 "$R"); do
    s=$(date +%s.%N); qshape -c "$work/etc" deferred > "$work/qshape.txt"; e=$(date +%s.%N)
    echo "qshape                run $r: $(echo "$e - $s" | bc) s"
    s=$(date +%s.%N); dotnet "$cli" queue shape --config-dir "$work/etc" --queue deferred > "$work/outage.txt"; e=$(date +%s.%N)
    echo "outage queue shape    run $r: $(echo "$e - $s" | bc) s"
done
echo "qshape TOTAL: $(awk '$1=="TOTAL"{print $2}' "$work/qshape.txt")   outage TOTAL: $(awk '$1=="TOTAL"{print $2}' "$work/outage.txt")"
