#!/usr/bin/env bash
# Live queue content: `outage mime lint --postfix --config-dir DIR` (the queue folders listed once, every queue
# file read directly and linted in parallel; whole process under /usr/bin/time) against a `postcat -bh -q ID` loop
# over the same ids (content only, no lint). Starts a private Postfix on loopback (tests/bench/private-postfix.sh)
# with defer_transports = smtp (every message is deferred without a delivery attempt), injects N1 messages over
# SMTP in 4 parallel sessions (one in ten poison), times both; then tops the queue up to N2 and times outage alone.
# The postcat loop is skipped with POSTCAT=0 (it takes over an hour at 10,000 on a loaded machine).
# Stops Postfix and removes the folder.
# Usage (as root, Postfix installed): tests/bench/queue-content-vs-postcat.sh [N1] [N2] [R]
set -euo pipefail
N1=${1:-10000}
N2=${2:-100000}
R=${3:-3}
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/bench/private-postfix.sh
source "$repo/tests/bench/private-postfix.sh"
pf_start "defer_transports = smtp"
dotnet build -c Release "$repo/src/Outage.Tools.Cli" -v q >/dev/null
cli="$repo/src/Outage.Tools.Cli/bin/Release/net10.0/outage.dll"
lint() {
    for r in $(seq 1 "$R"); do
        echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
        /usr/bin/time -f "outage mime lint --postfix ($1) run $r: %e s wall, %U s user, %S s system, %M KB peak" \
            dotnet "$cli" mime lint --config-dir "$work/etc" --format json > "$work/lint.jsonl" || true
        echo "  $(wc -l < "$work/lint.jsonl") reports, $(grep -c '"wellFormed":false' "$work/lint.jsonl") not well-formed"
    done
}
echo "injecting $N1 messages over SMTP to 127.0.0.1:$port ..."
PF_POISON=1 pf_inject 0 "$N1" 4
pf_settle "$N1"
lint "$N1"
if [ "${POSTCAT:-1}" != 0 ]; then
    pf_ids "$work/ids"
    s=$(date +%s.%N); while read -r id; do postcat -c "$work/etc" -bh -q "$id"; done < "$work/ids" > "$work/postcat.txt"; e=$(date +%s.%N)
    echo "postcat -bh -q loop ($N1 ids): $(echo "$e - $s" | bc) s; $(grep -c '^Received: from' "$work/postcat.txt") messages"
fi
if [ "$N2" -gt "$N1" ]; then
    echo "injecting $((N2 - N1)) more ..."
    PF_POISON=1 pf_inject "$N1" "$((N2 - N1))" 4
    pf_settle "$N2"
    lint "$N2"
fi
