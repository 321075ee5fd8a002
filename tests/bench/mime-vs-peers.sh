#!/usr/bin/env bash
# Whole-process comparison of `outage mime lint` with the peers of ../shared/bench/mime (Python email
# policy.default and compat32, Node mailparser), on the corpus that gen_corpus.py writes, in one run.
#
#   tests/bench/mime-vs-peers.sh [--sets small,large,huge] [--work DIR] [--reps N]
#                                [--peers python-default,python-compat32,node-mailparser]
#
# The corpus and a scratch copy of the peer bench (with node_modules) go to --work (default tests/.work/mime,
# which is gitignored); nothing is written to the repository or to ../shared. `outage` is published as it
# ships for one platform: ReadyToRun code for this machine's runtime identifier (dotnet publish -r linux-x64
# -p:PublishReadyToRun=true). Each run is pinned to one CPU (taskset -c 0) so figures are single-thread;
# `outage` additionally runs with every core (default --throttle-limit). Each tool runs --reps times (default
# 1); the run with the median wall time is printed: wall seconds, CPU seconds (user + sys), MB/s of wall time,
# peak RSS, and the ratio tool time / outage (1 thread) time.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
shared="${OUTAGE_SHARED:-$here/../shared}"
[ -d "$shared/bench/mime" ] || shared=/work/shared
bench="$shared/bench/mime"
[ -f "$bench/gen_corpus.py" ] || { echo "mime-vs-peers: $bench/gen_corpus.py not found (the ../shared checkout beside the repository)" >&2; exit 2; }
sets=small,huge
work="$here/tests/.work/mime"
peers=python-default,python-compat32,node-mailparser
reps=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sets) sets="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --peers) peers="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    *) echo "usage: $0 [--sets small,large,huge] [--work DIR] [--reps N] [--peers LIST]" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
corpus="$work/corpus"
for s in ${sets//,/ }; do
  [ -d "$corpus/$s" ] || python3 "$bench/gen_corpus.py" --out "$corpus" --sets "$s" --no-hash --jobs 1 >&2
done

# Published as it ships for one platform: ReadyToRun (precompiled) code halves the start-up (docs/performance.md).
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64|arm64) rid=linux-arm64 ;;
  *) rid="" ;;
esac
if [ -n "$rid" ]; then
  dotnet publish "$here/src/Outage.Tools.Cli" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$work/outage" >/dev/null
else
  dotnet publish "$here/src/Outage.Tools.Cli" -c Release -o "$work/outage" >/dev/null
fi
outage="$work/outage/outage"

if [[ ",$peers," == *",node-"* ]] && [ ! -d "$work/peers/node_modules" ]; then
  mkdir -p "$work/peers"
  cp -r "$bench/bench" "$bench/package.json" "$work/peers/"
  if ! (cd "$work/peers" && npm install --ignore-scripts --no-audit --no-fund >/dev/null); then
    echo "mime-vs-peers: npm install of the Node peers failed; running without them" >&2
    rm -rf "$work/peers/node_modules"
    peers="$(echo "$peers" | tr ',' '\n' | grep -v '^node-' | paste -sd, -)"
  fi
fi
[ -d "$work/peers/bench" ] || { mkdir -p "$work/peers"; cp -r "$bench/bench" "$work/peers/"; }

# run CMD... -> prints "wall_s cpu_s rss_mib" of one run
run() {
  local t; t="$(mktemp)"
  /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" >/dev/null 2>&1 || true
  awk 'END {printf "%s %.2f %.1f\n", $1, $2 + $3, $4 / 1024}' "$t"
  rm -f "$t"
}

# measure CMD... -> the run of median wall time out of $reps
measure() {
  local k
  for ((k = 0; k < reps; k++)); do run "$@"; done | sort -n | awk '{a[NR] = $0} END {print a[int((NR + 1) / 2)]}'
}

row() { # SET TOOL WALL CPU RSS MB RATIO
  printf '%-8s %-22s %8.3f %8.2f %9.1f %10s %12s\n' "$1" "$2" "$3" "$4" "$(awk -v m="$6" -v w="$3" 'BEGIN{print m/w}')" "$5" "$7"
}

printf '%-8s %-22s %8s %8s %9s %10s %12s\n' set tool wall_s cpu_s MB/s peak_MiB "ratio(vs us)"
for s in ${sets//,/ }; do
  dir="$corpus/$s"
  find "$dir" -type f -exec cat {} + >/dev/null   # warm the page cache
  mb="$(du -sb "$dir" | awk '{print $1/1e6}')"
  read -r ours ours_cpu ours_rss < <(measure taskset -c 0 "$outage" mime lint --recurse --throttle-limit 1 --format json "$dir")
  row "$s" "outage (1 thread)" "$ours" "$ours_cpu" "$ours_rss" "$mb" 1.0
  read -r all all_cpu all_rss < <(measure "$outage" mime lint --recurse --format json "$dir")
  row "$s" "outage (all cores)" "$all" "$all_cpu" "$all_rss" "$mb" "$(awk -v a="$all" -v o="$ours" 'BEGIN{printf "%.2f", a/o}')"
  for p in ${peers//,/ }; do
    case "$p" in
      python-default) cmd=(python3 "$work/peers/bench/bench_py.py" default "$dir") ;;
      python-compat32) cmd=(python3 "$work/peers/bench/bench_py.py" compat32 "$dir") ;;
      node-mailparser) [ -d "$work/peers/node_modules" ] || continue; cmd=(node "$work/peers/bench/bench_node.mjs" mailparser "$dir") ;;
      node-postal-mime) [ -d "$work/peers/node_modules" ] || continue; cmd=(node "$work/peers/bench/bench_node.mjs" postal-mime "$dir") ;;
      none) continue ;;
      *) echo "unknown peer $p" >&2; continue ;;
    esac
    read -r w c r < <(measure taskset -c 0 "${cmd[@]}")
    row "$s" "$p" "$w" "$c" "$r" "$mb" "$(awk -v a="$w" -v o="$ours" 'BEGIN{printf "%.1f", a/o}')"
  done
done
