#!/usr/bin/env python3
"""Writes a synthetic Postfix log of about SIZE megabytes to stdout, in the line shapes Postfix 3.7 writes
(smtpd connect/client/disconnect, cleanup message-id, qmgr from/removed, smtp to= with delay, delays, dsn, status):
80 % delivered, 15 % deferred once then delivered, 3 % bounced, 2 % rejected at RCPT. Deterministic (seeded).
Usage: gen-postfix-log.py SIZE_MB > file"""
import random, sys

size = int(sys.argv[1]) * 1024 * 1024
rnd = random.Random(42)
out = sys.stdout
months = "Nov"
domains = [f"dest{i}.example" for i in range(200)]
reasons = ["connect to mx.{d}[192.0.2.{n}]:25: Connection timed out",
           "host mx.{d}[192.0.2.{n}] said: 451 4.7.1 Greylisted, try again later (in reply to RCPT TO command)",
           "lost connection with mx.{d}[192.0.2.{n}] while receiving the initial server greeting"]
written = 0
t = 0
q = 0x100000
buf = []
while written < size:
    t += rnd.randint(0, 2)
    day = 1 + (t // 86400) % 28
    hh, mm, ss = (t // 3600) % 24, (t // 60) % 60, t % 60
    ts = f"Nov {day:2d} {hh:02d}:{mm:02d}:{ss:02d} mx postfix"
    q += 1
    qid = f"{q:X}"
    pid = 1000 + q % 5000
    d = rnd.choice(domains)
    n = q % 250
    kind = rnd.random()
    if kind < 0.02:
        lines = [f"{ts}/smtpd[{pid}]: connect from unknown[198.51.100.{n}]",
                 f"{ts}/smtpd[{pid}]: NOQUEUE: reject: RCPT from unknown[198.51.100.{n}]: 554 5.7.1 <u{q}@relay.test>: Relay access denied; from=<s{q}@spam.test> to=<u{q}@relay.test> proto=ESMTP helo=<x>",
                 f"{ts}/smtpd[{pid}]: disconnect from unknown[198.51.100.{n}] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4"]
    else:
        lines = [f"{ts}/smtpd[{pid}]: connect from client{n}.example.org[203.0.113.{n}]",
                 f"{ts}/smtpd[{pid}]: {qid}: client=client{n}.example.org[203.0.113.{n}]",
                 f"{ts}/cleanup[{pid+1}]: {qid}: message-id=<{q}.{pid}@example.org>",
                 f"{ts}/qmgr[900]: {qid}: from=<user{n}@example.org>, size={1000 + q % 90000}, nrcpt=1 (queue active)",
                 f"{ts}/smtpd[{pid}]: disconnect from client{n}.example.org[203.0.113.{n}] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5"]
        delay = rnd.random() * 3
        if 0.02 <= kind < 0.17:
            r = rnd.choice(reasons).format(d=d, n=n)
            lines.append(f"{ts}/smtp[{pid+2}]: {qid}: to=<rcpt{n}@{d}>, relay=none, delay={delay:.2f}, delays=0.01/0/{delay:.2f}/0, dsn=4.4.1, status=deferred ({r})")
            delay += 300
        if 0.17 <= kind < 0.20:
            lines.append(f"{ts}/smtp[{pid+2}]: {qid}: to=<rcpt{n}@{d}>, relay=mx.{d}[192.0.2.{n}]:25, delay={delay:.2f}, delays=0.01/0/0.5/0.1, dsn=5.1.1, status=bounced (host mx.{d}[192.0.2.{n}] said: 550 5.1.1 <rcpt{n}@{d}>: Recipient address rejected: User unknown (in reply to RCPT TO command))")
        else:
            lines.append(f"{ts}/smtp[{pid+2}]: {qid}: to=<rcpt{n}@{d}>, relay=mx.{d}[192.0.2.{n}]:25, delay={delay:.2f}, delays=0.01/0/0.3/{delay/2:.2f}, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as {q:X}A)")
        lines.append(f"{ts}/qmgr[900]: {qid}: removed")
    text = "\n".join(lines) + "\n"
    written += len(text)
    buf.append(text)
    if len(buf) > 2000:
        out.write("".join(buf))
        buf = []
out.write("".join(buf))
