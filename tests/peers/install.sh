#!/usr/bin/env bash
# Installs the real peers the test suites need: the Debian packages in apt-packages.txt, then every
# install.d/*.sh step (things that are not a plain package). Idempotent: installs only what is missing.
# As root on Debian; no system daemon is started (policy-rc.d guard): the tests start their own instances.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/apt-packages.txt" | grep -v '^$' || true)
missing=()
for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
    if [ "$(id -u)" != 0 ]; then
        echo "peers: missing packages: ${missing[*]}; run as root (or: sudo apt-get install ${missing[*]})" >&2
        exit 1
    fi
    # Package scripts must not start system daemons on ports 25/53 etc.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
    fi
    echo "peers: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections 2>/dev/null || true
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for step in "$here"/install.d/*.sh; do
    [ -e "$step" ] || continue
    bash "$step"
done
echo "peers: ready"
