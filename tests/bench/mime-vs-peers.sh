#!/usr/bin/env bash
# Whole-process comparison of `outage mime lint` with the peers of ../shared/bench/mime (Python email
# policy.default and compat32, Node mailparser), on the corpus that gen_corpus.py writes, in one run.
#
#   tests/bench/mime-vs-peers.sh [--sets small,large,huge] [--work DIR] [--peers python-default,python-compat32,node-mailparser]
#
# The corpus and a scratch copy of the peer bench (with node_modules) go to --work (default tests/.work/mime,
# which is gitignored); nothing is written to the repository or to ../shared. Each run is pinned to one CPU
# (taskset -c 0) so figures are single-thread; `outage` additionally runs with every core (--throttle-limit).
# Prints wall seconds, MB/s and peak RSS per tool and the ratio peer/outage.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
shared="${OUTAGE_SHARED:-$here/../shared}"
[ -d "$shared/bench/mime" ] || shared=/work/shared
bench="$shared/bench/mime"
[ -f "$bench/gen_corpus.py" ] || { echo "mime-vs-peers: $bench/gen_corpus.py not found (the ../shared checkout beside the repository)" >&2; exit 2; }
sets=small,huge
work="$here/tests/.work/mime"
peers=python-default,python-compat32,node-mailparser
while [ $# -gt 0 ]; do
  case "$1" in
    --sets) sets="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --peers) peers="$2"; shift 2 ;;
    *) echo "usage: $0 [--sets small,large,huge] [--work DIR] [--peers LIST]" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
corpus="$work/corpus"
for s in ${sets//,/ }; do
  [ -d "$corpus/$s" ] || python3 "$bench/gen_corpus.py" --out "$corpus" --sets "$s" --no-hash --jobs 1 >&2
done

dotnet publish "$here/src/Outage.Tools.Cli" -c Release -o "$work/outage" >/dev/null
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

# run LABEL CMD... -> prints "LABEL wall_s rss_mib"
run() {
  local label="$1"; shift
  local t; t="$(mktemp)"
  /usr/bin/time -v -o "$t" "$@" >/dev/null 2>&1 || true
  local wall rss
  wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$t")"
  rss="$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$t")"
  rm -f "$t"
  echo "$label $wall $rss"
}

printf '%-8s %-22s %10s %10s %12s %12s\n' set tool wall_s MB/s peak_MiB "ratio(vs us)"
for s in ${sets//,/ }; do
  dir="$corpus/$s"
  find "$dir" -type f -exec cat {} + >/dev/null   # warm the page cache
  mb="$(du -sb "$dir" | awk '{print $1/1e6}')"
  read -r _ ours ours_rss < <(run outage taskset -c 0 "$outage" mime lint --recurse --throttle-limit 1 --format json "$dir")
  printf '%-8s %-22s %10.3f %10.1f %12s %12s\n' "$s" "outage (1 thread)" "$ours" "$(awk -v m="$mb" -v w="$ours" 'BEGIN{print m/w}')" "$ours_rss" 1.0
  read -r _ all all_rss < <(run outage-all "$outage" mime lint --recurse --format json "$dir")
  printf '%-8s %-22s %10.3f %10.1f %12s %12s\n' "$s" "outage (all cores)" "$all" "$(awk -v m="$mb" -v w="$all" 'BEGIN{print m/w}')" "$all_rss" "$(awk -v a="$all" -v o="$ours" 'BEGIN{printf "%.2f", a/o}')"
  for p in ${peers//,/ }; do
    case "$p" in
      python-default) cmd=(python3 "$work/peers/bench/bench_py.py" default "$dir") ;;
      python-compat32) cmd=(python3 "$work/peers/bench/bench_py.py" compat32 "$dir") ;;
      node-mailparser) [ -d "$work/peers/node_modules" ] || continue; cmd=(node "$work/peers/bench/bench_node.mjs" mailparser "$dir") ;;
      node-postal-mime) [ -d "$work/peers/node_modules" ] || continue; cmd=(node "$work/peers/bench/bench_node.mjs" postal-mime "$dir") ;;
      *) echo "unknown peer $p" >&2; continue ;;
    esac
    read -r _ w r < <(run "$p" taskset -c 0 "${cmd[@]}")
    printf '%-8s %-22s %10.3f %10.1f %12s %12s\n' "$s" "$p" "$w" "$(awk -v m="$mb" -v w="$w" 'BEGIN{print m/w}')" "$r" "$(awk -v a="$w" -v o="$ours" 'BEGIN{printf "%.1f", a/o}')"
  done
done
