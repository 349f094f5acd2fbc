#!/usr/bin/env python3
"""Numbers for bench/run: read one tool's output or the referee's log, print what was measured.

Subcommands (each prints one line of `key=value` words, or the report):
  rtt TOOL FILE [--minus-ms M]    RTTs a ping reported (TOOL: wping = JSON Lines with rtt_ms,
                                  iputils = per-reply `time=X ms`): count, median, p99 in
                                  microseconds; with --minus-ms, of |RTT - M ms| instead.
  versus-wire TOOL FILE SNIFF     |reported RTT - wire RTT| per sequence number, in microseconds.
  wire SNIFF [--minus-ms M]       RTTs on the wire from bench/sniff.py's log (request out to
                                  reply in, matched by identifier and sequence).
  drift SNIFF COUNT INTERVAL_MS   send times on the wire against the schedule first + i*interval.
  strace FILE ECHOES              system calls per echo from an `strace -c -f` summary.
  hyperfine FILE                  median wall time in ms of each command of a --export-json file.
  report TSV                      the Markdown results from bench/run's results file.

Percentiles are nearest-rank: p99 of n values is the ceil(0.99 n)-th smallest.
"""
import json
import math
import re
import statistics
import sys

IPUTILS_REPLY = re.compile(r"icmp_seq=(\d+) .*time=([0-9.]+) ms")


def percentile(values, p):
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values):
    if not values:
        return "count=0 median=nan p99=nan"
    return "count=%d median=%.3f p99=%.3f" % (
        len(values), statistics.median(values), percentile(values, 99))


def wping_replies(path):
    """{sequence: rtt in microseconds} of the successful echo replies in a JSON Lines file."""
    replies = {}
    with open(path, encoding="utf-8") as stream:
        for index, line in enumerate(stream):
            line = line.strip()
            if not line.startswith("{"):
                continue
            event = json.loads(line)
            kind = event.get("type")
            if kind not in ("reply", "echo_reply"):
                continue
            if event.get("status", 0) not in (0, "IP_SUCCESS"):
                continue
            rtt = event.get("rtt_ms")
            if not isinstance(rtt, (int, float)):
                continue
            seq = event.get("icmp_seq", event.get("seq", event.get("sequence", -index)))
            replies[seq] = rtt * 1000.0
    return replies


def iputils_replies(path):
    replies = {}
    with open(path, encoding="utf-8", errors="replace") as stream:
        for line in stream:
            match = IPUTILS_REPLY.search(line)
            if match and "DUP!" not in line:
                replies[int(match.group(1))] = float(match.group(2)) * 1000.0
    return replies


def replies_of(tool, path):
    if tool == "wping":
        return wping_replies(path)
    if tool == "iputils":
        return iputils_replies(path)
    raise SystemExit("analyze: tool is wping or iputils, not " + tool)


def sniffed(path):
    """Requests out and replies in, each {(id, seq): ns}, in order of appearance."""
    out, into = {}, {}
    with open(path, encoding="ascii") as stream:
        for line in stream:
            words = line.split()
            if len(words) < 5:
                continue
            fields = dict(w.split("=", 1) for w in words[1:5])
            key = (int(fields["id"]), int(fields["seq"]))
            stamp = int(fields["ns"])
            if words[0] == "out" and fields["type"] == "8":
                out.setdefault(key, stamp)
            elif words[0] == "in" and fields["type"] == "0":
                into.setdefault(key, stamp)
    return out, into


def wire_rtts(path):
    """{seq: wire RTT in microseconds}; the most frequent identifier is the ping's."""
    out, into = sniffed(path)
    if not out:
        return {}
    idents = statistics.multimode(ident for ident, _ in out)
    ident = idents[0]
    return {seq: (into[(i, seq)] - stamp) / 1000.0
            for (i, seq), stamp in out.items() if i == ident and (i, seq) in into}


def cmd_rtt(args):
    minus = None
    if "--minus-ms" in args:
        at = args.index("--minus-ms")
        minus = float(args[at + 1])
        args = args[:at] + args[at + 2:]
    tool, path = args
    values = list(replies_of(tool, path).values())
    if minus is not None:
        values = [abs(v - minus * 1000.0) for v in values]
    print(summary(values))


def cmd_versus_wire(args):
    tool, path, sniff = args
    reported = replies_of(tool, path)
    wire = wire_rtts(sniff)
    # iputils numbers from 1, the wire carries the same numbers; wping's JSON sequence is the
    # wire's too. Pair only what both saw.
    errors = [abs(reported[seq] - wire[seq]) for seq in reported if seq in wire]
    print(summary(errors))


def cmd_wire(args):
    minus = None
    if "--minus-ms" in args:
        at = args.index("--minus-ms")
        minus = float(args[at + 1])
        args = args[:at] + args[at + 2:]
    values = list(wire_rtts(args[0]).values())
    if minus is not None:
        values = [abs(v - minus * 1000.0) for v in values]
    print(summary(values))


def cmd_drift(args):
    path, count, interval_ms = args[0], int(args[1]), float(args[2])
    out, _ = sniffed(path)
    if not out:
        print("sends=0 drift_us=nan maxdev_us=nan mean_interval_ms=nan")
        return
    ident = statistics.multimode(i for i, _ in out)[0]
    sends = sorted(stamp for (i, _), stamp in out.items() if i == ident)
    first = sends[0]
    step = interval_ms * 1_000_000
    deviations = [(stamp - (first + n * step)) / 1000.0 for n, stamp in enumerate(sends)]
    mean_interval = (sends[-1] - first) / max(1, len(sends) - 1) / 1_000_000
    drift = deviations[-1] if len(sends) == count else float("nan")
    print("sends=%d drift_us=%.1f maxdev_us=%.1f mean_interval_ms=%.4f" % (
        len(sends), drift, max(abs(d) for d in deviations), mean_interval))


STRACE_ROW = re.compile(r"^\s*[0-9.]+\s+[0-9.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\S+)\s*$")


def cmd_strace(args):
    path, echoes = args[0], int(args[1])
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            match = STRACE_ROW.match(line)
            if match:
                print("%s=%.4f" % (match.group(2), int(match.group(1)) / echoes))


def cmd_hyperfine(args):
    with open(args[0], encoding="utf-8") as stream:
        data = json.load(stream)
    for index, result in enumerate(data["results"]):
        print("command%d_median_ms=%.4f" % (index, result["median"] * 1000.0))


# ---- report ----

# key, label, unit, digits, target kind, target value, what the target says
ROWS = [
    ("rate_eps", "Echo rate, loopback flood ({rate_count} echoes)", "echoes/s", 0,
     "ratio>=", 1.2, ">= 1.2x iputils"),
    ("cpu_us", "CPU per echo, user+sys (same run)", "us", 2, "ratio<=", 0.9, "<= 0.9x iputils"),
    ("rtt_med_us", "Loopback RTT, median ({rtt_count} echoes, 2 ms apart)", "us", 1,
     "ratio<=", 1.0, "<= iputils"),
    ("rtt_p99_us", "Loopback RTT, p99", "us", 1, None, None, "-"),
    ("rtt_cpu_s", "CPU time (user+sys) of that whole RTT run", "s", 2, None, None, "-"),
    ("rtt10_med_us", "Loopback RTT, median ({rtt10_count} echoes, 10 ms apart)", "us", 1,
     None, None, "- (like for like)"),
    ("rtt10_p99_us", "Loopback RTT, p99 (10 ms apart)", "us", 1, None, None, "-"),
    ("rtt10_cpu_s", "CPU time (user+sys) of that whole run", "s", 2, None, None, "-"),
    ("acc_med_us", "Accuracy: median of abs(reported - 20 ms), fake host, {acc_count} echoes",
     "us", 1, "abs<=", 50.0, "<= 50 us"),
    ("acc_p99_us", "Accuracy: p99 of abs(reported - 20 ms)", "us", 1, None, None, "-"),
    ("acc_wire_med_us", "Referee: median of abs(wire RTT - 20 ms), the lab's share", "us", 1,
     None, None, "-"),
    ("acc_wire_p99_us", "Referee: p99 of abs(wire RTT - 20 ms)", "us", 1, None, None, "-"),
    ("acc_vs_wire_med_us", "Accuracy, the tool's share: median of abs(reported - wire RTT)",
     "us", 1, "abs<=", 50.0, "<= 50 us (the tool alone)"),
    ("acc_vs_wire_p99_us", "Accuracy, the tool's share: p99 of abs(reported - wire RTT)", "us",
     1, None, None, "-"),
    ("drift_ms", "Schedule: drift of send 200 at 10 ms (last - first - 1990 ms)", "ms", 3,
     "abs<=", 1.0, "abs <= 1 ms"),
    ("maxdev_ms", "Schedule: largest abs(send - scheduled) of the 200", "ms", 3,
     None, None, "-"),
    ("startup_ms", "Start-up: one echo to 127.0.0.1, whole process", "ms", 3,
     "ratio<=", 1.0, "<= 1.0x iputils"),
    ("rss_rate_kb", "Peak RSS, flood run", "KiB", 0, "ratio<=", 1.0, "<= 1.0x iputils"),
    ("rss_rtt_kb", "Peak RSS, RTT run (per-reply output)", "KiB", 0,
     "ratio<=", 1.0, "<= 1.0x iputils"),
    ("rss_one_kb", "Peak RSS, one echo", "KiB", 0, "ratio<=", 1.0, "<= 1.0x iputils"),
]


class Counts(dict):
    """Run sizes for row labels, from the meta lines (`?` when unknown)."""

    def __missing__(self, key):
        return "?"


# What holds for every run; bench/run adds notes of its own (failures, build fallback).
NOTES = [
    "Both tools run as root and use raw ICMP sockets: net.ipv4.ping_group_range is \"1 0\" in "
    "every namespace used, so the datagram socket each tries first is refused.",
    "Loopback rows run in a private network namespace (only lo), so no other program's ICMP "
    "reaches the raw sockets.",
    "Each tool sends its default payload: wping 32 bytes (ping.exe's), iputils 56.",
    "CPU per echo is (user + sys) from GNU time (10 ms resolution) divided by the echoes sent; "
    "wall time from bash's EPOCHREALTIME around the run.",
    "Below 10 ms between requests iputils busy-waits (sched_yield and non-blocking recvmsg in a "
    "loop), which keeps a core busy and its CPU out of idle states: see the CPU time of the "
    "2 ms RTT run. At 10 ms neither tool busy-waits.",
    "iputils prints per-reply times rounded to 3 significant digits: 0.001 ms below 1 ms, "
    "0.01 ms from 1 ms, 0.1 ms from 10 ms (so 20.07 ms prints as 20.1). Its accuracy rows "
    "therefore include up to 50 us of rounding; wping's JSON carries microseconds.",
    "The wire RTT is the referee: kernel timestamps (SO_TIMESTAMPNS on AF_PACKET) of the "
    "request leaving and the reply arriving on the client's veth; it trusts neither tool. "
    "abs(reported - 20 ms) includes the path through the router and the fake host's own "
    "lateness, which the referee rows show; abs(reported - wire) is the tool's own error.",
]


def load(path):
    values, meta, missing, syscalls = {}, {}, {}, {}
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "meta":
                meta[parts[1]] = parts[2]
            elif parts[0] == "na":
                missing[(parts[1], parts[2])] = parts[3]
            elif parts[0] == "sys":
                syscalls.setdefault(parts[1], {})[parts[2]] = float(parts[3])
            else:
                key, tool, value = parts
                if value not in ("", "nan"):
                    values.setdefault((key, tool), []).append(float(value))
    return values, meta, missing, syscalls


def fmt(value, digits):
    if value is None:
        return "n/a"
    if digits == 0:
        return "{:,.0f}".format(value).replace(",", "\u202f")
    return "%.*f" % (digits, value)


def verdict(kind, target, wping, iputils):
    if kind is None:
        return ""
    if wping is None or (kind.startswith("ratio") and not iputils):
        return "n/a"
    if kind == "ratio>=":
        ok = wping / iputils >= target
    elif kind == "ratio<=":
        ok = wping / iputils <= target
    else:
        ok = abs(wping) <= target
    return "met" if ok else "**not met**"


def cmd_report(args):
    values, meta, missing, syscalls = load(args[0])
    out = []
    add = out.append
    add("# wping against iputils ping: benchmark results")
    add("")
    add("Written by `bench/run` (how each row is measured: [README.md](README.md)). "
        "Numbers are medians over %s trials unless the row says otherwise; "
        "ratio = wping / iputils." % meta.get("trials", "?"))
    add("")
    add("| | |")
    add("| --- | --- |")
    for key, label in (("date", "date (UTC)"), ("machine", "machine"), ("cpu", "CPU"),
                       ("kernel", "kernel"), ("debian", "Debian"), ("commit", "wping commit"),
                       ("wping", "wping"), ("iputils", "iputils"), ("compiler", "compiler"),
                       ("duration", "bench/run took")):
        if key in meta:
            add("| %s | %s |" % (label, meta[key]))
    add("")
    add("| measure | unit | wping | iputils | ratio | target | result |")
    add("| --- | --- | ---: | ---: | ---: | --- | --- |")
    for key, label, unit, digits, kind, target, target_text in ROWS:
        w = values.get((key, "wping"))
        i = values.get((key, "iputils"))
        wm = statistics.median(w) if w else None
        im = statistics.median(i) if i else None
        ratio = "n/a"
        if wm is not None and im:
            ratio = "%.3f" % (abs(wm) / abs(im))
        result = verdict(kind, target, wm, im)
        why = missing.get(("wping", key)) or missing.get(("iputils", key))
        if why and result in ("n/a", ""):
            result = ("n/a: " + why) if kind else why
        label = label.format_map(Counts(meta))
        add("| %s | %s | %s | %s | %s | %s | %s |" % (
            label, unit, fmt(wm, digits), fmt(im, digits), ratio, target_text, result))
    add("")
    if any(k[1] == "engine" for k in values):
        add("Diagnostic, not a target: the engine alone, driven by the lab's `echo-probe` "
            "(synchronous `echo_send`, one `key=value` line written per echo), same flood:")
        add("")
        add("| measure | unit | echo-probe |")
        add("| --- | --- | ---: |")
        for key, label, unit, digits in (("rate_eps", "echo rate", "echoes/s", 0),
                                          ("cpu_us", "CPU per echo", "us", 2),
                                          ("rss_rate_kb", "peak RSS", "KiB", 0)):
            v = values.get((key, "engine"))
            add("| %s | %s | %s |" % (label, unit, fmt(statistics.median(v) if v else None,
                                                       digits)))
        add("")
    if syscalls:
        add("Diagnostic: system calls per echo (`strace -c -f`, %s echoes, same commands as "
            "the flood row; strace slows both, so only the counts matter):" %
            meta.get("strace_echoes", "?"))
        add("")
        tools = [t for t in ("wping", "iputils", "engine") if t in syscalls]
        add("| system call | " + " | ".join(tools) + " |")
        add("| --- |" + " ---: |" * len(tools))
        names = sorted({n for t in tools for n in syscalls[t] if n != "total"},
                       key=lambda n: -max(syscalls[t].get(n, 0) for t in tools))
        for name in names + ["total"]:
            cells = [syscalls[t].get(name) for t in tools]
            if name != "total" and max(c or 0 for c in cells) < 0.001:
                continue
            label = "**total**" if name == "total" else "`%s`" % name
            add("| %s | %s |" % (label, " | ".join(
                "-" if c is None else "%.3f" % c for c in cells)))
        add("")
    add("Per-trial values (raw):")
    add("")
    add("| key | tool | trials |")
    add("| --- | --- | --- |")
    for (key, tool), trial_values in sorted(values.items()):
        add("| %s | %s | %s |" % (key, tool, " ".join("%g" % v for v in trial_values)))
    add("")
    commands = sorted(k for k in meta if k.startswith("cmd:"))
    if commands:
        add("Commands (run as root; loopback ones in a private network namespace, lab ones "
            "in the lab's client namespace):")
        add("")
        add("```")
        for key in commands:
            add("%-22s %s" % (key[4:], meta[key]))
        add("```")
        add("")
    add("Notes:")
    add("")
    for note in [meta[k] for k in sorted(meta) if k.startswith("note:")] + NOTES:
        add("- " + note)
    add("")
    sys.stdout.write("\n".join(out))


COMMANDS = {
    "rtt": cmd_rtt, "versus-wire": cmd_versus_wire, "wire": cmd_wire, "drift": cmd_drift,
    "strace": cmd_strace, "hyperfine": cmd_hyperfine, "report": cmd_report,
}


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.stderr.write(__doc__)
        return 2
    COMMANDS[sys.argv[1]](sys.argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
