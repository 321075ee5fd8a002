#!/usr/bin/env bash
# seeds.sh TARGET DIR DRIVER...: lay the seed corpus of one fuzz target in DIR (recreated): our fixtures and
# samples, the synthetic seeds the driver writes, and for the MIME targets the small messages of
# ../shared/corpus/real-world (third-party: copied here at run time, never committed).
set -u
t="$1"; dir="$2"; shift 2
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${OUTAGE_SHARED:-$root/../shared}"
[ -d "$shared" ] || shared=/work/shared
rm -rf "$dir"; mkdir -p "$dir"
"$@" seeds "$t" "$dir"
fx="$root/tests/fixtures"
small() { find "$@" -type f -size -32k \( -name '*.eml' -o -name '*.msg' -o -name '*.mbox' -o -name '*.txt' \) 2>/dev/null; }
case "$t" in
  mime)
    cp "$fx"/mime/*.eml "$root"/samples/messages/*.eml "$dir"/
    small "$shared/corpus/real-world" | grep -v -e MANIFEST -e KNOWN_ | sort | awk 'NR % 4 == 1' | head -80 |
      while read -r f; do cp "$f" "$dir/rw-$(basename "$(dirname "$f")")-$(basename "$f" | tail -c 60)"; done ;;
  mbox)
    cp "$fx"/mime/three.mbox "$dir"/
    i=0
    small "$shared/corpus/real-world" | grep -v -e MANIFEST -e KNOWN_ | sort | awk 'NR % 9 == 2' | head -30 |
      while read -r f; do i=$((i + 1)); { printf 'From a@b.test Mon Jan  1 00:00:00 2026\n'; cat "$f"; printf '\nFrom c@d.test Mon Jan  1 00:00:01 2026\nSubject: x\n\nFrom the body\n'; } >"$dir/rw-$i.mbox"; done ;;
  postqueue) cp "$fx"/queue/postqueue-j.jsonl "$dir"/; head -c 16000 "$root"/samples/queue/postqueue-20261120T233756Z.jsonl >"$dir/sample.jsonl" ;;
  exim) cp "$fx"/queue/exim-bp.txt "$dir"/ ;;
  exchange-csv) cp "$fx"/queue/exchange-get-message.csv "$fx"/queue/exchange-get-queue.csv "$dir"/ ;;
  clixml) cp "$fx"/queue/exchange-get-message.clixml "$fx"/queue/exchange-get-queue.clixml "$dir"/ ;;
  config) cp "$root"/samples/outage-check.psd1 "$dir"/ ;;
  headers)
    cp "$fx"/headers/*.eml "$dir"/
    grep -rlis -e '^Authentication-Results:' -e '^X-Forefront-Antispam-Report:' "$shared/corpus/real-world" | sort | head -20 |
      while read -r f; do cp "$f" "$dir/rw-$(basename "$f" | tail -c 60)"; done ;;
esac
# AFL++ wants small seeds: anything over 64 KB is cut (the parser still sees a truncated, valid prefix).
find "$dir" -type f -size +64k -exec truncate -s 64K {} \;
