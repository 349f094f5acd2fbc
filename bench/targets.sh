#!/usr/bin/env bash
# bench/targets.sh: many targets at once (issue 13), wping --targets beside fping on the same
# fleet: the fleet host (tests/fleethost) in the lab's client namespace answers every address
# of 198.18.64.0/18 and 2001:db8:f::/112. Prints its section of bench/RESULTS.md (between the
# "targets" markers): bench/run appends it to the report, as one of its SECTIONS. Run alone,
# it also puts the section into $BENCH_OUT (bench/RESULTS.md), replacing the one there:
#
#   sudo WPING=build/release/src/command/wping FLEETHOST=build/bench/tests/fleethost/fleethost \
#       bench/targets.sh
#
# Rows, each the median of $TRIALS trials, the tools alternating:
#   1 000 targets x 5 requests, no pacing (wping --pace=0 --interval=1, fping -i 0 -p 1):
#     wall time, CPU time per echo (user + sys from GNU time / echoes), loss, echo rate;
#   10 000 targets x 1 request, no pacing: wall time, peak RSS;
#   100 targets x 100 requests 10 ms apart per target, fleet delay 5 ms: drift of each
#     target's last send from first send + 99 x 10 ms (wping: the JSON send times; fping: its
#     -D print time less the RTT), and the median RTT against the fleet's 5 ms.
# Both tools run as root on raw ICMP sockets (ping_group_range "1 0"). Packets go only to the
# lab's namespaces; every run is bounded by `timeout`.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${BENCH_OUT:-bench/RESULTS.md}
WPING=${WPING:-$ROOT/build/release/src/command/wping}
FLEETHOST=${FLEETHOST:-$ROOT/build/bench/tests/fleethost/fleethost}
TRIALS=${BENCH_TARGETS_TRIALS:-${BENCH_TRIALS:-${TRIALS:-5}}}
DELAY_MS=5 # the fleet's answer delay in the drift and accuracy row

fail() {
    echo "bench/targets.sh: $*" >&2
    exit 1
}
[[ $(id -u) -eq 0 ]] || fail "run as root (network namespaces, raw sockets)"
[[ -x $WPING ]] || fail "$WPING is not built"
[[ -x $FLEETHOST ]] || fail "$FLEETHOST is not built (cmake --build build/bench --target fleethost)"
command -v fping >/dev/null || fail "fping is not installed (apt-get install fping)"
[[ -x /usr/bin/time ]] || fail "GNU time is not installed (apt-get install time)"
export FLEETHOST

# shellcheck source=tests/lab/lab.bash
source "$ROOT/tests/lab/lab.bash"
# shellcheck source=tests/fleethost/fleet.bash
source "$ROOT/tests/fleethost/fleet.bash"
W=$(mktemp -d /tmp/wping-targets.XXXXXX)
cleanup() {
    fleet_stop
    lab_destroy
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A fresh lab with the fleet host in the client: fleet DELAY_MS
fleet() {
    fleet_stop
    lab_destroy
    lab_create
    lab_socket_kind raw
    fleet_start client --delay "$1"
}

# Runs TOOL (wping or fping) with ARGS in the client; the output in $W/out and $W/err,
# "wall user sys maxrss_kb" in $W/time: wall and CPU seconds to the microsecond from wait4
# (python inside the namespace, so that nothing but the tool and GNU time is counted), the
# peak RSS from GNU time (whose small fork is all that runs before the tool).
measure() {
    local tool=$1
    shift
    local binary=$WPING
    [[ $tool == fping ]] && binary=$(command -v fping)
    timeout 120 ip netns exec "$LAB_C" python3 - "$W" "$binary" "$@" <<'PY' || true
import os, sys, time
w = sys.argv[1]
out, err = open(w + "/out", "w"), open(w + "/err", "w")
start = time.monotonic()
pid = os.fork()
if pid == 0:
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    os.execv("/usr/bin/time", ["time", "-f", "%M", "-o", w + "/rss", *sys.argv[2:]])
_, _, usage = os.wait4(pid, 0)
wall = time.monotonic() - start
rss = open(w + "/rss").read().split()[-1]
open(w + "/time", "w").write(f"{wall:.6f} {usage.ru_utime:.6f} {usage.ru_stime:.6f} {rss}\n")
PY
}

# Echoes answered in the last run: wping's text statistics or fping's -q summary.
received() {
    if [[ $1 == wping ]]; then
        sed -n 's/.*Received = \([0-9]*\),.*/\1/p' "$W/out" | awk '{ s += $1 } END { print s + 0 }'
    else
        sed -n 's|.*xmt/rcv/%loss = [0-9]*/\([0-9]*\)/.*|\1|p' "$W/err" | awk '{ s += $1 } END { print s + 0 }'
    fi
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = op == "<=" ? v <= t : v >= t; print ok ? "met" : "MISSED" }'; }

rows=()
row() {
    local IFS='|'
    rows+=("| $* |")
}

# ---- 1 000 targets x 5, no pacing ----
fleet 0
fleet_addresses4 800 >"$W/list1k"
fleet_addresses6 200 >>"$W/list1k"
for ((t = 1; t <= TRIALS; t++)); do
    for tool in $( ((t % 2)) && echo wping fping || echo fping wping); do
        if [[ $tool == wping ]]; then
            measure wping -n 5 --interval=1 --pace=0 -w 1000 --quiet "--targets=@$W/list1k"
        else
            measure fping -c 5 -p 1 -i 0 -t 1000 -q -f "$W/list1k"
        fi
        read -r wall user sys rss < <(tail -1 "$W/time")
        echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print (u + s) * 1e6 / 5000 }') $((5000 - $(received $tool)))" >>"$W/a.$tool"
    done
done
for tool in wping fping; do
    declare "a_wall_$tool=$(cut -d' ' -f1 "$W/a.$tool" | median | xargs printf %.3f)"
    declare "a_cpu_$tool=$(cut -d' ' -f2 "$W/a.$tool" | median | xargs printf %.2f)"
    declare "a_loss_$tool=$(cut -d' ' -f3 "$W/a.$tool" | median)"
done
a_rate_wping=$(awk -v w="$a_wall_wping" 'BEGIN { printf "%.0f", 5000 / w }')
a_rate_fping=$(awk -v w="$a_wall_fping" 'BEGIN { printf "%.0f", 5000 / w }')
r=$(ratio "$a_cpu_wping" "$a_cpu_fping")
row "1 000 targets x 5, no pacing: CPU per echo" "wping ${a_cpu_wping} us, fping ${a_cpu_fping} us" "$r" "<= 0.7" "$(verdict "$r" 0.7 "<=")" \
    "(user + sys) / 5 000, from wait4; fping's lost echoes cost it no reply to read"
r=$(ratio "$a_wall_wping" "$a_wall_fping")
row "1 000 targets x 5, no pacing: wall time" "wping ${a_wall_wping} s, fping ${a_wall_fping} s" "$r" "<= 1.0, no more loss" \
    "$( ((a_loss_wping <= a_loss_fping)) && verdict "$r" 1.0 "<=" || echo MISSED)" "lost: wping ${a_loss_wping}, fping ${a_loss_fping} of 5 000"
r=$(ratio "$a_rate_wping" "$a_rate_fping")
row "1 000 targets x 5, no pacing: echo rate" "wping ${a_rate_wping}/s, fping ${a_rate_fping}/s" "$r" ">= 1.5, 0 loss" \
    "$( ((a_loss_wping == 0)) && verdict "$r" 1.5 ">=" || echo MISSED)" "5 000 echoes / wall time; the schedule (5 per target, 1 ms apart) bounds both"

# ---- 10 000 targets x 1 ----
fleet_addresses4 8000 >"$W/list10k"
fleet_addresses6 2000 >>"$W/list10k"
for ((t = 1; t <= TRIALS; t++)); do
    for tool in $( ((t % 2)) && echo wping fping || echo fping wping); do
        if [[ $tool == wping ]]; then
            measure wping -n 1 --pace=0 -w 1000 --quiet "--targets=@$W/list10k"
        else
            measure fping -c 1 -i 0 -t 1000 -q -f "$W/list10k"
        fi
        read -r wall user sys rss < <(tail -1 "$W/time")
        echo "$wall $rss $((10000 - $(received $tool)))" >>"$W/b.$tool"
    done
done
for tool in wping fping; do
    declare "b_wall_$tool=$(cut -d' ' -f1 "$W/b.$tool" | median | xargs printf %.3f)"
    declare "b_rss_$tool=$(cut -d' ' -f2 "$W/b.$tool" | median)"
    declare "b_loss_$tool=$(cut -d' ' -f3 "$W/b.$tool" | median)"
done
r=$(ratio "$b_wall_wping" "$b_wall_fping")
row "10 000 targets x 1, no pacing: wall time" "wping ${b_wall_wping} s, fping ${b_wall_fping} s" "$r" "<= 1.0, no more loss" \
    "$( ((b_loss_wping <= b_loss_fping)) && verdict "$r" 1.0 "<=" || echo MISSED)" "lost: wping ${b_loss_wping}, fping ${b_loss_fping} of 10 000 (a lost echo waits out -t/-w 1 000 ms)"
r=$(ratio "$b_rss_wping" "$b_rss_fping")
row "10 000 targets x 1: peak RSS" "wping ${b_rss_wping} kB, fping ${b_rss_fping} kB" "$r" "<= 1.0" "$(verdict "$r" 1.0 "<=")" "GNU time's maximum resident set"

# ---- 100 targets x 100, 10 ms apart, fleet delay 5 ms ----
fleet "$DELAY_MS"
fleet_addresses4 100 >"$W/list100"
for ((t = 1; t <= TRIALS; t++)); do
    for tool in $( ((t % 2)) && echo wping fping || echo fping wping); do
        if [[ $tool == wping ]]; then
            measure wping -n 100 --interval=10 --pace=0 -w 1000 --json "--targets=@$W/list100"
            python3 - "$W/out" >>"$W/c.wping" <<'PY'
import collections, datetime, json, statistics, sys
sends, rtts = collections.defaultdict(dict), []
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["type"] in ("reply", "timeout"):
        at = datetime.datetime.strptime(o["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
        sends[o["index"]][o["seq"] - 1] = at.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000
    if o["type"] == "reply":
        rtts.append(o["rtt_ms"])
# the last request known against the first: k requests after it, k x 10 ms later
drift = [abs(s[max(s)] - s[min(s)] - (max(s) - min(s)) * 10) for s in sends.values() if len(s) > 1]
print(statistics.median(drift), max(drift), abs(statistics.median(rtts) - 5), len(drift))
PY
        else
            measure fping -c 100 -p 10 -i 0 -t 1000 -D -f "$W/list100"
            python3 - "$W/out" >>"$W/c.fping" <<'PY'
import collections, re, statistics, sys
sends, rtts = collections.defaultdict(dict), []
line_re = re.compile(r"^\[(\d+\.\d+)\] (\S+)\s+: \[(\d+)\], \d+ bytes, ([\d.]+) ms")
for line in open(sys.argv[1]):
    m = line_re.match(line)
    if m:
        rtt = float(m.group(4))
        sends[m.group(2)][int(m.group(3))] = float(m.group(1)) * 1000 - rtt
        rtts.append(rtt)
# the last reply's request against the first's: k requests after it, k x 10 ms later
drift = [abs(s[max(s)] - s[min(s)] - (max(s) - min(s)) * 10) for s in sends.values() if len(s) > 1]
print(statistics.median(drift), max(drift), abs(statistics.median(rtts) - 5), len(drift))
PY
        fi
    done
done
for tool in wping fping; do
    declare "c_drift_$tool=$(cut -d' ' -f1 "$W/c.$tool" | median)"
    declare "c_max_$tool=$(cut -d' ' -f2 "$W/c.$tool" | median)"
    declare "c_acc_$tool=$(cut -d' ' -f3 "$W/c.$tool" | median)"
    declare "c_n_$tool=$(cut -d' ' -f4 "$W/c.$tool" | median)"
done
row "100 targets x 100, 10 ms apart: drift of the last send" \
    "wping median $(printf %.3f "$c_drift_wping") ms (max $(printf %.3f "$c_max_wping")), fping median $(printf %.3f "$c_drift_fping") ms (max $(printf %.3f "$c_max_fping"))" \
    "$(ratio "$c_drift_wping" "$c_drift_fping")" "<= 1 ms" "$(verdict "$c_max_wping" 1 "<=")" \
    "the last answered request against the first, over targets with two or more (wping ${c_n_wping}, fping ${c_n_fping}); fping's send times are its print time less the RTT"
row "100 targets x 100: RTT against the fleet's ${DELAY_MS} ms" \
    "wping off by $(printf %.3f "$c_acc_wping") ms, fping by $(printf %.3f "$c_acc_fping") ms" \
    "$(ratio "$c_acc_wping" "$c_acc_fping")" "" "" "median RTT less ${DELAY_MS} ms: the fleet host's own lateness is in both"

section=$(
    echo "<!-- targets: written by bench/targets.sh -->"
    echo "## Many targets: --targets against fping (issue 13)"
    echo
    echo "The fleet host (tests/fleethost) in the lab's client namespace answers every address;"
    echo "both tools as root on raw sockets, medians of $TRIALS trials, the tools alternating."
    echo "$(date -u +%Y-%m-%d), load $(cut -d' ' -f1-3 /proc/loadavg), $(fping -v 2>&1 | head -1)."
    echo
    echo "| case | measured | wping / fping | target | | note |"
    echo "| --- | --- | --- | --- | --- | --- |"
    printf '%s\n' "${rows[@]}"
    echo "<!-- /targets -->"
)
if [[ -n ${LO_NS:-} ]]; then
    : # a section of bench/run (which exports LO_NS): it appends what is printed below
elif [[ -f $OUT ]] && grep -q '^<!-- targets: ' "$OUT"; then
    python3 - "$OUT" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
text = re.sub(r"<!-- targets: .*?<!-- /targets -->", lambda m: section, text, flags=re.S)
open(path, "w").write(text)
PY
else
    printf '\n%s\n' "$section" >>"$OUT"
fi
printf '\n%s\n' "$section"
