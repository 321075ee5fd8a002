#!/usr/bin/env bash
# Exim 4 unpacked beside Postfix (the packages conflict: both provide mail-transport-agent), as
# ../shared/reference/real-peers.md section 3 shows. Idempotent: skips when the binary is there.
set -euo pipefail
dest=/opt/outage-peers/exim
# Debian's exim binary is compiled with EXIM_USER=Debian-exim; the package's postinst would create it.
if ! id Debian-exim >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /var/spool/exim4 --shell /usr/sbin/nologin Debian-exim
    echo "queue-exim: created the Debian-exim system user"
fi
# eximstats (the peer of Measure-MailLog on Exim logs) is a perl script shipped in exim4-base: unpacked here, run with perl.
if [ -x "$dest/root/usr/sbin/exim4" ] && [ -f "$dest/root/usr/sbin/eximstats" ]; then
    echo "queue-exim: exim and eximstats already unpacked in $dest"
    exit 0
fi
mkdir -p "$dest/pkg"
cd "$dest/pkg"   # apt-get download writes into the current directory
apt-get download exim4-daemon-light exim4-base >/dev/null
for f in *.deb; do dpkg-deb -x "$f" "$dest/root"; done
test -f "$dest/root/usr/sbin/eximstats"
echo "queue-exim: unpacked exim4 and eximstats into $dest/root"
