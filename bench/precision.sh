#!/usr/bin/env bash
# bench/precision.sh: a measuring instrument (issue 15, parts 1, 2 and 4). Called by bench/run,
# which exports what it needs (below); prints its Markdown section on stdout, progress on
# stderr. Three groups of rows:
#
#  1. Flood against the floor: bench/floor (the engine's socket kind and options, `sendto`
#     then a blocking `recvmsg`, nothing else) against `wping --interval=0 -n N --quiet` and
#     `ping -f -q -c N`, N loopback echoes, in a namespace with only lo: raw sockets (root),
#     and datagram sockets in a second one whose ping_group_range allows them (iputils is
#     not run there: as root it would still take a raw socket). `floor -T` also takes the
#     kernel's transmit stamps and reads each from the error queue: the price of the stamps,
#     which is why a flood does without them. Time = wall time of the whole process.
#  2. The tool's share of the RTT error with transmit stamps: `wping --interval=10 -n M
#     --format=json` to the lab's server, datagram and raw sockets; per sequence number,
#     |reported RTT - wire RTT|, the wire RTT taken by the referee bench/sniff.py (AF_PACKET
#     on the client's veth, kernel stamps); and the clock pair the JSON names.
#  3. Accuracy against the self-measuring fake host: `* delay=20`, counted from the kernel's
#     arrival of each request at the fake host's TUN (a packet socket's stamp), not from
#     when the fake host read it; |reported - 20 ms| for wping on both socket kinds, the same
#     for the wire, and the fake host's own error from its --timing file (how late it began
#     each answer's write, and how long after the arrival it read the request).
#
# Trials alternate the order of the programs. From bench/run: WPING PING LO_NS W TRIALS
# FAKEHOST FLOOR. Own knobs: BENCH_FLOOR_COUNT [100000], BENCH_PRECISION_COUNT [200] (the
# tool's share), BENCH_PRECISION_ACC_COUNT [100] (accuracy, 25 ms apart). About 2 minutes.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
ROOT=$PWD
: "${WPING:?} ${PING:?} ${LO_NS:?} ${W:?} ${TRIALS:?} ${FAKEHOST:?} ${FLOOR:?}"
N=${BENCH_FLOOR_COUNT:-100000}
M=${BENCH_PRECISION_COUNT:-200}
ACC_M=${BENCH_PRECISION_ACC_COUNT:-100}
DELAY_MS=20
P="$W/precision"
mkdir -p "$P"

say() { printf '[bench precision] %s\n' "$*" >&2; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; else print "nan" }'; }
field() { # field KEY "key=value ..."
    local word
    for word in $2; do
        [[ $word == "$1="* ]] && echo "${word#*=}" && return 0
    done
    echo nan
}
fmt() { awk -v v="$1" -v d="${2:-1}" 'BEGIN { if (v == "nan" || v == "") print "-"; else printf "%.*f", d, v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.3f", a / b }'; }
verdict() { # verdict VALUE OP LIMIT
    awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v == "-" || v == "nan") print "**not measured**";
        else if ((op == "<=" && v <= l) || (op == ">=" && v >= l)) print "met"; else print "**not met**" }'
}

DG_NS="wpb$$-dg"
LAB_MADE=0
SNIFF_PID=
# shellcheck source=tests/lab/lab.bash
source "$ROOT/tests/lab/lab.bash"
cleanup() {
    if [[ -n $SNIFF_PID ]]; then
        kill "$SNIFF_PID" 2>/dev/null || true
        wait "$SNIFF_PID" 2>/dev/null || true
    fi
    ((LAB_MADE)) && lab_destroy
    ip netns del "$DG_NS" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$DG_NS"
ip -n "$DG_NS" link set lo up
ip netns exec "$DG_NS" sysctl -qw net.ipv4.ping_group_range="0 2147483647"

# ---- 1. flood against the floor ----
# Prints the wall time in seconds of one run, or nothing when it failed.
timed() {
    local ns=$1 t0 t1 rc=0
    shift
    t0=$EPOCHREALTIME
    ip netns exec "$ns" timeout 120 "$@" >/dev/null 2>>"$P/flood.err" || rc=$?
    t1=$EPOCHREALTIME
    ((rc == 0)) && awk -v a="${t0}" -v b="${t1}" 'BEGIN { printf "%.6f\n", b - a }'
    return 0
}
flood_run() { # flood_run KIND PROGRAM
    local ns=$LO_NS kind=$1
    [[ $kind == dgram ]] && ns=$DG_NS
    case $2 in
    floor) timed "$ns" "$FLOOR" -k "$kind" -c "$N" 127.0.0.1 ;;
    floor-T) timed "$ns" "$FLOOR" -k "$kind" -T -c "$N" 127.0.0.1 ;;
    wping) timed "$ns" "$WPING" --interval=0 -n "$N" --quiet 127.0.0.1 ;;
    iputils) timed "$ns" "$PING" -f -q -c "$N" 127.0.0.1 ;;
    esac
}
say "1. flood: $TRIALS trials of $N loopback echoes, floor / floor -T / wping / iputils"
for kind in raw dgram; do
    programs=(floor floor-T wping)
    [[ $kind == raw ]] && programs+=(iputils)
    for ((t = 1; t <= TRIALS; t++)); do
        order=("${programs[@]}")
        ((t % 2)) || order=($(printf '%s\n' "${programs[@]}" | tac))
        for program in "${order[@]}"; do
            flood_run "$kind" "$program" >>"$P/flood-$kind-$program"
        done
    done
done
flood_median() { if [[ -s $P/flood-$1-$2 ]]; then median <"$P/flood-$1-$2"; else echo nan; fi; }

# ---- the lab for 2 and 3 ----
say "lab: creating namespaces"
lab_create
LAB_MADE=1
sniff_start() {
    local i
    rm -f "$1.ready"
    ip netns exec "$LAB_C" timeout 120 python3 "$ROOT/bench/sniff.py" --dev c0 \
        --ready-file "$1.ready" --max-seconds 100 --drain-ms 2 >"$1.sniff" 2>"$1.sniff-err" &
    SNIFF_PID=$!
    for ((i = 0; i < 100; i++)); do
        [[ -e $1.ready ]] && return 0
        sleep 0.05
    done
    say "sniff.py not ready within 5 s: $(cat "$1.sniff-err")"
    return 1
}
sniff_stop() {
    sleep 0.1
    kill "$SNIFF_PID" 2>/dev/null || true
    wait "$SNIFF_PID" 2>/dev/null || true
    SNIFF_PID=
}
# Runs wping with ARGS in the client under the referee: PREFIX.out (JSON), PREFIX.sniff.
wping_wired() {
    local prefix=$1
    shift
    sniff_start "$prefix" || return 1
    ip netns exec "$LAB_C" timeout 60 "$WPING" --format=json "$@" >"$prefix.out" \
        2>"$prefix.err" || true
    sniff_stop
}
clocks() { jq -r 'select(.type == "reply") | .clock' "$1" | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }'; }

# ---- 2. the tool's share against the wire ----
say "2. tool's share: $TRIALS trials of $M echoes 10 ms apart to $LAB_S4, dgram and raw"
ip netns exec "$LAB_C" timeout 10 "$PING" -c 2 -i 0.2 -W 1 "$LAB_S4" >/dev/null
for ((t = 1; t <= TRIALS; t++)); do
    kinds=(dgram raw)
    ((t % 2)) || kinds=(raw dgram)
    for kind in "${kinds[@]}"; do
        lab_socket_kind "$kind"
        p="$P/share-$kind-$t"
        wping_wired "$p" --interval=10 -n "$M" "$LAB_S4" || continue
        stats=$(python3 bench/analyze.py versus-wire wping "$p.out" "$p.sniff")
        field median "$stats" >>"$P/share-$kind-med"
        field p99 "$stats" >>"$P/share-$kind-p99"
        stats=$(python3 bench/analyze.py rtt wping "$p.out")
        field median "$stats" >>"$P/share-$kind-rtt"
    done
done

# ---- 3. accuracy against the self-measuring fake host ----
say "3. accuracy: $TRIALS trials of $ACC_M echoes to the fake host (delay $DELAY_MS ms from arrival)"
printf '* delay=%s\n' "$DELAY_MS" >"$P/delay.script"
for ((t = 1; t <= TRIALS; t++)); do
    if [[ -n ${LAB_FAKEHOST_PID:-} ]]; then
        kill "$LAB_FAKEHOST_PID" 2>/dev/null || true
        wait "$LAB_FAKEHOST_PID" 2>/dev/null || true
        LAB_FAKEHOST_PID=
    fi
    lab_fakehost "$P/delay.script"
    chrt -f -p 50 "$LAB_FAKEHOST_PID" >/dev/null 2>&1 || true
    ip netns exec "$LAB_C" timeout 10 "$PING" -c 1 -W 1 "$LAB_FAKE4" >/dev/null
    kinds=(dgram raw)
    ((t % 2)) || kinds=(raw dgram)
    for kind in "${kinds[@]}"; do
        lab_socket_kind "$kind"
        p="$P/acc-$kind-$t"
        before=$(wc -l <"$LAB_FAKEHOST_TIMING")
        wping_wired "$p" --interval=25 -n "$ACC_M" "$LAB_FAKE4" || continue
        tail -n +"$((before + 1))" "$LAB_FAKEHOST_TIMING" >"$p.timing"
        stats=$(python3 bench/analyze.py rtt wping "$p.out" --minus-ms "$DELAY_MS")
        field median "$stats" >>"$P/acc-$kind-med"
        field p99 "$stats" >>"$P/acc-$kind-p99"
        stats=$(python3 bench/analyze.py wire "$p.sniff" --minus-ms "$DELAY_MS")
        field median "$stats" >>"$P/acc-$kind-wire"
        stats=$(python3 bench/analyze.py versus-wire wping "$p.out" "$p.sniff")
        field median "$stats" >>"$P/acc-$kind-share"
        # The fake host's own error: late_ns (its write began after the due time) and
        # read_after_ns (its read came after the kernel's arrival: compensated), in us.
        sed -n 's/.* late_ns=\([0-9-]*\).*/\1/p' "$p.timing" | awk '{ print $1 / 1000 }' |
            median >>"$P/acc-late-med"
        sed -n 's/.* late_ns=\([0-9-]*\).*/\1/p' "$p.timing" | sort -g |
            awk '{ v[NR] = $1 } END { if (NR) { r = int(0.99 * NR); if (r < 0.99 * NR) r++; print v[r] / 1000 } }' \
                >>"$P/acc-late-p99"
        sed -n 's/.* read_after_ns=\([0-9-]*\).*/\1/p' "$p.timing" | awk '{ print $1 / 1000 }' |
            median >>"$P/acc-read-med"
        grep -c 'arrival=kernel' "$p.timing" >>"$P/acc-kernel-arrivals" || true
        wc -l <"$p.timing" >>"$P/acc-answers"
    done
done
lab_destroy
LAB_MADE=0

# ---- the section ----
m() { if [[ -s $P/$1 ]]; then median <"$P/$1"; else echo nan; fi; }
raw_floor=$(flood_median raw floor) raw_floor_t=$(flood_median raw floor-T)
raw_wping=$(flood_median raw wping) raw_iputils=$(flood_median raw iputils)
dg_floor=$(flood_median dgram floor) dg_floor_t=$(flood_median dgram floor-T)
dg_wping=$(flood_median dgram wping)
raw_ratio=$(ratio "$raw_wping" "$raw_floor") dg_ratio=$(ratio "$dg_wping" "$dg_floor")
share_dg=$(m share-dgram-med) share_raw=$(m share-raw-med)
share_dg99=$(m share-dgram-p99) share_raw99=$(m share-raw-p99)
acc_dg=$(m acc-dgram-med) acc_raw=$(m acc-raw-med)
cat <<EOF

## A measuring instrument: transmit stamps, the floor, the self-measuring fake host

Written by \`bench/precision.sh\` (issue 15), called by \`bench/run\`; medians over $TRIALS
trials. The floor is \`bench/floor.c\`: the engine's socket kind and options, \`sendto\`
then a blocking \`recvmsg\`, nothing else. \`floor -T\` adds the kernel's transmit stamps
and one error-queue read per echo. wping's flood (\`--interval=0\`) asks for no transmit
stamps; every other run takes them.

| measure | unit | value | against | ratio | target | result |
| --- | --- | ---: | ---: | ---: | --- | --- |
| Flood, raw: floor, $N echoes | s | $(fmt "$raw_floor" 3) | | | | |
| Flood, raw: floor -T (with transmit stamps) | s | $(fmt "$raw_floor_t" 3) | floor $(fmt "$raw_floor" 3) | $(ratio "$raw_floor_t" "$raw_floor") | - (the price of the stamps) | |
| Flood, raw: wping --interval=0 --quiet | s | $(fmt "$raw_wping" 3) | floor $(fmt "$raw_floor" 3) | $raw_ratio | <= 1.1x floor | $(verdict "$raw_ratio" "<=" 1.1) |
| Flood, raw: ping -f -q (iputils) | s | $(fmt "$raw_iputils" 3) | floor $(fmt "$raw_floor" 3) | $(ratio "$raw_iputils" "$raw_floor") | - | |
| Flood, raw: wping rate / iputils rate | | | | $(ratio "$raw_iputils" "$raw_wping") | >= 1.2x iputils where the floor allows (floor/iputils rate $(ratio "$raw_iputils" "$raw_floor")) | $(verdict "$(ratio "$raw_iputils" "$raw_wping")" ">=" 1.2) |
| Flood, dgram: floor | s | $(fmt "$dg_floor" 3) | | | | |
| Flood, dgram: floor -T | s | $(fmt "$dg_floor_t" 3) | floor $(fmt "$dg_floor" 3) | $(ratio "$dg_floor_t" "$dg_floor") | - | |
| Flood, dgram: wping --interval=0 --quiet | s | $(fmt "$dg_wping" 3) | floor $(fmt "$dg_floor" 3) | $dg_ratio | <= 1.1x floor | $(verdict "$dg_ratio" "<=" 1.1) |
| Tool's share, dgram: median abs(reported - wire), $M echoes 10 ms apart | us | $(fmt "$share_dg") | | | <= 5 us | $(verdict "$share_dg" "<=" 5) |
| Tool's share, dgram: p99 | us | $(fmt "$share_dg99") | | | <= 15 us | $(verdict "$share_dg99" "<=" 15) |
| Tool's share, raw: median abs(reported - wire) | us | $(fmt "$share_raw") | | | <= 5 us | $(verdict "$share_raw" "<=" 5) |
| Tool's share, raw: p99 | us | $(fmt "$share_raw99") | | | <= 15 us | $(verdict "$share_raw99" "<=" 15) |
| RTT to the lab's server (median, for scale), dgram / raw | us | $(fmt "$(m share-dgram-rtt)") / $(fmt "$(m share-raw-rtt)") | | | - | |
| Accuracy, dgram: median abs(reported - 20 ms), self-measuring fake host, $ACC_M echoes 25 ms apart | us | $(fmt "$acc_dg") | | | <= 10 us | $(verdict "$acc_dg" "<=" 10) |
| Accuracy, dgram: p99 | us | $(fmt "$(m acc-dgram-p99)") | | | - | |
| Accuracy, raw: median abs(reported - 20 ms) | us | $(fmt "$acc_raw") | | | <= 10 us | $(verdict "$acc_raw" "<=" 10) |
| Accuracy, raw: p99 | us | $(fmt "$(m acc-raw-p99)") | | | - | |
| Referee: median abs(wire RTT - 20 ms), dgram / raw runs (the path's share) | us | $(fmt "$(m acc-dgram-wire)") / $(fmt "$(m acc-raw-wire)") | | | - | |
| Accuracy runs, tool's share: median abs(reported - wire), dgram / raw | us | $(fmt "$(m acc-dgram-share)") / $(fmt "$(m acc-raw-share)") | | | - | |
| Fake host's own error: median / p99 of its lateness at the write | us | $(fmt "$(m acc-late-med)" 3) / $(fmt "$(m acc-late-p99)" 3) | | | - | |
| Fake host: median time from the kernel's arrival to its read (compensated) | us | $(fmt "$(m acc-read-med)") | | | - | |
| Fake host: answers timed from the kernel's arrival stamp (per run, median) | | $(m acc-kernel-arrivals) of $(m acc-answers) | | | - | |

Clock pairs the JSON named (last trial): tool's share dgram: $(clocks "$P/share-dgram-$TRIALS.out"); raw: $(clocks "$P/share-raw-$TRIALS.out").

Per-trial values: flood raw floor / floor -T / wping / iputils (s): $(paste -sd' ' "$P/flood-raw-floor") / $(paste -sd' ' "$P/flood-raw-floor-T") / $(paste -sd' ' "$P/flood-raw-wping") / $(paste -sd' ' "$P/flood-raw-iputils"); dgram floor / floor -T / wping: $(paste -sd' ' "$P/flood-dgram-floor") / $(paste -sd' ' "$P/flood-dgram-floor-T") / $(paste -sd' ' "$P/flood-dgram-wping"); tool's share median dgram / raw (us): $(paste -sd' ' "$P/share-dgram-med") / $(paste -sd' ' "$P/share-raw-med"); accuracy median dgram / raw (us): $(paste -sd' ' "$P/acc-dgram-med") / $(paste -sd' ' "$P/acc-raw-med").

Notes:

- The wire RTT (bench/sniff.py) is stamped by the kernel on the client's veth as the request
  leaves (\`dev_queue_xmit_nit\`, just before the driver) and as the reply arrives; wping's
  transmit stamp is the driver's (\`skb_tx_timestamp\`), its receive stamp the same arrival
  stamp. What is left between them is the stack between those points and wping's rounding to
  the microsecond of its JSON.
- The fake host counts each delay from the kernel's stamp of the request on its TUN device
  (an AF_PACKET socket there, SO_TIMESTAMPNS), waits out the last 200 us on the clock and
  logs how late its write began (--timing). Its write into the TUN carries the reply through
  the router to the client inside the same system call, so abs(reported - 20 ms) is the
  path both ways plus the tool: the referee row shows the path's share.
- A busy machine (the load average is in the header of RESULTS.md) lengthens the path and the
  floods for every program alike; compare ratios.
EOF
