# shellcheck shell=bash
# Shared by targets*.bats: the wping helpers, the fleet host, and a checker of a --targets
# JSON stream.

load wping_common
# shellcheck source=../fleethost/fleet.bash
source "${WPING_SOURCE_DIR:?}/tests/fleethost/fleet.bash"

# Checks a --targets JSON stream (file OUT) against the schema and against itself: every line
# is valid, every object of a target names it as the list has it (TARGETS, a file with the
# names in order), each target has its start (or unresolved) object in list order, its outcomes
# numbered 1..n, a summary whose counts are those of its events, and the run_summary sums
# them. Prints "targets=N passed=P failed=F unresolved=U sent=S replies=R exit=E" and one
# line "TYPE=COUNT" per object type, sorted; exits 1 with the problems on stderr. With a third
# argument EVERY, only every EVERY-th line and the first and last 50 are checked against the
# schema (a schema check costs milliseconds a line); the counts always cover every line.
targets_check_json() {
    python3 - "$WPING_SOURCE_DIR/schema/wping-events.schema.json" "$1" "$2" "${3:-1}" <<'PY'
import collections, json, sys
from jsonschema import Draft202012Validator

schema = json.load(open(sys.argv[1]))
validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
names = [line.rstrip("\n") for line in open(sys.argv[3])]
every = int(sys.argv[4])
problems = []
objects = []
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
for number, line in enumerate(lines, 1):
    obj = json.loads(line)
    if (number % every == 0 or number <= 50 or number > len(lines) - 50) and not validator.is_valid(obj):
        reasons = [e.message for e in validator.iter_errors(obj)][:3]
        problems.append(f"line {number} breaks the schema ({reasons}): {line.strip()}")
    objects.append(obj)

OUTCOMES = {"reply": "replies", "corrupt": "corrupt", "icmp_error": "icmp_errors",
            "timeout": "timeouts", "send_failure": "send_failures"}
NOTICES = {"duplicate": "duplicates", "late": "late", "malformed": "malformed"}
types = collections.Counter(o["type"] for o in objects)
heads = [o for o in objects if o["type"] in ("start", "unresolved")]
if [o["index"] for o in heads] != list(range(len(names))):
    problems.append(f"start/unresolved objects are not one per target in list order")
for o in objects:
    if "index" in o and (o["index"] >= len(names) or o["target"] != names[o["index"]]):
        problems.append(f"{o['type']} names target {o.get('target')!r} at index {o['index']}")
per = collections.defaultdict(list)
for o in objects:
    if "index" in o:
        per[o["index"]].append(o)
unresolved = {o["index"] for o in objects if o["type"] == "unresolved"}
runs = [o for o in objects if o["type"] == "run_summary"]
if len(runs) != 1 or objects[-1]["type"] != "run_summary":
    problems.append(f"{len(runs)} run_summary objects, the last object is {objects[-1]['type']}")
passed = sent = replies = 0
for index in range(len(names)):
    events = per[index]
    summaries = [o for o in events if o["type"] == "summary"]
    if index in unresolved:
        if summaries or len(events) != 1:
            problems.append(f"unresolved target {index} has other objects")
        continue
    if len(summaries) != 1:
        problems.append(f"target {index}: {len(summaries)} summaries")
        continue
    summary = summaries[0]
    counts = collections.Counter()
    seqs = []
    for o in events:
        if o["type"] in OUTCOMES:
            counts[OUTCOMES[o["type"]]] += 1
            seqs.append(o["seq"])
        elif o["type"] in NOTICES:
            counts[NOTICES[o["type"]]] += 1
    for key in list(OUTCOMES.values()) + list(NOTICES.values()):
        if summary[key] != counts[key]:
            problems.append(f"target {index}: summary {key}={summary[key]}, events {counts[key]}")
    if sorted(seqs) != list(range(1, len(seqs) + 1)) or summary["sent"] != len(seqs):
        problems.append(f"target {index}: outcome seqs {sorted(seqs)[:10]}..., sent {summary['sent']}")
    passed += summary["exit_status"] == 0
    sent += summary["sent"]
    replies += summary["replies"] + summary["corrupt"]
if runs:
    run = runs[0]
    want = {"targets": len(names), "passed": passed, "failed": len(names) - passed,
            "unresolved": len(unresolved), "sent": sent, "replies": replies}
    for key, value in want.items():
        if run[key] != value:
            problems.append(f"run_summary {key}={run[key]}, the objects give {value}")
    print(" ".join(f"{k}={run[k]}" for k in want) + f" exit={run['exit_status']}")
for name in sorted(types):
    print(f"{name}={types[name]}")
for p in problems[:20]:
    print(p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
}
