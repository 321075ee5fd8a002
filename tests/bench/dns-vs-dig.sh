#!/usr/bin/env bash
# Side-by-side DNS throughput against a local BIND 9, in one run: `outage dns resolve --input` (bulk, our client)
# vs `dig -f` vs dnsperf, for the same N questions. Prints queries/s and the peak memory of each.
#   tests/bench/dns-vs-dig.sh [N=20000] [THROTTLE=256] [ROUNDS=3]
# Each round runs the three clients in turn; the last lines give each one's median over the rounds and the ratios.
# Needs: named, dig, dnsperf (tests/peers/install.sh); publishes src/Outage.Tools.Cli into a scratch folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
n=${1:-20000}
throttle=${2:-256}
rounds=${3:-3}
work=$(mktemp -d)
trap 'kill "$named_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

for tool in named dig dnsperf; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "$tool missing: run tests/peers/install.sh" >&2; exit 2; }
done
named=$(command -v named || echo /usr/sbin/named)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/named.conf" <<CONF
options {
    directory "$work"; pid-file "$work/named.pid"; session-keyfile "$work/session.key";
    listen-on port $port { 127.0.0.1; }; listen-on-v6 { none; };
    recursion no; dnssec-validation no; notify no; max-udp-size 1232; edns-udp-size 1232;
};
controls { };
zone "example.test" { type primary; file "$repo/tests/fixtures/dns/example.test.zone"; };
zone "mail.test" { type primary; file "$repo/tests/fixtures/dns/mail.test.zone"; };
CONF
"$named" -g -4 -c "$work/named.conf" 2> "$work/named.log" &
named_pid=$!
for _ in $(seq 100); do grep -q 'running$' "$work/named.log" 2>/dev/null && break; sleep 0.1; done
grep -q 'running$' "$work/named.log" || { cat "$work/named.log"; exit 2; }

names=(example.test mail.example.test mx2.example.test ns1.example.test www.example.test many.example.test)
types=(A AAAA MX TXT A A)
: > "$work/q.txt"
for ((i = 0; i < n; i++)); do echo "${names[i % 6]} ${types[i % 6]}"; done > "$work/q.txt"

# The CLI as it is shipped: published ReadyToRun (precompiled, so start-up does not JIT; docs/performance.md).
dotnet publish "$repo/src/Outage.Tools.Cli" -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true \
    -o "$work/outage" -nologo -v:q >/dev/null
cli="$work/outage/outage"

measure() { # label, command... ; prints a line and appends the rate to $work/rate.<first word of label>
    local label=$1; shift
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f '%M' -o "$work/mem" "$@" > "$work/out" 2> "$work/err" || true
    end=$(date +%s.%N)
    local secs qps
    secs=$(echo "$end - $start" | bc -l)
    qps=$(echo "$n / $secs" | bc -l)
    printf '%-34s %6d questions %8.2f s %9.0f q/s  peak RSS %6d KiB  (%s output lines)\n' "$label" "$n" "$secs" "$qps" "$(tail -1 "$work/mem")" "$(wc -l < "$work/out")"
    printf '%.0f\n' "$qps" >> "$work/rate.${label%% *}"
}
median() { sort -n "$1" | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

echo "BIND 9 on 127.0.0.1:$port, $n questions ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)), $rounds rounds"
for ((r = 1; r <= rounds; r++)); do
    echo "round $r"
    measure "outage dns resolve --input (json)" $cli dns resolve --input "$work/q.txt" --server "127.0.0.1:$port" --throttle-limit "$throttle" --format json
    measure "dig -f (+noall +answer)" dig @127.0.0.1 -p "$port" -f "$work/q.txt" +noall +answer
    dnsperf -s 127.0.0.1 -p "$port" -d "$work/q.txt" -n 1 > "$work/dnsperf.out" 2>&1 || true
    qps=$(awk '/Queries per second/ {printf "%.0f", $4}' "$work/dnsperf.out")
    printf '%-34s %6d questions %11s %9s q/s\n' "dnsperf -n 1" "$n" "" "$qps"
    echo "$qps" >> "$work/rate.dnsperf"
done
ours=$(median "$work/rate.outage"); dig=$(median "$work/rate.dig"); perf=$(median "$work/rate.dnsperf")
echo "median over $rounds rounds: outage $ours q/s, dig $dig q/s, dnsperf $perf q/s"
echo "outage / dig = $(echo "scale=2; $ours / $dig" | bc -l)x (target >= 3), outage / dnsperf = $(echo "scale=2; $ours / $perf" | bc -l) (target >= 0.5), target >= 25000 q/s"

# Test-MailDomain over 1,000 domains (the fixture's six mail domains, cycled; each domain is checked in full).
domains=()
mail=(good.mail.test bad.mail.test over.mail.test voids.mail.test nullmx.mail.test redirect.mail.test)
for ((i = 0; i < 1000; i++)); do domains+=("${mail[i % 6]}"); done
start=$(date +%s.%N)
$cli dns mail "${domains[@]}" --server "127.0.0.1:$port" --dkim-selector sel1 --throttle-limit 64 --format json > "$work/mail.out" 2>&1 || true
end=$(date +%s.%N)
printf '%-34s %6d domains   %8.2f s  (%s check results)\n' "outage dns mail" 1000 "$(echo "$end - $start" | bc -l)" "$(wc -l < "$work/mail.out")"
