#!/usr/bin/env bash
# bench/path.sh: the path modes (issue 14) on the router chain of tests/lab/lab.bash, beside
# iputils tracepath on the same paths. Prints its section of bench/RESULTS.md (between the
# "path" markers): bench/run appends it to the report, as one of its SECTIONS. Run alone, it
# also puts the section into $BENCH_OUT (bench/RESULTS.md), replacing the one there:
#
#   sudo WPING=build/release/src/command/wping bench/path.sh
#
# Rows: probes per limiting hop when every router reports its MTU (target at most 3); probes
# after the silence of an MTU black hole (target at most ceil(log2(range)) + 2, range = the
# first unanswered size less the smallest size every link carries); the time of a whole trace
# against 1.5 x (hops x the slowest hop's RTT) plus one -w per silent hop; and tracepath's MTU
# and probe count on the same paths. Probes are counted on the wire: an nftables counter in the
# client's output hook (ICMP echo requests for wping, UDP for tracepath), so probes this host
# refused are not counted for either. Packets go only to the chain's namespaces.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${BENCH_OUT:-bench/RESULTS.md}
WPING=${WPING:-$ROOT/build/release/src/command/wping}
TRIALS=${BENCH_TRIALS:-${TRIALS:-5}}
TRACE_W=500 # -w of the trace with a silent hop
DELAY_MS=20 # the fake host's answer delay for the trace with real round trips
FAKEHOST=${FAKEHOST:-$ROOT/build/dev/tests/fakehost/fakehost}

[[ $(id -u) -eq 0 ]] || {
    echo "bench/path.sh: run as root (network namespaces)" >&2
    exit 1
}
[[ -x $WPING ]] || {
    echo "bench/path.sh: $WPING is not built" >&2
    exit 1
}
command -v tracepath >/dev/null || {
    echo "bench/path.sh: tracepath (iputils-tracepath) is not installed" >&2
    exit 1
}
# shellcheck source=tests/lab/lab.bash
source "$ROOT/tests/lab/lab.bash"
skip() {
    echo "bench/path.sh: $*" >&2
    exit 1
}
W=$(mktemp -d /tmp/wping-path.XXXXXX)
cleanup() {
    lab_destroy
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A fresh counter of the client's outgoing probes, and an empty path-MTU cache, so that each
# tool starts from what the routers say; prints nothing. count_start
count_start() {
    ip -n "$LAB_C" -4 route flush cache 2>/dev/null || true
    ip -n "$LAB_C" -6 route flush cache 2>/dev/null || true
    lab_nft "$LAB_C" <<'EOF'
    chain probes_out {
        type filter hook output priority 0; policy accept;
        icmp type echo-request counter
        icmpv6 type echo-request counter
        meta l4proto udp counter
    }
EOF
}

# The packets the last counter table saw: count_read icmp|udp
count_read() {
    local rules
    rules=$(ip netns exec "$LAB_C" nft list table inet "lab$LAB_TABLES")
    if [[ $1 == udp ]]; then
        grep 'l4proto udp' <<<"$rules" | grep -o 'packets [0-9]*' | cut -d' ' -f2
    else
        grep -E 'icmpv?6? type echo-request' <<<"$rules" | grep -o 'packets [0-9]*' |
            awk '{ n += $2 } END { print n + 0 }'
    fi
}

server() { if [[ $1 == 4 ]]; then echo "$LAB_S4"; else echo "$LAB_S6"; fi; }

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 |"); }

# ---- MTU when every router reports it, and tracepath on the same path ----
lab_chain_create
lab_chain_warm6
for family in 4 6; do
    for kind in dgram raw; do
        lab_socket_kind "$kind"
        count_start
        lab_client timeout 60 "$WPING" --json --mtu -w 1000 "$(server "$family")" >"$W/mtu.json"
        wire=$(count_read icmp)
        mtu=$(jq -r 'select(.type == "mtu") | .mtu' "$W/mtu.json")
        probes=$(jq -r 'select(.type == "mtu") | .probes' "$W/mtu.json")
        per=$(awk -v p="$probes" 'BEGIN { printf "%.2f", p / 3 }')
        verdict=$(awk -v p="$per" 'BEGIN { print (p <= 3 ? "met" : "MISSED") }')
        row "IPv$family $kind: --mtu, 3 routers report (1500 → $( [[ $family == 4 ]] && echo 1480 1400 1320 || echo 1420 1360 1280))" \
            "MTU $mtu, $probes probes ($wire on the wire): $per per limiting hop" "≤ 3 per hop" "$verdict" ""
    done
    count_start
    lab_client timeout 60 tracepath -n "$(server "$family")" >"$W/tracepath.txt" 2>&1 || true
    wire=$(count_read udp)
    tmtu=$(grep -o 'Resume: pmtu [0-9]*' "$W/tracepath.txt" | awk '{ print $3 }' || true)
    row "IPv$family: tracepath -n, same path" "MTU ${tmtu:-none}, $wire probes on the wire" \
        "same MTU, more probes than wping" \
        "$([[ ${tmtu:-} == "$mtu" && $wire -gt $probes ]] && echo met || echo "MISSED")" \
        "tracepath also traces the hops"
done
lab_destroy

# ---- MTU black hole: the last router drops its fragmentation needed / packet too big ----
lab_chain_create
lab_chain_warm6
lab_chain_blackhole 3
for family in 4 6; do
    lab_socket_kind dgram
    count_start
    lab_client timeout 120 "$WPING" --json --mtu -w 200 "$(server "$family")" >"$W/bh.json" || true
    wire=$(count_read icmp)
    mtu=$(jq -r 'select(.type == "mtu") | .mtu' "$W/bh.json")
    probes=$(jq -r 'select(.type == "mtu") | .probes' "$W/bh.json")
    first=$(jq -s '[.[] | select(.type == "mtu_probe" and .status == 11010)][0].probe' "$W/bh.json")
    silent=$(jq -s '[.[] | select(.type == "mtu_probe" and .status == 11010)][0].size' "$W/bh.json")
    min=$([[ $family == 4 ]] && echo 68 || echo 1280)
    after=$((probes - first + 1))
    bound=$(python3 -c "import math; print(math.ceil(math.log2($silent - $min)) + 2)")
    row "IPv$family: --mtu through a black hole (router 3 silent), -w 200" \
        "MTU $mtu, $probes probes ($wire on the wire): $((first - 1)) reported, $after from the silence on" \
        "≤ ⌈log2($silent − $min)⌉ + 2 = $bound after the silence" \
        "$( ((after <= bound)) && echo met || echo MISSED)" ""
    count_start
    lab_client timeout 60 tracepath -n -m 6 "$(server "$family")" >"$W/tracepath.txt" 2>&1 || true
    wire=$(count_read udp)
    tmtu=$(grep -o 'Resume: pmtu [0-9]*' "$W/tracepath.txt" | awk '{ print $3 }' || true)
    row "IPv$family: tracepath -n -m 6, same black hole" "MTU ${tmtu:-none} (the path's is $mtu), $wire probes" \
        "" "" "tracepath has no bisection: it keeps the last reported size"
done
lab_destroy

# Runs TRIALS traces with ARGS in the client; appends "elapsed_ms slowest_rtt_ms" per trace to
# FILE: trace_trials FILE ARGS...
trace_trials() {
    local file=$1 t elapsed slowest
    shift
    : >"$file"
    for ((t = 1; t <= TRIALS; t++)); do
        lab_client timeout 60 "$WPING" --json --traceroute "$@" >"$W/tr.json"
        elapsed=$(jq -r 'select(.type == "trace_end") | .elapsed_ms' "$W/tr.json")
        slowest=$(jq -s '[.[] | select(.type == "hop") | .probes[] | .rtt_ms // 0] | max' "$W/tr.json")
        echo "$elapsed $slowest" >>"$file"
    done
}

# The median trace of FILE: "elapsed slowest".
trace_median() {
    sort -n "$1" | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'
}

# ---- traceroute time: all probes of a window of hops go out together ----
lab_chain_create
lab_chain_warm6
lab_socket_kind dgram
trace_trials "$W/tr-all.txt" -w 1000 "$LAB_S4"
lab_chain_silent 2
trace_trials "$W/tr-silent.txt" -w "$TRACE_W" "$LAB_S4"
lab_destroy
# median of the elapsed times, with the slowest RTT of the same runs
read -r el sl < <(trace_median "$W/tr-all.txt")
bound=$(awk -v s="$sl" 'BEGIN { printf "%.3f", 1.5 * 4 * s }')
row "IPv4 dgram: --traceroute, 4 rows (3 routers and the target), median of $TRIALS" \
    "${el} ms (slowest probe RTT ${sl} ms)" "< 1.5 × 4 × ${sl} = ${bound} ms" \
    "$(awk -v e="$el" -v b="$bound" 'BEGIN { print (e < b ? "met" : "MISSED") }')" \
    "lab RTTs are tens of microseconds: the cost of sending and reading 30 probes dominates"
read -r el sl < <(trace_median "$W/tr-silent.txt")
bound=$(awk -v s="$sl" -v w="$TRACE_W" 'BEGIN { printf "%.3f", 1.5 * 4 * s + 3 * w }')
strict=$(awk -v s="$sl" -v w="$TRACE_W" 'BEGIN { printf "%.3f", 1.5 * 4 * s + w }')
row "IPv4 dgram: --traceroute, router 2 silent, -w $TRACE_W, median of $TRIALS" \
    "${el} ms (slowest probe RTT ${sl} ms)" \
    "< 1.5 × 4 × ${sl} + the silent hop's 3 timeouts = ${bound} ms (tracert.exe waits them one after another)" \
    "$(awk -v e="$el" -v b="$bound" 'BEGIN { print (e < b ? "met" : "MISSED") }')" \
    "the three timeouts run together: about one -w; against one -w (${strict} ms) $(awk -v e="$el" -v b="$strict" 'BEGIN { print (e < b ? "met" : "missed by " e - b " ms") }')"

# ---- traceroute time with round trips that are not free: the fake host answers late ----
# C -> R -> the fake host on a TUN in R (lab_create), which answers every probe that reaches
# it DELAY_MS late: 2 rows, the router's (tens of microseconds) and the fake host's.
if [[ -x $FAKEHOST ]]; then
    lab_create
    lab_socket_kind dgram
    printf '* delay=%s\n' "$DELAY_MS" >"$W/delay.script"
    lab_fakehost "$W/delay.script"
    trace_trials "$W/tr-delay.txt" -w 1000 "$LAB_FAKE4"
    lab_destroy
    read -r el sl < <(trace_median "$W/tr-delay.txt")
    bound=$(awk -v s="$sl" 'BEGIN { printf "%.3f", 1.5 * 2 * s }')
    row "IPv4 dgram: --traceroute to the fake host answering ${DELAY_MS} ms late, 2 rows, median of $TRIALS" \
        "${el} ms (slowest probe RTT ${sl} ms)" "< 1.5 × 2 × ${sl} = ${bound} ms" \
        "$(awk -v e="$el" -v b="$bound" 'BEGIN { print (e < b ? "met" : "MISSED") }')" \
        "tracert.exe, one probe after another: 3 × ${DELAY_MS} ms for the last row alone"
else
    row "--traceroute to a delayed fake host" "not measured" "" "" "no fake host binary at $FAKEHOST"
fi

section=$(
    echo "<!-- path: written by bench/path.sh -->"
    echo "## The path: --mtu and --traceroute against tracepath (issue 14)"
    echo
    echo "On the router chain of tests/lab/lab.bash (links of 1500, 1480, 1400, 1320 bytes for"
    echo "IPv4 and 1500, 1420, 1360, 1280 for IPv6); probes counted by an nftables counter on the"
    echo "client's output hook. $(date -u +%Y-%m-%d), load $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "| case | measured | target | | note |"
    echo "| --- | --- | --- | --- | --- |"
    printf '%s\n' "${rows[@]}"
    echo "<!-- /path -->"
)
if [[ -n ${LO_NS:-} ]]; then
    : # a section of bench/run (which exports LO_NS): it appends what is printed below
elif [[ -f $OUT ]] && grep -q '^<!-- path: ' "$OUT"; then
    python3 - "$OUT" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
text = re.sub(r"<!-- path: .*?<!-- /path -->", lambda m: section, text, flags=re.S)
open(path, "w").write(text)
PY
else
    printf '\n%s\n' "$section" >>"$OUT"
fi
printf '\n%s\n' "$section"
