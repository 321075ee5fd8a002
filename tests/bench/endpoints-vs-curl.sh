#!/usr/bin/env bash
# Side by side: `outage probe owa` vs curl against a local Kestrel HTTPS "OWA" (tests/Outage.Tools.TestServer).
#   1. one probe: our per-hop phase timings vs curl -w (connect / appconnect / starttransfer / total), medians of N;
#   2. 1,000 HTTPS probes with throttle 64: wall time and peak RSS of one `outage` process vs 1,000 curls (xargs -P 64).
# Only 127.0.0.1 is contacted. Usage: bash tests/bench/endpoints-vs-curl.sh [COUNT=1000] [SINGLE=20]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
count=${1:-1000}
single=${2:-20}
work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release -v q "$root/tests/Outage.Tools.TestServer" >/dev/null
dotnet build -c Release -v q "$root/src/Outage.Tools.Cli" >/dev/null
server="$root/tests/Outage.Tools.TestServer/bin/Release/net10.0/Outage.Tools.TestServer.dll"
cli="$root/src/Outage.Tools.Cli/bin/Release/net10.0/outage.dll"

mkfifo "$work/in"
dotnet "$server" "$work/ca.pem" < "$work/in" > "$work/server.out" &
server_pid=$!
exec 3> "$work/in"   # keeps the server's stdin open until this script exits
for _ in $(seq 1 100); do
    [ -s "$work/server.out" ] && break
    sleep 0.1
done
base=$(head -n1 "$work/server.out")
[ -n "$base" ] || { echo "test server did not start" >&2; exit 1; }
url="$base/owa/auth/logon.aspx"
echo "server: $base"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Warm both sides once.
curl -s -o /dev/null --cacert "$work/ca.pem" "$url"
dotnet "$cli" probe owa "$url" --trusted-root "$work/ca.pem" --format json > /dev/null || true

echo "== single probe, medians of $single (ms; curl cumulative, ours per phase then cumulative) =="
for _ in $(seq 1 "$single"); do
    curl -s -o /dev/null --cacert "$work/ca.pem" -w '%{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}\n' "$url"
done > "$work/curl.txt"
for i in 1 2 3 4; do
    printf 'curl %-13s %s\n' "$(echo connect appconnect starttransfer total | cut -d' ' -f$i)" \
        "$(awk -v c=$i '{print $c*1000}' "$work/curl.txt" | median)"
done
urls=()
for _ in $(seq 1 "$single"); do urls+=("$url"); done
dotnet "$cli" probe owa "${urls[@]}" --throttle-limit 1 --trusted-root "$work/ca.pem" --format json > "$work/ours.json"
python3 - "$work/ours.json" <<'PY'
import json, statistics, sys
rows = [json.loads(l)["timings"] for l in open(sys.argv[1]) if l.strip()]
m = lambda k: statistics.median(r[k] or 0 for r in rows)
c, t, f, tot = m("connectMs"), m("tlsHandshakeMs"), m("firstByteMs"), m("totalMs")
print(f"ours connect        {c:.3f}")
print(f"ours +tls           {c+t:.3f}   (tls {t:.3f})")
print(f"ours +firstbyte     {c+t+f:.3f}   (firstbyte {f:.3f})")
print(f"ours total          {tot:.3f}")
PY

echo "== $count probes, throttle 64 =="
big=()
for _ in $(seq 1 "$count"); do big+=("$url"); done
/usr/bin/time -f 'outage: wall %e s, max RSS %M KB' dotnet "$cli" probe owa "${big[@]}" --throttle-limit 64 \
    --trusted-root "$work/ca.pem" --format json > "$work/big.json" || true
echo "outage: $(grep -c '"status":"Pass"' "$work/big.json") of $count Pass"
start=$(date +%s.%N)
seq 1 "$count" | xargs -P 64 -I{} curl -s -o /dev/null --cacert "$work/ca.pem" -w '%{http_code}\n' "$url" > "$work/curl-big.txt"
end=$(date +%s.%N)
echo "curl x$count (xargs -P 64): wall $(echo "$end - $start" | bc) s, $(grep -c '^200$' "$work/curl-big.txt") of $count 200"
