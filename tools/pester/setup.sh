#!/usr/bin/env bash
# Makes sure PowerShell 7.6.9 (the PowerShell .NET global tool) and Pester 5.7.1 are here, installing what is
# missing, and prints two lines for the caller to eval:
#   PWSH=<path of pwsh>
#   PESTER=<path of Pester.psd1>
# pwsh: $OUTAGE_PWSH if set, else pwsh on PATH, else ~/.dotnet/tools/pwsh, else
#   dotnet tool install --global PowerShell --version 7.6.9 (the user's tools folder).
# Pester: restored from NuGet by tools/pester/Pester.Download.csproj into tests/.work/packages.
# Exits 1 with a message naming what failed and what to do.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
pwsh_version=7.6.9
pester_version=5.7.1

pwsh=${OUTAGE_PWSH:-}
[ -n "$pwsh" ] || pwsh=$(command -v pwsh 2>/dev/null || true)
[ -n "$pwsh" ] || { [ -x "$HOME/.dotnet/tools/pwsh" ] && pwsh="$HOME/.dotnet/tools/pwsh"; }
if [ -z "$pwsh" ]; then
    echo "setup: installing PowerShell $pwsh_version (dotnet tool install --global PowerShell)" >&2
    if ! dotnet tool install --global PowerShell --version "$pwsh_version" >&2; then
        echo "setup: could not install PowerShell $pwsh_version as a .NET global tool; install it by hand" \
             "(dotnet tool install --global PowerShell --version $pwsh_version) or set OUTAGE_PWSH to a pwsh 7 binary." >&2
        exit 1
    fi
    pwsh="$HOME/.dotnet/tools/pwsh"
fi
if ! "$pwsh" -NoProfile -NonInteractive -Command 'if ($PSVersionTable.PSVersion.Major -lt 7) { exit 1 }' >/dev/null 2>&1; then
    echo "setup: $pwsh does not run as PowerShell 7; set OUTAGE_PWSH to a working pwsh 7 binary." >&2
    exit 1
fi

packages="$repo/tests/.work/packages"
pester="$packages/pester/$pester_version/tools/Pester.psd1"
if [ ! -f "$pester" ]; then
    echo "setup: restoring Pester $pester_version from NuGet into $packages" >&2
    if ! dotnet restore "$repo/tools/pester/Pester.Download.csproj" --packages "$packages" -nologo -v:q >&2 || [ ! -f "$pester" ]; then
        echo "setup: could not restore the Pester $pester_version package from NuGet (see above); check the NuGet source." >&2
        exit 1
    fi
fi
echo "PWSH=$pwsh"
echo "PESTER=$pester"
