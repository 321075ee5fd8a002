#!/usr/bin/env bash
# The test command: installs the real peers the suites need (as root on Debian), builds, runs every suite
# (xunit: Core with real servers, module contract, CLI end to end), parses every PowerShell file with a real
# PowerShell grammar, stages the module, installs pwsh 7.6.9 and Pester 5.7.1 when missing and runs every
# Pester file in real PowerShell, and prints one closing line "N passed, N failed, N skipped" (Pester counted).
# Exits non-zero on any failure.
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

# 6. Pester in real PowerShell: pwsh 7.6.9 and Pester 5.7.1 are installed when missing (tools/pester/setup.sh);
#    a failed install is a failure, never a skip. Every file in tests/pester runs against the staged module.
step "Pester (tests/pester) in real PowerShell"
if setup=$(bash tools/pester/setup.sh); then
    eval "$setup"
    echo "pwsh: $PWSH ($("$PWSH" -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()')), Pester: $PESTER"
    OUTAGE_TOOLS_MODULE="$repo/out/Outage.Tools/Outage.Tools.psd1" "$PWSH" -NoProfile -NonInteractive -Command "
        \$ErrorActionPreference = 'Stop'
        Import-Module '$PESTER'
        \$c = New-PesterConfiguration
        \$c.Run.Path = '$repo/tests/pester'; \$c.Run.PassThru = \$true
        \$c.Output.Verbosity = 'Detailed'; \$c.Output.RenderMode = 'Plaintext'
        \$c.TestResult.Enabled = \$true; \$c.TestResult.OutputPath = '$results/pester.xml'
        \$r = Invoke-Pester -Configuration \$c
        # A file that fails before its tests run (discovery, BeforeAll) counts as one failure.
        \$broken = @(\$r.Containers | Where-Object { \$_.Result -eq 'Failed' -and \$_.FailedCount -eq 0 }).Count
        \"pester: \$(\$r.PassedCount) passed, \$(\$r.FailedCount + \$broken) failed, \$(\$r.SkippedCount + \$r.NotRunCount) skipped\"" 2>&1 | tee "$results/pester.txt"
    line=$(grep -E '^pester: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$results/pester.txt" | tail -1)
    if [ -z "$line" ]; then
        fail_step "Pester did not report (see above)"
    else
        read -r p f s < <(echo "$line" | sed -E 's/^pester: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/')
        passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
        echo "Pester: $p passed, $f failed, $s skipped"
    fi
else
    fail_step "PowerShell or Pester could not be installed (tools/pester/setup.sh, see above)"
fi

# 7. A bounded fuzzing campaign per target and the replay of every crash input ever found (tests/fuzz/ci.sh,
#    which closes with "fuzz: N passed, N failed").
if [ -f tests/fuzz/ci.sh ]; then
    step "fuzzing: bounded campaign and regression inputs (tests/fuzz/ci.sh)"
    bash tests/fuzz/ci.sh 2>&1 | tee "$results/fuzz.txt"
    line=$(grep -E '^fuzz: [0-9]+ passed, [0-9]+ failed$' "$results/fuzz.txt" | tail -1)
    if [ -z "$line" ]; then
        fail_step "tests/fuzz/ci.sh did not report (see above)"
    else
        read -r p f < <(echo "$line" | sed -E 's/^fuzz: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/')
        passed=$((passed + p)); failed=$((failed + f))
    fi
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
