#!/usr/bin/env bash
# Piped input against the folder form of Test-MimeMessage, in one pwsh session on the staged module:
#
#   Get-ChildItem $bulk -File | Test-MimeMessage      (pipeline: one ProcessRecord per file)
#   Test-MimeMessage $bulk                            (folder: one call, the folder expanded in Core)
#
#   tests/bench/mime-pipeline.sh [--files N] [--reps N] [--work DIR]
#
# The folder holds N files (default 4000) copied round-robin from the real-world .eml messages under 8 KiB of the shared
# corpus (../shared/corpus/real-world) into --work (default tests/.work/mime-pipeline, gitignored). Each form
# runs once to warm up, then --reps times (default 5); the median wall time of each is printed with the ratio
# pipeline / folder, and the number of progress records the pipeline form wrote (one activity is the goal).
# Needs the staged module (dotnet build src/Outage.Tools -c Release && tools/stage-module.sh Release) and pwsh.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
shared="${OUTAGE_SHARED:-$here/../shared}"
[ -d "$shared/corpus/real-world" ] || shared=/work/shared
files=4000
reps=5
work="$here/tests/.work/mime-pipeline"
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) echo "usage: $0 [--files N] [--reps N] [--work DIR]" >&2; exit 2 ;;
  esac
done
pwsh="${PWSH:-$(command -v pwsh || echo "$HOME/.dotnet/tools/pwsh")}"
[ -x "$pwsh" ] || { echo "mime-pipeline: pwsh not found (set PWSH)" >&2; exit 2; }
module="${OUTAGE_TOOLS_MODULE:-$here/out/Outage.Tools/Outage.Tools.psd1}"
[ -f "$module" ] || { echo "mime-pipeline: $module not found; run tools/stage-module.sh Release" >&2; exit 2; }
bulk="$work/bulk-$files"
if [ ! -d "$bulk" ] || [ "$(find "$bulk" -type f | wc -l)" -ne "$files" ]; then
  rm -rf "$bulk"
  mkdir -p "$bulk"
  mapfile -t sources < <(find "$shared/corpus/real-world" -type f -name "*.eml" -size -8k | sort)
  [ "${#sources[@]}" -gt 0 ] || { echo "mime-pipeline: no .eml files under $shared/corpus/real-world" >&2; exit 2; }
  for ((i = 0; i < files; i++)); do
    cp "${sources[$((i % ${#sources[@]}))]}" "$(printf '%s/m%05d.eml' "$bulk" "$i")"
  done
fi
echo "mime-pipeline: $files files ($(du -sh "$bulk" | cut -f1)) in $bulk, $(nproc) cores, $reps reps"
"$pwsh" -NoProfile -NonInteractive -Command "
  \$ErrorActionPreference = 'Stop'
  Import-Module '$module'
  \$bulk = '$bulk'
  function Measure-Median([scriptblock] \$run) {
    \$null = & \$run
    \$t = foreach (\$i in 1..$reps) { (Measure-Command { \$null = & \$run }).TotalSeconds }
    (\$t | Sort-Object)[[int][math]::Floor(\$t.Count / 2)]
  }
  \$folder = Measure-Median { Test-MimeMessage \$bulk }
  \$piped = Measure-Median { Get-ChildItem \$bulk -File | Test-MimeMessage }
  \$gci = Measure-Median { Get-ChildItem \$bulk -File }
  \$n = @(Get-ChildItem \$bulk -File | Test-MimeMessage).Count
  # Progress records the piped form writes: captured through a runspace's progress stream.
  \$ps = [powershell]::Create()
  \$null = \$ps.AddScript(\"Import-Module '$module'; Get-ChildItem '\$bulk' -File | Test-MimeMessage | Out-Null\")
  \$null = \$ps.Invoke()
  \$records = \$ps.Streams.Progress
  \$activities = @(\$records | Where-Object RecordType -eq 'Completed').Count
  \$ps.Dispose()
  '{0,-44} {1,8:N3} s' -f 'Test-MimeMessage bulk (folder)', \$folder
  '{0,-44} {1,8:N3} s' -f 'Get-ChildItem bulk -File | Test-MimeMessage', \$piped
  '{0,-44} {1,8:N3} s' -f 'Get-ChildItem bulk -File (alone)', \$gci
  '{0,-44} {1,8:N2} x' -f 'piped / folder', (\$piped / \$folder)
  '{0,-44} {1,8}' -f 'reports (piped)', \$n
  '{0,-44} {1,8} ({2} records)' -f 'progress activities completed (piped)', \$activities, \$records.Count
"
