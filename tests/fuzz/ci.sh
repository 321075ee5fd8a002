#!/usr/bin/env bash
# Bounded coverage-guided fuzzing for CI (SharpFuzz + AFL++), then a replay of every committed crash input.
#
#   bash tests/fuzz/ci.sh                 # the regressions, then every target FUZZ_SECONDS (default 20) each
#   FUZZ_SECONDS=600 bash tests/fuzz/ci.sh mime dns   # longer, selected targets
#   FUZZ_SECONDS=0 bash tests/fuzz/ci.sh  # replay the regressions only
#   FUZZ_EXECS=1000000 FUZZ_SECONDS=7200 bash tests/fuzz/ci.sh dns  # stop at ~1M executions (afl-fuzz -E)
#
# Needs afl-fuzz (Debian afl++, tests/peers/apt-packages.txt) and the SharpFuzz instrumenter (a dotnet tool,
# installed into tests/.work/fuzz/tools on first use). Work files go to tests/.work/fuzz (ignored by git);
# the third-party seeds from ../shared/corpus/real-world are copied there at run time, never committed.
# Prints exactly one summary line at the end: "fuzz: N passed, N failed" (one check per target campaign and
# one per regression folder).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${FUZZ_WORK:-$root/tests/.work/fuzz}"
seconds="${FUZZ_SECONDS:-20}"
nice_level="${FUZZ_NICE:-15}"
passed=0
failed=0
log() { echo "fuzz: $*" >&2; }

mkdir -p "$work"
bin="$work/bin"
if ! dotnet build "$here/Outage.Tools.Fuzz.csproj" -c Release -o "$bin" -nologo -v q >"$work/build.log" 2>&1; then
  log "build failed (see $work/build.log)"
  echo "fuzz: 0 passed, 1 failed"
  exit 1
fi
driver=(dotnet "$bin/Outage.Tools.Fuzz.dll")
mapfile -t all_targets < <("${driver[@]}" targets)
if [ "$#" -gt 0 ]; then targets=("$@"); else targets=("${all_targets[@]}"); fi

# 1. Regressions: every crash input ever found, replayed on the uninstrumented build.
for t in "${targets[@]}"; do
  dir="$here/regressions/$t"
  [ -d "$dir" ] || continue
  if "${driver[@]}" replay "$t" "$dir" >"$work/replay-$t.log" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    log "regressions of $t:"; cat "$work/replay-$t.log" >&2
  fi
done

if [ "$seconds" -gt 0 ]; then
  if ! command -v afl-fuzz >/dev/null; then
    log "afl-fuzz is missing: apt-get install afl++ (tests/peers/apt-packages.txt)"
    failed=$((failed + 1))
  else
    sharpfuzz="$work/tools/sharpfuzz"
    if [ ! -x "$sharpfuzz" ]; then
      dotnet tool install --tool-path "$work/tools" SharpFuzz.CommandLine --version 2.3.0 >"$work/tool.log" 2>&1 ||
        { log "cannot install SharpFuzz.CommandLine (see $work/tool.log)"; }
    fi
    ibin="$work/instrumented"
    rm -rf "$ibin"; cp -r "$bin" "$ibin"
    if ! "$sharpfuzz" "$ibin/Outage.Tools.Core.dll" >"$work/instrument.log" 2>&1; then
      log "instrumentation failed (see $work/instrument.log)"
      failed=$((failed + 1))
    else
      for t in "${targets[@]}"; do
        seeds="$work/seeds/$t"
        bash "$here/seeds.sh" "$t" "$seeds" "${driver[@]}"
        out="$work/findings/$t"
        rm -rf "$out"; mkdir -p "$work/findings"
        # -V: stop after the given seconds; -t: per-input timeout (ms, a hang above it is a finding);
        # -m none: .NET reserves address space up front; AFL_SKIP_BIN_CHECK: dotnet itself is not instrumented.
        AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
        AFL_QUIET=1 \
          nice -n "$nice_level" afl-fuzz -V "$seconds" ${FUZZ_EXECS:+-E "$FUZZ_EXECS"} -t 5000 -m none -i "$seeds" -o "$out" -- \
          dotnet "$ibin/Outage.Tools.Fuzz.dll" fuzz "$t" >"$work/afl-$t.log" 2>&1
        stats="$out/default/fuzzer_stats"
        if [ ! -f "$stats" ]; then
          log "$t: afl-fuzz did not start (see $work/afl-$t.log)"; tail -5 "$work/afl-$t.log" >&2
          failed=$((failed + 1)); continue
        fi
        execs=$(awk -F: '/^execs_done/ {gsub(/ /,"",$2); print $2}' "$stats")
        paths=$(awk -F: '/^corpus_count/ {gsub(/ /,"",$2); print $2}' "$stats")
        crashes=$(find "$out/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
        hangs=$(find "$out/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
        log "$t: ${execs} executions, ${paths} paths, ${crashes} crashes, ${hangs} hangs in ${seconds}s"
        if [ "$crashes" -eq 0 ] && [ "$hangs" -eq 0 ]; then
          passed=$((passed + 1))
        else
          failed=$((failed + 1))
          for f in "$out"/default/crashes/id:* "$out"/default/hangs/id:*; do
            [ -f "$f" ] || continue
            "${driver[@]}" replay "$t" "$f" 2>&1 | head -3 >&2
          done
          log "$t: keep each input under tests/fuzz/regressions/$t/ with its fix (inputs in $out/default)"
        fi
      done
    fi
  fi
fi

echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
