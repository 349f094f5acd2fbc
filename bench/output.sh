#!/usr/bin/env bash
# bench/output.sh: per-line flood output, wping against iputils ping (issue 15, "Output that
# keeps up"). Called by bench/run, which exports what it needs (below); prints its Markdown
# section on stdout, progress on stderr.
#
#   wping --interval=0 -n N 127.0.0.1 > /dev/null    against    ping -i 0 -c N 127.0.0.1 > /dev/null
#
# Both print every reply line. Each trial runs both, back to back in alternating order, in
# bench/run's namespace that has only loopback (raw sockets, root); the rate is N divided by
# the wall time of the whole process, the CPU time is GNU time's user + system. A second,
# shorter run of each under `strace -c` counts the write(2) calls per reply line: wping
# writes a burst of ready lines at once, iputils one line per write.
#
# A third run of each under callgrind counts the instructions each executes in user space
# per echo, which the machine's load cannot change.
#
# From bench/run: WPING PING LO_NS W TRIALS. Own knobs: BENCH_OUTPUT_COUNT [100000],
# BENCH_OUTPUT_STRACE_COUNT [10000], BENCH_OUTPUT_CALLGRIND_COUNT [5000].
set -euo pipefail
export LC_ALL=C
: "${WPING:?} ${PING:?} ${LO_NS:?} ${W:?} ${TRIALS:?}"
N=${BENCH_OUTPUT_COUNT:-100000}
STRACE_N=${BENCH_OUTPUT_STRACE_COUNT:-10000}
CALLGRIND_N=${BENCH_OUTPUT_CALLGRIND_COUNT:-5000}

say() { printf '[bench output] %s\n' "$*" >&2; }
calc() { awk "BEGIN { printf \"%.${2:-0}f\", $1 }"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Runs TOOL once in the namespace with stdout on /dev/null: prints its wall time and its CPU
# time (user + system, GNU time) in microseconds, or nothing when it failed. The rate is N
# over the wall time: a lost reply would cost its whole -w / -W wait, so losses can only make
# a tool look slower.
flood() {
    local tool=$1 err="$W/output-$1.err" cpu="$W/output-$1.cpu" t0 t1 rc=0
    t0=$EPOCHREALTIME
    if [[ $tool == wping ]]; then
        ip netns exec "$LO_NS" timeout 120 /usr/bin/time -f '%U %S' -o "$cpu" \
            "$WPING" --interval=0 -n "$N" 127.0.0.1 >/dev/null 2>"$err" || rc=$?
    else
        ip netns exec "$LO_NS" timeout 120 /usr/bin/time -f '%U %S' -o "$cpu" \
            "$PING" -i 0 -c "$N" 127.0.0.1 >/dev/null 2>"$err" || rc=$?
    fi
    t1=$EPOCHREALTIME
    ((rc == 0)) && echo "$((${t1/./} - ${t0/./})) $(awk '{ printf "%d", ($1 + $2) * 1000000 }' "$cpu")"
}

say "per-line flood output: $TRIALS trials of $N echoes each"
: >"$W/output-rates"
for ((t = 1; t <= TRIALS; t++)); do
    if ((t % 2)); then tools="wping iputils"; else tools="iputils wping"; fi
    declare -A trial=()
    for tool in $tools; do
        read -r wall cpu < <(flood "$tool" || true)
        if [[ -z ${wall:-} ]]; then
            say "$tool trial $t failed: $(head -n 1 "$W/output-$tool.err")"
            continue
        fi
        trial[$tool]=$(calc "$N * 1000000 / $wall")
        echo "$tool ${trial[$tool]} $(calc "$cpu / $N" 3)" >>"$W/output-rates"
    done
    # The pair of one trial ran back to back: their ratio shares the machine's state.
    if [[ -n ${trial[wping]:-} && -n ${trial[iputils]:-} ]]; then
        echo "ratio $(calc "${trial[wping]} / ${trial[iputils]}" 3)" >>"$W/output-rates"
    fi
    unset trial
done
column_of() { awk -v key="$1" -v col="$2" '$1 == key { print $col }' "$W/output-rates" | median; }
WPING_RATE=$(column_of wping 2)
PING_RATE=$(column_of iputils 2)
WPING_CPU=$(column_of wping 3)
PING_CPU=$(column_of iputils 3)
RATIO=$(column_of ratio 2)

# write(2) calls per reply line, from strace -c (a shorter run: strace slows both alike).
writes_per_line() {
    local tool=$1 trace="$W/output-$1.strace"
    if [[ $tool == wping ]]; then
        ip netns exec "$LO_NS" timeout 120 strace -f -qq -c -e trace=write -o "$trace" \
            "$WPING" --interval=0 -n "$STRACE_N" 127.0.0.1 >/dev/null 2>&1 || return 0
    else
        ip netns exec "$LO_NS" timeout 120 strace -f -qq -c -e trace=write -o "$trace" \
            "$PING" -i 0 -c "$STRACE_N" 127.0.0.1 >/dev/null 2>&1 || return 0
    fi
    awk -v n="$STRACE_N" '$NF == "write" { printf "%.4f", $(NF - 1) / n }' "$trace"
}
WPING_WRITES=$(writes_per_line wping)
PING_WRITES=$(writes_per_line iputils)

# User-space instructions per echo, from callgrind: the one row that a busy machine cannot
# move. ping is copied first (valgrind cannot run a program with file capabilities).
instructions_per_echo() {
    local tool=$1 out="$W/output-$1.callgrind" program=$WPING
    command -v valgrind >/dev/null || return 0
    if [[ $tool == iputils ]]; then
        program=$W/output-ping
        cp "$PING" "$program"
    fi
    if [[ $tool == wping ]]; then
        ip netns exec "$LO_NS" timeout 300 valgrind -q --tool=callgrind --callgrind-out-file="$out" \
            "$program" --interval=0 -n "$CALLGRIND_N" 127.0.0.1 >/dev/null 2>&1 || return 0
    else
        ip netns exec "$LO_NS" timeout 300 valgrind -q --tool=callgrind --callgrind-out-file="$out" \
            "$program" -i 0 -c "$CALLGRIND_N" 127.0.0.1 >/dev/null 2>&1 || return 0
    fi
    awk -v n="$CALLGRIND_N" '/^summary:/ { printf "%d", $2 / n }' "$out"
}
WPING_IR=$(instructions_per_echo wping)
PING_IR=$(instructions_per_echo iputils)
ir_ratio=
[[ -n $WPING_IR && -n $PING_IR ]] && ir_ratio=$(calc "$WPING_IR / $PING_IR" 3)x

verdict="not measured"
if [[ -n $RATIO ]]; then
    if awk "BEGIN { exit !($RATIO >= 1.0) }"; then verdict="met"; else verdict="not met"; fi
fi
cpu_ratio=
[[ -n $WPING_CPU && -n $PING_CPU ]] && cpu_ratio=$(calc "$WPING_CPU / $PING_CPU" 3)x

cat <<EOF

## Per-line flood output (bench/output.sh)

\`wping --interval=0 -n $N 127.0.0.1 > /dev/null\` against \`ping -i 0 -c $N 127.0.0.1 > /dev/null\`,
every reply line printed, in a namespace with only loopback, $TRIALS trials in alternating
order. Rates and CPU are medians over the trials; the ratio is the median of each trial's
own wping / iputils ratio (the two runs of a trial are back to back). Target (issue 15):
wping's rate at least 1.0x iputils'. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).

| row | wping | iputils | ratio (wping / iputils) | target |
| --- | ---: | ---: | ---: | --- |
| echoes per second, per-line output | ${WPING_RATE:-n/a} | ${PING_RATE:-n/a} | ${RATIO:-n/a}x | >= 1.0x: $verdict |
| CPU per echo, µs (user + system) | ${WPING_CPU:-n/a} | ${PING_CPU:-n/a} | ${cpu_ratio:-n/a} | |
| write(2) calls per reply line ($STRACE_N echoes, strace -c) | ${WPING_WRITES:-n/a} | ${PING_WRITES:-n/a} | | |
| user-space instructions per echo ($CALLGRIND_N echoes, callgrind) | ${WPING_IR:-n/a} | ${PING_IR:-n/a} | ${ir_ratio:-n/a} | |
EOF
