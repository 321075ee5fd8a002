#!/usr/bin/env bash
# Rendering cost of the escaped default views (issue 14): 20,000 postqueue -j messages as the default table and
# 5,000 as Format-List, with the views of a given commit (default 232f581, before the escaping) and with the staged
# module's views. Needs a staged module (bash tools/stage-module.sh Release) and pwsh.
#   bash tests/bench/views-escape.sh [BEFORE_COMMIT]
set -eu
cd "$(dirname "$0")/../.."
before="${1:-232f581}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
pwsh="${PWSH:-$HOME/.dotnet/tools/pwsh}"
python3 - "$work/q.jsonl" <<'PY'
import json, sys
lines = [l for l in open('tests/fixtures/queue/postqueue-j.jsonl') if l.strip()]
with open(sys.argv[1], 'w') as out:
    for n in range(20000):
        o = json.loads(lines[n % len(lines)]); o['queue_id'] = '%011X' % n; out.write(json.dumps(o) + '\n')
PY
cp -r out/Outage.Tools "$work/before"
git show "$before:module/Outage.Tools.format.ps1xml" > "$work/before/Outage.Tools.format.ps1xml"
cat > "$work/bench.ps1" <<'PS'
param($mod, $file)
Import-Module $mod
$m = @(Get-MailQueueMessage -Path $file)
$null = $m | Select-Object -First 100 | Out-String -Width 120
$t = foreach ($i in 1..3) { (Measure-Command { $null = $m | Out-String -Width 120 }).TotalSeconds }
"table of {0} messages: {1} s" -f $m.Count, (($t | ForEach-Object { $_.ToString('0.00') }) -join ' / ')
$t = foreach ($i in 1..3) { (Measure-Command { $null = $m | Select-Object -First 5000 | Format-List | Out-String -Width 120 }).TotalSeconds }
"Format-List of 5000 messages: {0} s" -f (($t | ForEach-Object { $_.ToString('0.00') }) -join ' / ')
PS
echo "== views of $before"; "$pwsh" -NoProfile -NonInteractive -File "$work/bench.ps1" "$work/before/Outage.Tools.psd1" "$work/q.jsonl"
echo "== views of the staged module"; "$pwsh" -NoProfile -NonInteractive -File "$work/bench.ps1" "$PWD/out/Outage.Tools/Outage.Tools.psd1" "$work/q.jsonl"
