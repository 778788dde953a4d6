#!/usr/bin/python3
# rcpt_latency.py - P6 of `make bench`: the RCPT latency an SMTP client sees.
#
#   rcpt_latency.py HOST PORT MESSAGES RCPT...
#
# One connection: MESSAGES times MAIL FROM, each RCPT timed from the
# command sent to the reply read, then RSET (no DATA: only RCPT is
# measured).  Prints one JSON object: rcpts, refused (replies other than
# 250), p50_ms, p99_ms, max_ms.
import json
import smtplib
import sys
import time

host, port, messages, rcpts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
times = []
refused = 0
with smtplib.SMTP(host, port, local_hostname="client.test.invalid", timeout=60) as smtp:
    smtp.ehlo()
    for _ in range(messages):
        smtp.mail("sender@client.test.invalid")
        for rcpt in rcpts:
            start = time.perf_counter()
            code, _ = smtp.rcpt(rcpt)
            times.append((time.perf_counter() - start) * 1000)
            refused += code != 250
        smtp.rset()
times.sort()
quantile = lambda q: times[min(len(times) - 1, int(q * len(times)))]
print(json.dumps({"rcpts": len(times), "refused": refused, "p50_ms": round(quantile(0.5), 3),
                  "p99_ms": round(quantile(0.99), 3), "max_ms": round(times[-1], 3)}))
