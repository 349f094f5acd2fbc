#!/usr/bin/env bash
# bench/foreign-flood.sh: what other processes' echo replies cost a waiting wping (issue 12,
# DESIGN E5). A raw ICMP socket receives every ICMP packet of its namespace; wping's BPF
# filter keeps the replies meant for other identifiers in the kernel. In the lab's client
# namespace (raw sockets), wping waits on a blackholed address (-t) while iputils `ping -f`
# gets BENCH_FLOOD_COUNT replies from the server S; the CPU time wping used during the flood is
# read from /proc (schedstat: nanoseconds). iputils ping, which filters the same way, is
# measured beside it, and wping once more with no flood. A section of bench/run (which
# exports WPING); prints its Markdown section on stdout, progress on stderr.
# Alone, to compare two builds:
#
#   sudo bench/foreign-flood.sh [WPING]    (default $WPING, else build/release/src/command/wping)
#
# Packets go only to the lab's own namespaces (tests/lab/lab.bash, 198.18.0.0/15); the flood
# is bounded by `timeout`. Own knobs: BENCH_FLOOD_COUNT [100000], BENCH_FLOOD_TRIALS [3] (CPU
# time is per process, so the trials need not alternate).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
ROOT=$PWD
WPING=${1:-${WPING:-$ROOT/build/release/src/command/wping}}
COUNT=${BENCH_FLOOD_COUNT:-100000}
TRIALS=${BENCH_FLOOD_TRIALS:-3}
PING=$(command -v ping) || {
    echo "foreign-flood.sh: iputils ping is missing" >&2
    exit 1
}
[[ -x $WPING ]] || {
    echo "foreign-flood.sh: $WPING is not built" >&2
    exit 1
}
[[ $(id -u) -eq 0 ]] || {
    echo "foreign-flood.sh: run as root (raw sockets, namespaces)" >&2
    exit 1
}
# shellcheck source=tests/lab/lab.bash
source "$ROOT/tests/lab/lab.bash"
TOOL_PID=
cleanup() {
    [[ -n $TOOL_PID ]] && kill -KILL "$TOOL_PID" 2>/dev/null
    lab_destroy
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# CPU time of PID so far in microseconds: schedstat's nanoseconds, else stat's clock ticks.
cpu_us() {
    local run ticks
    if read -r run _ <"/proc/$1/schedstat" 2>/dev/null; then
        echo $((run / 1000))
        return
    fi
    ticks=$(awk '{ print $14 + $15 }' "/proc/$1/stat")
    echo $((ticks * 1000000 / $(getconf CLK_TCK)))
}

# One trial: TOOL (wping | ping) waits on a blackholed address while FLOOD (yes | no);
# prints "cpu_us flood_ms received" where received is what the tool counted.
trial() {
    local tool=$1 flood=$2 pid before after t0 t1 out received
    lab_create >/dev/null
    lab_route_type 4 198.18.4.0/24 blackhole
    out=$(mktemp)
    # `ip netns exec` execs the tool, so $! is the tool itself; the trap kills it if need be.
    if [[ $tool == wping ]]; then
        ip netns exec "$LAB_C" "$WPING" -t 198.18.4.5 >"$out" 2>&1 &
    else
        ip netns exec "$LAB_C" "$PING" 198.18.4.5 >"$out" 2>&1 &
    fi
    pid=$! TOOL_PID=$!
    sleep 0.5
    before=$(cpu_us "$pid")
    t0=${EPOCHREALTIME/./}
    if [[ $flood == yes ]]; then
        ip netns exec "$LAB_C" timeout 60 "$PING" -f -q -c "$COUNT" "$LAB_S4" >/dev/null
    else
        sleep "${FLOOD_SECONDS:-2}"
    fi
    t1=${EPOCHREALTIME/./}
    after=$(cpu_us "$pid")
    kill -INT "$pid"
    wait "$pid" || true
    TOOL_PID=
    received=$(sed -n -e 's/.*Received = \([0-9]*\).*/\1/p' -e 's/.*, \([0-9]*\) received.*/\1/p' "$out")
    echo "$((after - before)) $(((t1 - t0) / 1000)) ${received:-?}"
    rm -f "$out"
    lab_destroy
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A cpu wall got
for tool in wping ping; do
    for flood in yes no; do
        printf '[bench foreign-flood] %s, flood %s: %s trials\n' "$tool" "$flood" "$TRIALS" >&2
        rows=()
        for ((t = 1; t <= TRIALS; t++)); do
            rows+=("$(trial "$tool" "$flood")")
        done
        cpu[$tool.$flood]=$(printf '%s\n' "${rows[@]}" | cut -d' ' -f1 | median)
        wall[$tool.$flood]=$(printf '%s\n' "${rows[@]}" | cut -d' ' -f2 | median)
        got[$tool.$flood]=$(printf '%s\n' "${rows[@]}" | cut -d' ' -f3 | sort -u | tr '\n' ' ')
        # The quiet runs last as long as the flood did.
        FLOOD_SECONDS=$(awk -v ms="${wall[$tool.yes]}" 'BEGIN { printf "%.3f", ms / 1000 }')
    done
done

ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
cat <<EOF

## Foreign flood: CPU of a waiting tool while $COUNT replies for another process arrive

\`bench/foreign-flood.sh\`: raw sockets in the lab's client; the tool waits on a blackholed
address while \`ping -f -c $COUNT\` to S runs beside it (median of $TRIALS trials; flood
${wall[wping.yes]} ms). CPU from /proc/PID/schedstat over the flood's time.

| row | wping | iputils | wping / iputils |
| --- | ---: | ---: | ---: |
| CPU during the foreign flood (ms) | $(ms "${cpu[wping.yes]}") | $(ms "${cpu[ping.yes]}") | $(ratio "${cpu[wping.yes]}" "${cpu[ping.yes]}") |
| CPU over as long without a flood (ms) | $(ms "${cpu[wping.no]}") | $(ms "${cpu[ping.no]}") | $(ratio "${cpu[wping.no]}" "${cpu[ping.no]}") |
| replies counted during the flood | ${got[wping.yes]} | ${got[ping.yes]} | |
EOF
