# shellcheck shell=bash
# Shared by the json_*.bats files: checks a wping --format=json run against
# schema/wping-events.schema.json (python3-jsonschema, draft 2020-12) and against itself:
# every stdout line validates, the stream is start, events, summary, and the summary (and each
# interim) equals the events before it.

load wping_common

JSON_SCHEMA="${WPING_SOURCE_DIR:?WPING_SOURCE_DIR must point to the source tree}/schema/wping-events.schema.json"

# setup_file for the json_*.bats files that use the lab: wping, the lab, the validator.
json_setup_file() {
    wping_setup_file
    json_require_validator
}

# Fails (never skips: tests/run installs it) unless python3 can import jsonschema with
# draft 2020-12 support.
json_require_validator() {
    if ! python3 -c 'from jsonschema import Draft202012Validator' 2>/dev/null; then
        echo "python3-jsonschema with draft 2020-12 is needed (apt-get install python3-jsonschema)" >&2
        return 1
    fi
}

# The checker: python3 - SCHEMA [STDOUT STDERR STATUS MODE]... prints the stdout object types
# of each run on a line of its own, or every problem found on stderr and exits 1.
json_checker() {
    python3 - "$@" <<'PY'
import json, math, sys
from jsonschema import Draft202012Validator

schema_path = sys.argv[1]
runs = [sys.argv[i:i + 4] for i in range(2, len(sys.argv), 4)]
schema = json.load(open(schema_path))
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
problems = []

def load(path, stream):
    objects = []
    text = open(path, encoding="utf-8").read()
    if text and not text.endswith("\n"):
        problems.append(f"{stream} does not end with a newline")
    for number, line in enumerate(text.splitlines(), 1):
        try:
            obj = json.loads(line)
        except ValueError as error:
            problems.append(f"{stream} line {number} is not JSON ({error}): {line!r}")
            continue
        if not validator.is_valid(obj):
            # Name the member that is wrong: check against the schema of its own type.
            detail = validator
            if isinstance(obj, dict) and obj.get("type") in schema["$defs"]:
                one = {k: v for k, v in schema.items() if k != "oneOf"}
                one["$ref"] = "#/$defs/" + obj["type"]
                detail = Draft202012Validator(one, format_checker=validator.format_checker)
            reasons = [f"{e.message} at {list(e.absolute_path)}" for e in detail.iter_errors(obj)]
            problems.append(f"{stream} line {number} breaks the schema: "
                            f"{'; '.join(reasons) or 'no type matches'}: {line}")
        objects.append(obj)
    return objects

OUTCOMES = {"reply": "replies", "corrupt": "corrupt", "icmp_error": "icmp_errors",
            "timeout": "timeouts", "send_failure": "send_failures"}
NOTICES = {"duplicate": "duplicates", "late": "late", "malformed": "malformed",
           "reply_after_error": "replies_after_error"}

def near(got, want, what):
    # Event RTTs are rounded to whole microseconds, the statistics are computed before
    # rounding: allow 2 us, and 0.1 % for the histogram percentiles.
    if abs(got - want) > max(0.002, want * 0.001 + 0.001):
        problems.append(f"{what} is {got}, the events give {want}")

def check_statistics(stats, events):
    counts = {name: 0 for name in list(OUTCOMES.values()) + list(NOTICES.values())}
    rtts = []
    seqs = []
    for event in events:
        t = event["type"]
        if t in OUTCOMES:
            counts[OUTCOMES[t]] += 1
            seqs.append(event["seq"])
            if t in ("reply", "corrupt"):
                rtts.append(event["rtt_ms"])
        elif t in NOTICES:
            counts[NOTICES[t]] += 1
    where = f"{stats['type']} ({stats['reason']})"
    for name, count in counts.items():
        if stats[name] != count:
            problems.append(f"{where}: {name} = {stats[name]}, but {count} such events")
    sent = sum(counts[name] for name in OUTCOMES.values())
    if stats["sent"] != sent:
        problems.append(f"{where}: sent = {stats['sent']}, but {sent} outcome events")
    if seqs != list(range(1, len(seqs) + 1)):
        problems.append(f"{where}: outcome seq numbers are not 1..{len(seqs)}: {seqs}")
    echo = stats["replies"] + stats["corrupt"]
    loss = 0.0 if stats["sent"] == 0 else (stats["sent"] - echo) * 100 / stats["sent"]
    if stats["loss_percent"] != loss:
        problems.append(f"{where}: loss_percent = {stats['loss_percent']}, expected {loss!r}")
    if not rtts:
        if stats["rtt_ms"] is not None or stats["jitter_ms"] is not None:
            problems.append(f"{where}: rtt_ms or jitter_ms without an echo reply")
        return
    rtt = stats["rtt_ms"]
    if rtt is None:
        problems.append(f"{where}: rtt_ms is null after {len(rtts)} echo replies")
        return
    ordered = sorted(rtts)
    if rtt["min"] != ordered[0] or rtt["max"] != ordered[-1]:
        problems.append(f"{where}: min/max {rtt['min']}/{rtt['max']}, events {ordered[0]}/{ordered[-1]}")
    mean = sum(rtts) / len(rtts)
    near(rtt["avg"], mean, f"{where}: avg")
    near(rtt["stddev"], math.sqrt(sum((r - mean) ** 2 for r in rtts) / len(rtts)), f"{where}: stddev")
    for key, p in (("median", 50), ("p90", 90), ("p99", 99)):
        near(rtt[key], ordered[max(1, math.ceil(len(rtts) * p / 100)) - 1], f"{where}: {key}")
    if len(rtts) < 2:
        if stats["jitter_ms"] is not None:
            problems.append(f"{where}: jitter_ms with one echo reply")
    else:
        jitter = 0.0
        for previous, current in zip(rtts, rtts[1:]):
            jitter += (abs(current - previous) - jitter) / 16
        near(stats["jitter_ms"], jitter, f"{where}: jitter_ms")

def check_path(out, err, status, middle, last, first=None):
    # --mtu and --traceroute: [first] middle* last, and last's exit_status is wping's.
    types = [o.get("type") for o in out]
    if err:
        problems.append(f"stderr is not empty: {[o.get('type') for o in err]}")
    body = types[1:-1] if first else types[:-1]
    if not out or types[-1] != last or (first and types[0] != first) or any(t not in middle for t in body):
        problems.append(f"the stream is not {first or ''} {middle}* {last}: {types}")
    elif out[-1]["exit_status"] != status:
        problems.append(f"{last} says exit_status {out[-1]['exit_status']}, wping exited {status}")

def check_run(out_path, err_path, status, mode):
    out = load(out_path, "stdout")
    err = load(err_path, "stderr")
    types = [o.get("type") for o in out]

    if mode == "mtu":
        check_path(out, err, status, ["mtu_probe"], "mtu")
        if out and out[-1].get("probes") != types.count("mtu_probe"):
            problems.append(f"mtu says {out[-1].get('probes')} probes, {types.count('mtu_probe')} were shown")
        return types
    if mode == "trace":
        check_path(out, err, status, ["hop"], "trace_end", "trace_start")
        hops = [o for o in out if o.get("type") == "hop"]
        if [h["hop"] for h in hops] != list(range(1, len(hops) + 1)):
            problems.append(f"hop numbers are not 1..{len(hops)}")
        for h in hops:
            answered = sum(1 for p in h["probes"] if p["status"] != 11010)
            if h["answered"] != answered or h["lost"] != 3 - answered:
                problems.append(f"hop {h['hop']}: answered/lost do not match its probes")
        if out and out[-1].get("hops") != len(hops):
            problems.append("trace_end.hops is not the number of hop objects")
        return types
    if mode == "errors":
        if out:
            problems.append(f"stdout should be empty, has {types}")
        if not err or any(o.get("type") != "error" for o in err):
            problems.append(f"stderr should hold error objects only, has {[o.get('type') for o in err]}")
        if status != 2:
            problems.append(f"exit status {status}, expected 2")
    else:
        if err:
            problems.append(f"stderr is not empty: {[o.get('type') for o in err]}")
        if not out or types[0] != "start":
            problems.append(f"the first object is not start: {types}")
        if types.count("start") > 1:
            problems.append("more than one start object")
        if mode == "quiet" and types[1:-1]:
            problems.append(f"--quiet wrote events: {types}")
        if mode in ("stream", "quiet"):
            if not out or types[-1] != "summary" or types.count("summary") != 1:
                problems.append(f"the stream does not end with its one summary: {types}")
            elif out[-1]["exit_status"] != status:
                problems.append(f"summary says exit_status {out[-1]['exit_status']}, wping exited {status}")
        elif "summary" in types:
            problems.append("a partial stream has a summary")
        for index, obj in enumerate(out):
            if mode != "quiet" and obj.get("type") in ("interim", "summary"):
                try:
                    check_statistics(obj, out[:index])
                except (KeyError, TypeError) as error:
                    problems.append(f"cannot compare {obj.get('type')} with its events: {error!r}")

    return types

all_types = []
for number, (out_path, err_path, status, mode) in enumerate(runs, 1):
    before = len(problems)
    types = check_run(out_path, err_path, int(status), mode)
    if len(runs) > 1:
        problems[before:] = [f"run {number} ({out_path}): {p}" for p in problems[before:]]
    all_types.append(" ".join(str(t) for t in types))

if problems:
    for problem in problems:
        print(problem, file=sys.stderr)
    sys.exit(1)
print("\n".join(all_types))
PY
}

# Checks the last json_run (or bg_finish) in MODE: stream (default: stdout is a whole run,
# start ... summary, and stderr is empty), errors (stdout empty, stderr error objects, exit 2)
# or partial (start and events, no summary: a run that stopped in an error); mtu (mtu_probe
# objects, then the mtu result) or trace (trace_start, hops 1..n, trace_end) for the path modes. Mode quiet is
# stream for --quiet: start and summary only, which cannot be compared with events. Every
# line of both streams must be JSON that validates against the schema; every interim and
# summary must equal the events before it; the summary's exit_status must be wping's. Sets
# JSON_TYPES to the stdout object types, space-separated. Fails the test with every problem.
#
# After json_defer, the schema check of each run waits for json_check_deferred (one python
# start for many runs); JSON_TYPES is set at once all the same.
json_check() {
    local mode=${1:-stream}
    if [[ -n ${JSON_DEFERRED:-} ]]; then
        printf '%s\n' "$JSON_OUT" "$JSON_ERR" "$status" "$mode" >>"$JSON_DEFERRED"
        JSON_TYPES=$(jq -r .type "$JSON_OUT" 2>/dev/null | tr '\n' ' ')
        JSON_TYPES=${JSON_TYPES% }
        return 0
    fi
    JSON_TYPES=$(json_checker "$JSON_SCHEMA" "$JSON_OUT" "$JSON_ERR" "$status" "$mode") ||
        fail "the JSON stream does not hold (exit status $status):
$(cat "$JSON_OUT")
-- stderr --
$(cat "$JSON_ERR")"
}

# Makes the following json_check calls wait for json_check_deferred.
json_defer() {
    JSON_DEFERRED="$BATS_TEST_TMPDIR/json.deferred"
    : >"$JSON_DEFERRED"
}

# Checks every run json_check put off, at once; fails the test with every problem.
json_check_deferred() {
    local -a runs=()
    mapfile -t runs <"$JSON_DEFERRED"
    ((${#runs[@]} > 0)) || fail "json_check_deferred: no run was checked"
    json_checker "$JSON_SCHEMA" "${runs[@]}" >/dev/null || fail "the JSON streams do not hold"
    JSON_DEFERRED=
}

# For teardown, after the lab is gone: a test that got to its end with deferred checks must
# have made them.
json_teardown() {
    if [[ -n ${JSON_DEFERRED:-} && -n ${BATS_TEST_COMPLETED:-} ]]; then
        JSON_DEFERRED=
        echo "json_check_deferred was not called: runs were left unchecked" >&2
        return 1
    fi
}

# Runs wping in the client with ARGS (add --json yourself): sets $status, $output, $stderr
# and $lines as wping_run does, and keeps stdout and stderr in JSON_OUT and JSON_ERR for
# json_check.
json_run() {
    JSON_RUN=$((${JSON_RUN:-0} + 1))
    JSON_OUT="$BATS_TEST_TMPDIR/json.$JSON_RUN.out" JSON_ERR="$BATS_TEST_TMPDIR/json.$JSON_RUN.err"
    status=0
    lab_client "$WPING" "$@" >"$JSON_OUT" 2>"$JSON_ERR" || status=$?
    json_load
}

# Fills $output, $stderr and $lines from JSON_OUT and JSON_ERR.
# shellcheck disable=SC2034 # read by the tests, as after bats' run
json_load() {
    output=$(cat "$JSON_OUT")
    stderr=$(cat "$JSON_ERR")
    lines=()
    [[ -n $output ]] && mapfile -t lines <"$JSON_OUT"
    return 0
}

# Prints the value of jq FILTER for the stdout object of type TYPE, the N-th of them
# (1-based, default 1): json_get TYPE FILTER [N]
json_get() {
    jq -c --arg type "$1" --argjson n "${3:-1}" -n \
        "[inputs | select(.type == \$type)][\$n - 1] | $2" "$JSON_OUT"
}

# Asserts the stdout object types, in order, equal the words given.
assert_json_types() {
    assert_equal "$JSON_TYPES" "$*"
}
