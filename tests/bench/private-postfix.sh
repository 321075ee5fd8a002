# Sourced by the queue benchmarks (queue-vs-qshape.sh, queue-content-vs-postcat.sh): a private Postfix instance
# on a free loopback port in a fresh folder, whose relayhost is a closed port, so every message stays queued.
#   pf_start [EXTRA_MAIN_CF_LINES]   sets $work (the folder) and $port (its SMTP port), starts it, removes it on exit
#   pf_inject FIRST N [SESSIONS]     N messages over SMTP (user$i@one of five domains; one in ten poison when
#                                    PF_POISON=1), in SESSIONS parallel SMTP clients of 100 messages a connection
#   pf_settle N                      waits (bounded: 20 min) until N messages are deferred
#   pf_ids FILE                      the queue ids, one a line
# Runs only on loopback; needs root and Postfix (bash tests/peers/install.sh).

pf_start() {
    work=$(mktemp -d /tmp/outage-pfbench-XXXXXX)
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
${1:-}
CF
    awk -v p="127.0.0.1:$port" '/^[^#[:space:]]/ && NF>=8 { if ($1=="smtp" && $2=="inet") $1=p; $5="n" } {print}' /etc/postfix/master.cf.proto > "$work/etc/master.cf"
    chown postfix "$work/data"
    postfix -c "$work/etc" check
    postfix -c "$work/etc" start
    trap 'postfix -c "$work/etc" stop >/dev/null 2>&1 || true; sleep 2; rm -rf "$work"' EXIT
    for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.2; done
}

pf_inject() {
    local first=$1 n=$2 sessions=${3:-1} s per pids=()
    per=$(( (n + sessions - 1) / sessions ))
    for s in $(seq 0 $((sessions - 1))); do
        local a=$((first + s * per)) c=$per
        [ $((a + c)) -gt $((first + n)) ] && c=$((first + n - a))
        [ "$c" -le 0 ] && continue
        python3 - "$port" "$a" "$c" "${PF_POISON:-0}" <<'PY' &
import smtplib, sys
port, first, n, poison = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
domains = ["contoso.test", "fabrikam.test", "northwind.test", "example.test", "adatum.test"]
s = None
for i in range(first, first + n):
    if (i - first) % 100 == 0:
        if s: s.quit()
        s = smtplib.SMTP("127.0.0.1", port)
    d = domains[i % 5]
    if poison and i % 10 == 3:
        body = f"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\nContent-Type: text/plain\r\n\r\nno end\r\n"
    elif poison:
        body = "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + ("line of body text\r\n" * 20)
    else:
        body = "\r\nbody\r\n"
    s.sendmail("sender@vm.test", [f"user{i}@{d}"], f"From: sender@vm.test\r\nTo: user{i}@{d}\r\nSubject: {i}\r\nMessage-ID: <{i}@vm.test>\r\nDate: Sat, 21 Nov 2026 00:00:00 +0000\r\n{body}")
if s: s.quit()
PY
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
}

pf_settle() {
    local c=0
    for _ in $(seq 1 1200); do
        c=$(postqueue -c "$work/etc" -j | grep -c '"queue_name": "deferred"' || true)
        [ "$c" -ge "$1" ] && break
        sleep 1
    done
    echo "deferred: $c"
}

pf_ids() {
    postqueue -c "$work/etc" -j | python3 -c 'import sys,json; [print(json.loads(l)["queue_id"]) for l in sys.stdin]' > "$1"
}
