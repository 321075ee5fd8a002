#!/usr/bin/env bash
# Live queue content: `outage mime lint --postfix --config-dir DIR` (list once, read every queue file directly,
# lint in parallel; whole process) against a `postcat -bh -q ID` loop over the same ids (content only, no lint).
# Starts a private Postfix on loopback with defer_transports = smtp (every message is deferred without a delivery
# attempt), injects N1 messages over SMTP (one in ten poison), times both; then tops the queue up to N2 and
# times outage alone. Stops Postfix and removes the folder.
# Usage (as root, Postfix installed): tests/bench/queue-content-vs-postcat.sh [N1] [N2] [R]
set -euo pipefail
N1=${1:-10000}
N2=${2:-100000}
R=${3:-3}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/outage-cbench-XXXXXX)
chmod 755 "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work"/{etc,spool,data,log}
cat > "$work/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $work/spool
data_directory = $work/data
maillog_file = $work/log/postfix.log
maillog_file_prefixes = $work/log, /dev/stdout
myhostname = mx.vm.test
mydomain = vm.test
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:9
defer_transports = smtp
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
queue_run_delay = 3600s
minimal_backoff_time = 3600s
maximal_backoff_time = 7200s
CF
awk -v p="127.0.0.1:$port" '/^[^#[:space:]]/ && NF>=8 { if ($1=="smtp" && $2=="inet") $1=p; $5="n" } {print}' /etc/postfix/master.cf.proto > "$work/etc/master.cf"
chown postfix "$work/data"
postfix -c "$work/etc" check
postfix -c "$work/etc" start
trap 'postfix -c "$work/etc" stop >/dev/null 2>&1 || true; sleep 2; rm -rf "$work"' EXIT
for i in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
inject() {
python3 - "$port" "$1" "$2" <<'PY'
import smtplib, sys
port, first, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
domains = ["contoso.test", "fabrikam.test", "northwind.test", "example.test", "adatum.test"]
s = None
for i in range(first, first + n):
    if (i - first) % 100 == 0:
        if s: s.quit()
        s = smtplib.SMTP("127.0.0.1", port)
    d = domains[i % 5]
    if i % 10 == 3:
        body = f"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\nContent-Type: text/plain\r\n\r\nno end\r\n"
    else:
        body = "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + ("line of body text\r\n" * 20)
    s.sendmail("sender@vm.test", [f"user{i}@{d}"], f"From: sender@vm.test\r\nTo: user{i}@{d}\r\nSubject: {i}\r\nMessage-ID: <{i}@vm.test>\r\nDate: Sat, 21 Nov 2026 00:00:00 +0000\r\n{body}")
s.quit()
PY
}
settle() {
    for i in $(seq 1 1200); do
        c=$(postqueue -c "$work/etc" -j | grep -c '"queue_name": "deferred"' || true)
        [ "$c" -ge "$1" ] && break
        sleep 1
    done
    echo "deferred: $c"
}
dotnet build -c Release "$repo/src/Outage.Tools.Cli" -v q >/dev/null
cli="$repo/src/Outage.Tools.Cli/bin/Release/net10.0/outage.dll"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "injecting $N1 messages over SMTP to 127.0.0.1:$port ..."
inject 0 "$N1"
settle "$N1"
postqueue -c "$work/etc" -j | python3 -c 'import sys,json; [print(json.loads(l)["queue_id"]) for l in sys.stdin]' > "$work/ids"
for r in $(seq 1 "$R"); do
    s=$(date +%s.%N); dotnet "$cli" mime lint --config-dir "$work/etc" --format json > "$work/lint.jsonl" || true; e=$(date +%s.%N)
    echo "outage mime lint --postfix ($N1) run $r: $(echo "$e - $s" | bc) s; $(wc -l < "$work/lint.jsonl") reports, $(grep -c '"wellFormed":false' "$work/lint.jsonl") poison"
done
s=$(date +%s.%N); while read -r id; do postcat -c "$work/etc" -bh -q "$id"; done < "$work/ids" > "$work/postcat.txt"; e=$(date +%s.%N)
echo "postcat -bh -q loop ($N1 ids): $(echo "$e - $s" | bc) s; $(grep -c '^Received: from' "$work/postcat.txt") messages"
if [ "$N2" -gt "$N1" ]; then
    echo "injecting $((N2 - N1)) more ..."
    inject "$N1" "$((N2 - N1))"
    settle "$N2"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    for r in $(seq 1 "$R"); do
        s=$(date +%s.%N); dotnet "$cli" mime lint --config-dir "$work/etc" --format json > "$work/lint.jsonl" || true; e=$(date +%s.%N)
        echo "outage mime lint --postfix ($N2) run $r: $(echo "$e - $s" | bc) s; $(wc -l < "$work/lint.jsonl") reports, $(grep -c '"wellFormed":false' "$work/lint.jsonl") poison"
    done
fi
