#!/usr/bin/env bash
# Stages out/Outage.Tools/ from tools/module-files.txt (the same allow-list build.ps1 uses) after a build.
# Fails, naming the file, when one is missing. Usage: tools/stage-module.sh [Debug|Release]
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${1:-Release}
dest=out/Outage.Tools
rm -rf "$dest"; mkdir -p "$dest"
status=0
while read -r from to; do
    case "$from" in ''|'#'*) continue ;; esac
    from=${from//\/Release\//\/$configuration\/}
    if [ ! -f "$from" ]; then
        echo "stage: $from is missing (build with -c $configuration first)" >&2
        status=1; continue
    fi
    mkdir -p "$dest/$(dirname "$to")"
    cp "$from" "$dest/$to"
done < tools/module-files.txt
[ $status = 0 ] && echo "stage: $(find "$dest" -type f | wc -l) files in $dest"
exit $status
