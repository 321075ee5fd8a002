#!/usr/bin/env bash
# Side by side on one live deferred Postfix queue: `outage queue shape` (postqueue -j + parse + matrix, end to
# end) against real `qshape`, same queue selection, same run. Starts a private Postfix on loopback
# (relayhost on a closed port, so everything defers), injects N messages over SMTP, waits until all are
# deferred, times both R times each, checks the TOTAL rows agree, stops Postfix and removes the folder.
# Usage (as root, Postfix installed: bash tests/peers/install.sh): tests/bench/queue-vs-qshape.sh [N] [R]
set -euo pipefail
N=${1:-100000}
R=${2:-3}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/outage-qbench-XXXXXX)
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
echo "injecting $N messages over SMTP to 127.0.0.1:$port ..."
python3 - "$port" "$N" <<'PY'
import smtplib, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
domains = ["contoso.test", "fabrikam.test", "northwind.test", "example.test", "adatum.test"]
s = None
for i in range(n):
    if i % 100 == 0:
        if s: s.quit()
        s = smtplib.SMTP("127.0.0.1", port)
    d = domains[i % 5]
    s.sendmail("sender@vm.test", [f"user{i}@{d}"], f"From: sender@vm.test\r\nTo: user{i}@{d}\r\nSubject: {i}\r\n\r\nbody\r\n")
s.quit()
PY
for i in $(seq 1 600); do
    c=$(postqueue -c "$work/etc" -j | grep -c '"queue_name": "deferred"' || true)
    [ "$c" -ge "$N" ] && break
    sleep 1
done
echo "deferred: $c"
dotnet build -c Release "$repo/src/Outage.Tools.Cli" -v q >/dev/null
cli="$repo/src/Outage.Tools.Cli/bin/Release/net10.0/outage.dll"
for r in $(seq 1 "$R"); do
    s=$(date +%s.%N); qshape -c "$work/etc" deferred > "$work/qshape.txt"; e=$(date +%s.%N)
    echo "qshape                run $r: $(echo "$e - $s" | bc) s"
    s=$(date +%s.%N); dotnet "$cli" queue shape --config-dir "$work/etc" --queue deferred > "$work/outage.txt"; e=$(date +%s.%N)
    echo "outage queue shape    run $r: $(echo "$e - $s" | bc) s"
done
echo "qshape TOTAL: $(awk '$1=="TOTAL"{print $2}' "$work/qshape.txt")   outage TOTAL: $(awk '$1=="TOTAL"{print $2}' "$work/outage.txt")"
