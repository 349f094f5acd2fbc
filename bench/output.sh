#!/usr/bin/env bash
# bench/output.sh: per-line flood output, wping against iputils ping (issue 15, "Output that
# keeps up"). Called by bench/run, which exports what it needs (below); prints its Markdown
# section on stdout, progress on stderr.
#
#   wping --interval=0 -n N 127.0.0.1 > /dev/null    against    ping -i 0 -c N 127.0.0.1 > /dev/null
#
# Both print every reply line. Each trial runs both, in alternating order, in bench/run's
# namespace that has only loopback (raw sockets, root); the rate is N divided by the wall
# time of the whole process. A second, shorter run of each under
# `strace -c` counts the write(2) calls per reply line: wping writes a burst of ready lines at
# once, iputils one line per write.
#
# From bench/run: WPING PING LO_NS W TRIALS. Own knobs: BENCH_OUTPUT_COUNT [100000],
# BENCH_OUTPUT_STRACE_COUNT [10000].
set -euo pipefail
export LC_ALL=C
: "${WPING:?} ${PING:?} ${LO_NS:?} ${W:?} ${TRIALS:?}"
N=${BENCH_OUTPUT_COUNT:-100000}
STRACE_N=${BENCH_OUTPUT_STRACE_COUNT:-10000}

say() { printf '[bench output] %s\n' "$*" >&2; }
calc() { awk "BEGIN { printf \"%.${2:-0}f\", $1 }"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Runs TOOL once in the namespace with stdout on /dev/null: prints its wall time in
# microseconds, or nothing when it failed. The rate is N over that time: a lost reply would
# cost its whole -w / -W wait, so losses can only make a tool look slower.
flood() {
    local tool=$1 err="$W/output-$1.err" t0 t1 rc=0
    t0=$EPOCHREALTIME
    if [[ $tool == wping ]]; then
        ip netns exec "$LO_NS" timeout 120 "$WPING" --interval=0 -n "$N" 127.0.0.1 \
            >/dev/null 2>"$err" || rc=$?
    else
        ip netns exec "$LO_NS" timeout 120 "$PING" -i 0 -c "$N" 127.0.0.1 \
            >/dev/null 2>"$err" || rc=$?
    fi
    t1=$EPOCHREALTIME
    ((rc == 0)) && echo "$((${t1/./} - ${t0/./}))"
}

say "per-line flood output: $TRIALS trials of $N echoes each"
: >"$W/output-rates"
for ((t = 1; t <= TRIALS; t++)); do
    if ((t % 2)); then tools="wping iputils"; else tools="iputils wping"; fi
    for tool in $tools; do
        wall=$(flood "$tool" || true)
        if [[ -z $wall ]]; then
            say "$tool trial $t failed: $(head -n 1 "$W/output-$tool.err")"
            continue
        fi
        echo "$tool $(calc "$N * 1000000 / $wall")" >>"$W/output-rates"
    done
done
rate() { awk -v tool="$1" '$1 == tool { print $2 }' "$W/output-rates" | median; }
WPING_RATE=$(rate wping)
PING_RATE=$(rate iputils)

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

ratio=n/a
verdict="not measured"
if [[ -n $WPING_RATE && -n $PING_RATE ]]; then
    ratio=$(calc "$WPING_RATE / $PING_RATE" 3)
    if awk "BEGIN { exit !($ratio >= 1.0) }"; then verdict="met"; else verdict="not met"; fi
fi

cat <<EOF

## Per-line flood output (bench/output.sh)

\`wping --interval=0 -n $N 127.0.0.1 > /dev/null\` against \`ping -i 0 -c $N 127.0.0.1 > /dev/null\`,
every reply line printed, in a namespace with only loopback, $TRIALS trials in alternating
order (median). Target (issue 15): wping's rate at least 1.0x iputils'.

| row | wping | iputils | ratio (wping / iputils) | target |
| --- | ---: | ---: | ---: | --- |
| echoes per second, per-line output | ${WPING_RATE:-n/a} | ${PING_RATE:-n/a} | ${ratio}x | >= 1.0x: $verdict |
| write(2) calls per reply line ($STRACE_N echoes, strace -c) | ${WPING_WRITES:-n/a} | ${PING_WRITES:-n/a} | | |
EOF
