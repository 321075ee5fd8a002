#!/usr/bin/env bash
# Measure-MailLog's CLI (`outage log summary`) against pflogsumm 1.1.5 on the same generated Postfix log.
#   tests/bench/logs-vs-pflogsumm.sh [SIZE_MB=1024] [ROUNDS=1]
# Generates the log with tests/bench/gen-postfix-log.py into a scratch folder (never committed), checks that the
# grand totals agree, and prints wall time, user+sys CPU time and peak memory (RSS) of each, and the ratios.
# Needs: pflogsumm (tests/peers/apt-packages.txt), python3, /usr/bin/time; publishes src/Outage.Tools.Cli.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=$(pwd)
size=${1:-1024}
rounds=${2:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v pflogsumm >/dev/null || [ -x /usr/sbin/pflogsumm ] || { echo "pflogsumm missing: apt-get install pflogsumm" >&2; exit 2; }
rid=$(dotnet --info | awk '/RID:/ {print $2; exit}')
dotnet publish "$here/src/Outage.Tools.Cli" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$work/outage" >/dev/null
python3 "$here/tests/bench/gen-postfix-log.py" "$size" > "$work/mail.log"
echo "log: $(du -h "$work/mail.log" | cut -f1), $(wc -l < "$work/mail.log") lines; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
    /usr/bin/time -f "outage    %e s wall  %U s user  %S s sys  %M KB peak" "$work/outage/outage" log summary --year 2026 "$work/mail.log" > "$work/ours.txt" 2> "$work/ours.time" || true
    tail -1 "$work/ours.time"
    /usr/bin/time -f "pflogsumm %e s wall  %U s user  %S s sys  %M KB peak" pflogsumm "$work/mail.log" > "$work/theirs.txt" 2> "$work/theirs.time" || true
    tail -1 "$work/theirs.time"
    python3 - "$work" <<'PY'
import re, sys
w = sys.argv[1]
ours = open(f"{w}/ours.txt").read().split("\n")[2].split()
theirs = open(f"{w}/theirs.txt").read()
# pflogsumm prints counts above 512 k as "<n>k" (n = count / 1024, printf %d) and above 512 M as "<n>m".
def units(v): return f"{v // 1048576}m" if v > 512 * 1048576 else f"{v // 1024}k" if v > 512 * 1024 else str(v)
def t(label): return re.search(r"^\s*(\d+[km]?)\s+" + label, theirs, re.M).group(1)
same = [units(int(ours[1])) == t("received"), units(int(ours[2])) == t("delivered"),
        units(int(ours[3])) == re.search(r"\((\d+[km]?)\s+deferrals", theirs).group(1),
        units(int(ours[4])) == t("bounced"), units(int(ours[5])) == t("rejected")]
print("grand totals equal:", all(same), ours[1:6])
def times(f):
    m = re.search(r"([\d.]+) s wall\s+([\d.]+) s user\s+([\d.]+) s sys\s+(\d+) KB", open(f).read().strip().split("\n")[-1])
    return float(m.group(1)), float(m.group(2)) + float(m.group(3)), int(m.group(4))
o, p = times(f"{w}/ours.time"), times(f"{w}/theirs.time")
print(f"ratio pflogsumm/outage: wall {p[0]/o[0]:.1f}x, CPU {p[1]/o[1]:.1f}x; peak memory outage {o[2]//1024} MB, pflogsumm {p[2]//1024} MB")
PY
done
