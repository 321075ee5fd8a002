#!/usr/bin/env bash
# The test command: installs the real peers the suites need (as root on Debian), builds, runs every suite
# (xunit: Core with real servers, module contract, CLI end to end), parses every PowerShell file with a real
# PowerShell grammar, stages the module, runs Pester where pwsh and Pester 5 exist, and prints one closing
# line "N passed, N failed, N skipped". Exits non-zero on any failure.
#
#   tests/run.sh                 everything
#   tests/run.sh --no-install    do not install peers (tests that need a missing peer fail with a hint)
#   tests/run.sh --filter EXPR   pass a dotnet test --filter expression (e.g. FullyQualifiedName~Mime)
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
install=1
filter=()
while (($#)); do
    case "$1" in
        --no-install) install=0 ;;
        --filter) filter=(--filter "$2"); shift ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

passed=0 failed=0 skipped=0
results="$repo/tests/.work/results"
rm -rf "$results"; mkdir -p "$results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

step() { printf '\n== %s\n' "$*"; }
fail_step() { echo "FAILED: $*"; failed=$((failed + 1)); }

# 1. Real peers.
if ((install)); then
    step "installing real peers (tests/peers/install.sh)"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        bash tests/peers/install.sh || fail_step "peer installation (see above)"
    else
        echo "not root or not Debian: peers are not installed; suites that need a missing peer fail with an install hint."
    fi
fi

# 2. Build.
step "building (Release)"
if ! command -v dotnet >/dev/null; then
    echo "dotnet is not installed: install the .NET 10 SDK." >&2
    echo "0 passed, 1 failed"
    exit 1
fi
if ! dotnet build Outage.Tools.sln -c Release -nologo -v:q -clp:ErrorsOnly; then
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
fi

# 3. xunit suites (each project on its own, so one crash does not hide the others).
for project in tests/*/*.Tests.csproj; do
    name=$(basename "$project" .csproj)
    step "xunit: $name"
    dotnet test "$project" -c Release --no-build -nologo "${filter[@]}" \
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$results" \
        2>&1 | grep -E '^\s*(Passed|Failed|Skipped) |\[FAIL\]|Error Message|^\s+(Assert|Expected|Actual|at Outage)|Total tests|Passed!|Failed!|error' | grep -v '^\s*Passed ' | head -400
    trx="$results/$name.trx"
    if [ ! -f "$trx" ]; then
        fail_step "$name produced no results (crashed?)"
        continue
    fi
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    get() { echo "$counters" | grep -o "$1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    p=$(get passed); f=$(get failed); t=$(get total); e=$(get executed)
    s=$((t - e))
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    echo "$name: $p passed, $f failed, $s skipped"
done

# 4. Every PowerShell file parses under a real PowerShell grammar (tree-sitter-powershell).
step "PowerShell grammar check (tree-sitter-powershell)"
if command -v node >/dev/null && command -v npm >/dev/null; then
    if (cd tests/psparse && { [ -d node_modules/web-tree-sitter ] || npm ci --no-audit --no-fund --ignore-scripts >/dev/null 2>&1 || npm install --no-audit --no-fund --ignore-scripts >/dev/null 2>&1; }); then
        out=$(node tests/psparse/parse.mjs); rc=$?
        echo "$out"
        p=$(echo "$out" | sed -n 's/^psparse: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
        f=$(echo "$out" | sed -n 's/^psparse: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
        passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
        [ $rc = 0 ] || [ "${f:-0}" != 0 ] || fail_step "psparse exited $rc"
    else
        fail_step "npm could not install tests/psparse (tree-sitter-powershell, web-tree-sitter)"
    fi
else
    fail_step "node/npm are not installed: apt-get install nodejs npm (needed for the PowerShell grammar check)"
fi

# 5. Stage the module from the allow-list (what build.ps1 ships).
step "staging out/Outage.Tools from tools/module-files.txt"
if bash tools/stage-module.sh Release; then passed=$((passed + 1)); else fail_step "module staging"; fi

# 6. Pester, where PowerShell exists.
step "Pester (tests/pester)"
pester_files=$(ls tests/pester/*.Tests.ps1 2>/dev/null | wc -l)
if command -v pwsh >/dev/null && pwsh -NoProfile -Command 'if (-not (Get-Module -ListAvailable Pester | Where-Object Version -ge 5.0.0)) { exit 1 }' >/dev/null 2>&1; then
    OUTAGE_TOOLS_MODULE="$repo/out/Outage.Tools/Outage.Tools.psd1" pwsh -NoProfile -NonInteractive -Command "
        \$c = New-PesterConfiguration; \$c.Run.Path = '$repo/tests/pester'; \$c.Run.PassThru = \$true; \$c.Output.Verbosity = 'Detailed'
        \$r = Invoke-Pester -Configuration \$c
        \"pester: \$(\$r.PassedCount) passed, \$(\$r.FailedCount) failed, \$(\$r.SkippedCount) skipped\"" | tee "$results/pester.txt"
    line=$(grep '^pester: ' "$results/pester.txt" | tail -1)
    p=$(echo "$line" | sed 's/^pester: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1/')
    f=$(echo "$line" | sed 's/^pester: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\2/')
    s=$(echo "$line" | sed 's/^pester: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\3/')
    if [ -z "$line" ]; then fail_step "Pester did not report"; else passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s)); fi
else
    echo "Pester NOT RUN: pwsh with Pester 5 is not installed on this machine, so the $pester_files Pester files were"
    echo "not executed (they are counted as skipped, never as passed). They were parsed above. Run them where"
    echo "PowerShell exists: ./build.ps1 -Test"
    skipped=$((skipped + pester_files))
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
