#!/usr/bin/python3
# report.py - the one table `make bench` prints, from test/bench/run's results.
#
#   test/bench/report.py RESULTS_DIR
#
# RESULTS_DIR holds what test/bench/run wrote:
#   machine.json  cores, memory, CPU model, runs, seconds per run
#   p1.json       core-bench --benchmark_format=json (every repetition)
#   p2.jsonl      one splitroute-bench result per line, plus "filter" and "run"
#   p3.json       end-to-end results, or p3.skip: why P3 was not measured
#   p4.json       peak RSS (VmHWM, kB) of the daemons at named moments
#   p5.jsonl      failover-bench results: ms per lookup, without and with back-off
#   p6.json       P3's two setups with slapd far away, or p6.skip: why not
# Every figure is the median of the runs, shown with their min and max; a
# ratio is taken run by run (runs are interleaved), then summarised the same
# way.  Goals are reported as met or not: never a failure (exit 0).
import json
import os
import statistics
import sys

RESULTS = sys.argv[1]
SIZES = (10, 1000, 100000)
CONNECTIONS = (1, 8, 64)


def load(name, default=None):
    path = os.path.join(RESULTS, name)
    if not os.path.exists(path):
        return default
    with open(path) as f:
        if name.endswith(".jsonl"):
            return [json.loads(line) for line in f if line.strip()]
        if name.endswith(".json"):
            return json.load(f)
        return f.read().strip()


def si(value, unit=""):
    """1234567 -> '1.23 M'"""
    for factor, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:.2f} {prefix}{unit}"
    return f"{value:.2f} {unit}".rstrip()


def spaced(number):
    """100000 -> '100 000'"""
    return f"{number:,}".replace(",", " ")


def plain(value, unit=""):
    return f"{value:.2f}{unit}"


def fmt_ratio(value):
    """3 decimals, so that a value just under a goal does not print as the goal."""
    return f"{value:.3f}"


def summary(values, fmt):
    """(median, 'min .. max') of `values` formatted with fmt."""
    if not values:
        return "-", ""
    if len(values) == 1:
        return fmt(values[0]), ""
    return fmt(statistics.median(values)), f"{fmt(min(values))} .. {fmt(max(values))}"


ROWS = []


def row(section, measure, values=(), fmt=plain, goal="", met=None, text=None):
    median, span = summary(list(values), fmt) if text is None else (text, "")
    status = "" if met is None else ("met" if met else "NOT met")
    ROWS.append((section, measure, median, span, goal, status))


def p1_rows():
    report = load("p1.json")
    if report is None:
        row("P1", "core-bench did not run", text="-")
        return
    rates = {}  # (case, size) -> [items/s of each repetition]
    for b in report["benchmarks"]:
        if b.get("run_type") == "iteration" and "items_per_second" in b:
            case, size = b["run_name"].split("/")
            rates.setdefault((case, int(size)), []).append(b["items_per_second"])
    main = "BM_Decision"
    for size in SIZES:
        values = rates.get((main, size), [])
        row("P1", f"decisions/s/core, cached recipient, {spaced(size)} rules", values, si,
            ">= 5 M", bool(values) and statistics.median(values) >= 5e6)
    ratios = [a / b for a, b in zip(rates.get((main, 10), []), rates.get((main, 100000), []))]
    row("P1", "  ratio t(100 000 rules) / t(10 rules)", ratios, fmt_ratio, "<= 1.5",
        bool(ratios) and statistics.median(ratios) <= 1.5)
    extra = (("BM_DecisionRelay", "not found, relayed"),
             ("BM_DecisionSpread", "found, 1 024 domains in turn"),
             ("BM_ResolveFile", "resolve(): + file directory lookup"),
             ("BM_ResolveCached", "resolve(): + LDAP answer cache hit"))
    for case, label in extra:
        values = rates.get((case, 100000), [])
        ratios = [a / b for a, b in zip(rates.get((case, 10), []), rates.get((case, 100000), []))]
        ratio = f"t100k/t10 {statistics.median(ratios):.2f}" if ratios else ""
        row("P1", f"  {label}, 100 000 rules", values, si, ratio)


def p2_rows():
    results = load("p2.jsonl", [])
    if not results:
        row("P2", "not measured (the milter benchmark did not run)", text="-")
        return
    by = {}  # (filter, connections) -> {run: result}
    for r in results:
        by.setdefault((r["filter"], r["connections"]), {})[r["run"]] = r
    paired = lambda a, b: [a[k]["rcpts_per_s"] / b[k]["rcpts_per_s"] for k in sorted(a) if k in b]
    for n in CONNECTIONS:
        sr, nometrics, quiet, null = (by.get((f, n), {}) for f in ("splitroute", "nometrics", "quiet", "null"))
        plural = "s" if n > 1 else ""
        for name, runs in (("splitroute", sr), ("null-milter", null)):
            rates = [r["rcpts_per_s"] for r in runs.values()]
            p50 = [r["latency_us"]["p50"] for r in runs.values()]
            p99 = [r["latency_us"]["p99"] for r in runs.values()]
            row("P2", f"RCPT/s {name}, {n} connection{plural}", rates, si)
            row("P2", "  latency p50 / p99 (us)", text=f"{statistics.median(p50):.0f} / {statistics.median(p99):.0f}"
                if p50 else "-")
        cpu = [statistics.median(r["server_cpu_s"] * 1e6 / r["rcpts_sent"] for r in runs.values())
               if runs and all("server_cpu_s" in r and r["rcpts_sent"] for r in runs.values()) else None
               for runs in (sr, nometrics, quiet, null) if runs]
        if cpu and None not in cpu:
            label = "splitroute / metrics off / log discarded / null" if nometrics else "splitroute / log discarded / null"
            row("P2", f"  filter CPU per RCPT (us): {label}", text=" / ".join(f"{c:.1f}" for c in cpu))
        ratios = paired(sr, null)
        row("P2", f"  ratio splitroute / null, {n} connection{plural}", ratios, fmt_ratio, ">= 0.9",
            bool(ratios) and statistics.median(ratios) >= 0.9)
        if nometrics:
            row("P2", "  the same with metrics off (no -M)", paired(nometrics, null), fmt_ratio)
        if quiet:
            row("P2", "  the same with splitroute's log discarded", paired(quiet, null), fmt_ratio)
    refused = sum(r["answers"]["rejected"] + r["answers"]["tempfailed"] + r["answers"]["other"] + r["errors"]
                  for r in results)
    if refused:
        row("P2", f"  WARNING: {refused} recipients refused or errors: figures are not comparable", text="!")


def p3_rows():
    skip = load("p3.skip")
    result = load("p3.json")
    if result is None:
        row("P3", f"not measured ({skip or 'the end-to-end benchmark did not run'})", text="-")
        return
    sr = [r["messages_per_s"] for r in result["runs"] if r["setup"] == "splitroute"]
    native = [r["messages_per_s"] for r in result["runs"] if r["setup"] == "native"]
    row("P3", "messages/s, Postfix + splitroute (milter + socketmap)", sr, plain)
    row("P3", "messages/s, Postfix native (ldap: via proxy:)", native, plain)
    paired = [a / b for a, b in zip(sr, native)]
    row("P3", "  ratio splitroute / native", paired, fmt_ratio, ">= 1.0",
        bool(paired) and statistics.median(paired) >= 1.0)
    relay = [r["messages_per_s"] for r in result["runs"] if r["setup"] == "relay"]
    if relay:
        row("P3", "messages/s, relayed half, verification off", relay, plain)
        for setup, label in (("verify-smtp", "\"smtp\" (Postfix's cache warm)"),
                             ("verify-dir", "directory (LDAP answer cache warm)")):
            runs = [r["messages_per_s"] for r in result["runs"] if r["setup"] == setup]
            row("P3", f"messages/s, relayed half, verify {label}", runs, plain)
            row("P3", "  ratio verification on / off", [a / b for a, b in zip(runs, relay)], fmt_ratio)
    for setup, label in (("splitroute", "splitroute"), ("native", "native"), ("verify-dir", "verify directory")):
        per = result.get("searches_per_recipient", {}).get(setup)
        if per is not None:
            row("P3", f"  LDAP searches per unique recipient, {label}", [per], plain,
                "<= 1 per TTL" if setup == "splitroute" else "", per <= 1.0 if setup == "splitroute" else None)


def p4_rows():
    rss = load("p4.json")
    if rss is None:
        row("P4", "not measured", text="-")
        return
    mib = lambda kb: kb / 1024
    fmt = lambda v: f"{v:.1f} MiB"
    labels = (("splitroute_loaded", "peak RSS, rules and recipients loaded", None),
              ("splitroute_warm", "peak RSS after a pass over every recipient", True),
              ("splitroute_end", "peak RSS at the end (after 64 connections)", None),
              ("null_end", "  null-milter peak RSS at the end (the floor)", None))
    for key, label, goal in labels:
        if key in rss:
            value = mib(rss[key])
            row("P4", label, [value], fmt, "<= 32 MiB" if goal else "", value <= 32 if goal else None)


def p5_rows():
    runs = load("p5.jsonl")
    if not runs:
        row("P5", f"not measured ({load('p5.skip') or 'failover-bench did not run'})", text="-")
        return
    timeout = runs[0]["timeout_ms"]
    ms = lambda v: f"{v:.2f} ms"
    median = statistics.median
    stateless = [median(r["stateless"]) for r in runs]
    first = [r["backoff"][0] for r in runs]
    after = [median(r["backoff"][1:]) for r in runs]
    row("P5", f"lookup with a new connection, dead first URI (timeout {timeout} ms), no back-off", stateless, ms)
    row("P5", "  the same with back-off: first lookup (finds the URI dead)", first, ms)
    healthy = [median(r["healthy"]) for r in runs]
    row("P5", "  the same with back-off: next lookups (the dead URI skipped)", after, ms)
    row("P5", "  a healthy server alone (uris [live]), the floor", healthy, ms)
    paired = [a / h for a, h in zip(after, healthy)]
    row("P5", "  ratio next lookups with back-off / healthy alone", paired, fmt_ratio, "<= 1.5",
        median(paired) <= 1.5)


def p6_rows():
    result = load("p6.json")
    if result is None:
        row("P6", f"not measured ({load('p6.skip') or 'the far-directory benchmark did not run'})", text="-")
        return
    how = "netem" if result["delay"] == "netem" else "a relay (no netem in this kernel)"
    row("P6", f"slapd {result['delay_ms']} ms of round trip away, through {how}", text="")
    runs = {s: [r["messages_per_s"] for r in result["runs"] if r["setup"] == s] for s in ("splitroute", "native")}
    row("P6", "messages/s, Postfix + splitroute (milter + socketmap)", runs["splitroute"], plain)
    row("P6", "messages/s, Postfix native (ldap: via proxy:)", runs["native"], plain)
    paired = [a / b for a, b in zip(runs["splitroute"], runs["native"])]
    row("P6", "  ratio splitroute / native", paired, fmt_ratio, ">= 3.0",
        bool(paired) and statistics.median(paired) >= 3.0)
    for setup in ("splitroute", "native"):
        per = result["searches_per_recipient"][setup]
        row("P6", f"  LDAP searches per unique recipient, {setup}", [per], plain)
    for setup in ("splitroute", "native"):
        lat = result["latency"][setup]
        row("P6", f"  RCPT latency p50 / p99 (ms), one client, {setup}",
            text=f"{lat['p50_ms']:.2f} / {lat['p99_ms']:.2f}")


def main():
    machine = load("machine.json", {})
    p1_rows()
    p2_rows()
    p3_rows()
    p4_rows()
    p5_rows()
    p6_rows()
    print(f"splitroute benchmark: {machine.get('cores', '?')} cores ({machine.get('cpu', '?')}), "
          f"{machine.get('memory_gib', '?')} GiB memory, load average {machine.get('load', '?')} at the start")
    print(f"median of {machine.get('runs', '?')} runs [min .. max]; "
          f"P2: {machine.get('seconds', '?')} s per run, {machine.get('rcpts_per_message', '?')} recipients per "
          f"message over a unix socket; P4: {machine.get('fixture', '')}")
    print()
    widths = [max(len(r[i]) for r in ROWS) for i in range(6)]
    header = ("", "measure", "median", "min .. max", "goal", "")
    widths = [max(w, len(h)) for w, h in zip(widths, header)]
    line = lambda r: (f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}  "
                      f"{r[4]:<{widths[4]}}  {r[5]}").rstrip()
    print(line(header))
    for r in ROWS:
        print(line(r))


main()
