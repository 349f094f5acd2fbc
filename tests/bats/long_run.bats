#!/usr/bin/env bats
# Long runs (issue 6, item 6): 200 000 requests to loopback as fast as they are answered
# (--interval=0), on datagram and raw sockets, IPv4 and IPv6, inside the lab's client
# namespace. The counters must be exact, the memory must not grow with the number of
# requests, and the 16-bit ICMP sequence number must wrap past 65535 (three times in 200 000
# requests) with nothing lost or counted twice.
#
# Memory is measured while the run goes on: Ctrl-Break (SIGQUIT) makes wping print its
# statistics so far, which says how many requests it has made; VmRSS from /proc/<pid>/status
# after the first 10 000 requests is compared with VmHWM (the peak) near the end.
#
# WPING_LONG_RUN_COUNT changes the number of requests (default 200000), for slow machines.

load wping_common

COUNT=${WPING_LONG_RUN_COUNT:-200000}
# The most the resident set may grow between the early sample and the end. Nothing in a run
# is kept per request; what little may move is the C library's buffers and page rounding.
GROWTH_KB=256

setup_file() { wping_setup_file; }
teardown() {
    if [[ -n $BG_PID ]]; then
        kill -KILL "$BG_PID" 2>/dev/null || true
        wait "$BG_PID" 2>/dev/null || true
    fi
    wping_teardown
}

# The loopback address of FAMILY.
loopback() { if [[ $1 == 4 ]]; then echo 127.0.0.1; else echo ::1; fi; }

# Sets RSS_KB and HWM_KB from /proc/PID/status (empty once the process is gone), with bash
# builtins only, so that sampling takes little from the run it measures.
vm_sample() {
    local key value
    RSS_KB='' HWM_KB=''
    while read -r key value _; do
        case $key in
        VmHWM:) HWM_KB=$value ;;
        VmRSS:) RSS_KB=$value ;;
        esac
    done <"/proc/$1/status" 2>/dev/null || true
}

# Requests made so far, from the last "Sent = N" that Ctrl-Break made wping print.
sent_so_far() {
    grep -o 'Sent = [0-9]*' "$1" | tail -n 1 | sed 's/Sent = //'
}

@test "200 000 requests at --interval=0: exact counters and constant memory (both socket kinds and families)" {
    local kind family target out i sent early_rss='' late_hwm='' last_sent=0
    out="$BATS_TEST_TMPDIR/out"
    for kind in dgram raw; do
        lab_socket_kind "$kind"
        for family in 4 6; do
            target=$(loopback "$family")
            echo "# case: $kind socket, $target" >&2
            early_rss='' late_hwm='' last_sent=0
            # ip netns exec execs wping: $BG_PID is wping's own.
            ip netns exec "$LAB_C" "$WPING" --interval=0 -n "$COUNT" --quiet "$target" \
                >"$out" 2>"$out.err" 3>&- &
            BG_PID=$!
            # SIGQUIT before wping catches it would end it: wait for the header first.
            for ((i = 0; i < 250; i++)); do
                grep -q '^Pinging' "$out" && break
                sleep 0.02
            done
            # Bounded: at most 120 s of samples, 10 a second; then the run has failed.
            for ((i = 0; i < 1200; i++)); do
                kill -QUIT "$BG_PID" 2>/dev/null || break
                sleep 0.1
                vm_sample "$BG_PID"
                sent=$(sent_so_far "$out")
                [[ -n $sent && -n $HWM_KB ]] || continue
                if [[ -z $early_rss ]] && ((sent >= 10000)); then
                    early_rss=$RSS_KB
                    echo "# after $sent requests: VmRSS $early_rss kB" >&2
                fi
                if ((sent > last_sent)); then
                    last_sent=$sent late_hwm=$HWM_KB
                fi
            done
            kill -0 "$BG_PID" 2>/dev/null && fail "the run did not end within 120 s"
            status=0
            wait "$BG_PID" || status=$?
            BG_PID=
            echo "# after $last_sent requests: VmHWM $late_hwm kB" >&2
            assert_equal "$status" 0
            assert_equal "$(<"$out.err")" ""
            # The last block is the final statistics (the others came from Ctrl-Break).
            output=$(tail -n 5 "$out")
            assert_wping_output <<EOF

Ping statistics for $target:
    Packets: Sent = $COUNT, Received = $COUNT, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
EOF
            [[ -n $early_rss ]] || fail "no memory sample after 10 000 requests"
            ((last_sent >= COUNT * 3 / 4)) ||
                fail "the last memory sample came after only $last_sent requests"
            ((late_hwm - early_rss <= GROWTH_KB)) ||
                fail "memory grew from $early_rss kB to a peak of $late_hwm kB"
        done
    done
}

# Reads wping's JSON Lines on stdin and prints what it found about the request numbers:
# "replies=N wraps=W breaks=B other=O summary=<sent> <replies> <duplicates> <late> <timeouts>".
# A break is a reply whose seq or icmp_seq does not follow the previous one (icmp_seq counts
# modulo 65536); a wrap is icmp_seq 65535 followed by 0; other counts events that are neither
# start, reply nor summary (duplicates, late replies, timeouts...).
check_sequences() {
    awk '
    function field(name,   m) {
        if (match($0, "\"" name "\":[0-9]+")) {
            m = substr($0, RSTART, RLENGTH)
            sub(/.*:/, "", m)
            return m + 0
        }
        return -1
    }
    /"type":"start"/ { next }
    /"type":"reply"/ {
        seq = field("seq"); icmp = field("icmp_seq")
        if (replies > 0 && (seq != last_seq + 1 || icmp != (last_icmp + 1) % 65536)) breaks++
        if (replies > 0 && last_icmp == 65535 && icmp == 0) wraps++
        last_seq = seq; last_icmp = icmp; replies++
        next
    }
    /"type":"summary"/ {
        summary = field("sent") " " field("replies") " " field("duplicates") " " \
                  field("late") " " field("timeouts")
        next
    }
    { other++ }
    END {
        printf "replies=%d wraps=%d breaks=%d other=%d summary=%s\n", \
               replies, wraps, breaks, other, summary
    }'
}

@test "the ICMP sequence number wraps past 65535 with no loss and no duplicate (both socket kinds and families)" {
    local kind family target wraps
    ((COUNT > 65536)) || skip "WPING_LONG_RUN_COUNT=$COUNT is too small to wrap"
    wraps=$(((COUNT) / 65536))
    for kind in dgram raw; do
        lab_socket_kind "$kind"
        for family in 4 6; do
            target=$(loopback "$family")
            echo "# case: $kind socket, $target" >&2
            # shellcheck disable=SC2016 # expanded by the inner bash
            run --separate-stderr timeout -s KILL 120 ip netns exec "$LAB_C" bash -c \
                'set -o pipefail; "$1" --json --interval=0 -n "$2" "$3" | "$4"' _ \
                "$WPING" "$COUNT" "$target" "$BATS_TEST_TMPDIR/check"
            assert_success
            assert_equal "${stderr:-}" ""
            assert_output "replies=$COUNT wraps=$wraps breaks=0 other=0 summary=$COUNT $COUNT 0 0 0"
        done
    done
}

setup() {
    wping_setup
    BG_PID=
    # The checker as a script, so that the client namespace's bash can run it in a pipe.
    {
        echo '#!/usr/bin/env bash'
        declare -f check_sequences
        echo 'check_sequences'
    } >"$BATS_TEST_TMPDIR/check"
    chmod +x "$BATS_TEST_TMPDIR/check"
}
