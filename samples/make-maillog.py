#!/usr/bin/env python3
"""Writes samples/maillog/mail.log: the Postfix log of the sample outage, told from the sample's own queue snapshots.

The story (samples/README.md): until the first queued message arrived (23:27:56 UTC) the relay host
127.0.0.1:2599 took every message; then it refused connections. Every message of the last snapshot is logged as
Postfix logs it (smtpd client=, cleanup message-id=, qmgr from=, then smtp status=deferred: "connect to ...:
Connection refused" for the first attempt after the relay went down, "delivery temporarily suspended: ..." for the
others while it stays down) and retried with Postfix's backoff (minimal_backoff_time 300s, doubling) up to the last
snapshot. Before that, two messages a minute were received and delivered within a second. Timestamps are RFC 3339
(rsyslog's high-precision format), so the log reads the same in any time zone. Deterministic: run it again and the
file is the same.

Usage: python3 samples/make-maillog.py   (from anywhere; writes next to this script)
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
RELAY = "127.0.0.1[127.0.0.1]:2599"
REFUSED = f"connect to {RELAY}: Connection refused"


def seconds(d):
    """As Postfix writes delay=: whole seconds from 100 s, else 2 significant digits."""
    return str(int(d)) if d >= 100 else f"{d:.2g}"


def stamp(t):
    import datetime
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond:06d}+00:00"


def main():
    snapshots = sorted(f for f in os.listdir(os.path.join(HERE, "queue")) if f.startswith("postqueue-"))
    last = snapshots[-1]
    with open(os.path.join(HERE, "queue", last), encoding="utf-8") as f:
        queued = [json.loads(line) for line in f if line.strip()]
    # The last snapshot's name is when it was taken: the log ends there.
    import datetime
    end = int(datetime.datetime.strptime(last[len("postqueue-"):-len(".jsonl")], "%Y%m%dT%H%M%SZ")
              .replace(tzinfo=datetime.timezone.utc).timestamp())
    outage = min(m["arrival_time"] for m in queued)
    lines = []
    pids = {"smtpd": 4101, "cleanup": 4102, "qmgr": 4001, "smtp": 4201}

    def log(t, program, text):
        lines.append((t, len(lines), f"{stamp(t)} mx1 postfix/{program}[{pids[program]}]: {text}"))

    # Normal traffic for 90 minutes before the outage: received, delivered in 0.3 s, removed.
    n = 0
    t = outage - 90 * 60
    while t < outage:
        qid = f"4A{n:09X}"
        domain = ("adatum.test", "contoso.test", "fabrikam.test", "litware.test", "tailspin.test")[n % 5]
        log(t, "smtpd", f"{qid}: client=app.vm.test[192.0.2.10]")
        log(t, "cleanup", f"{qid}: message-id=<{qid}@vm.test>")
        log(t, "qmgr", f"{qid}: from=<sender@vm.test>, size=334, nrcpt=1 (queue active)")
        log(t + 0.3, "smtp", f"{qid}: to=<user{n % 60}@{domain}>, relay={RELAY}, delay=0.3, delays=0.01/0.01/0.1/0.18, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as {n:X})")
        log(t + 0.3, "qmgr", f"{qid}: removed")
        n += 1
        t += 30

    # The backlog: each queued message arrives, is refused, and is retried with backoff until the end.
    down_logged = False
    for m in sorted(queued, key=lambda m: (m["arrival_time"], m["queue_id"])):
        qid, arrival = m["queue_id"], m["arrival_time"]
        log(arrival, "smtpd", f"{qid}: client=app.vm.test[192.0.2.10]")
        log(arrival, "cleanup", f"{qid}: message-id=<{qid}@vm.test>")
        log(arrival, "qmgr", f"{qid}: from=<{m['sender']}>, size={m['message_size']}, nrcpt={len(m['recipients'])} (queue active)")
        attempt, backoff = arrival + 0.05, 300
        while attempt <= end:
            for r in m["recipients"]:
                reason = REFUSED if not down_logged else "delivery temporarily suspended: " + REFUSED
                down_logged = True
                delay = attempt - arrival
                log(attempt, "smtp", f"{qid}: to=<{r['address']}>, relay=none, delay={seconds(delay)}, delays={seconds(delay)}/0/0/0, dsn=4.4.1, status=deferred ({reason})")
            attempt += backoff
            backoff = min(backoff * 2, 4000)

    lines.sort()
    os.makedirs(os.path.join(HERE, "maillog"), exist_ok=True)
    with open(os.path.join(HERE, "maillog", "mail.log"), "w", encoding="utf-8", newline="\n") as f:
        for _, _, text in lines:
            f.write(text + "\n")
    print(f"wrote {len(lines)} lines to samples/maillog/mail.log")


if __name__ == "__main__":
    main()
