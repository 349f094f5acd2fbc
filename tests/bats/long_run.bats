#!/usr/bin/env bats
# Long runs (issue 6, item 6): 200 000 requests to loopback as fast as they are answered
# (--interval=0), on datagram and raw sockets, IPv4 and IPv6, inside the lab's client
# namespace. The counters must be exact, the memory must not grow with the number of
# requests, and the 16-bit ICMP sequence number must wrap past 65535 (three times in 200 000
# requests) with nothing lost or counted twice.
#
# Memory is measured while the run goes on, in a way no machine speed can defeat: the run is
# -t (until Ctrl-C), Ctrl-Break (SIGQUIT) makes wping print its statistics so far, which says
# how many requests it has made; VmRSS from /proc/<pid>/status once 10 000 are done is
# compared with VmHWM (the peak) once COUNT more are done, and only then does Ctrl-C end the
# run. (A -n run could end between two samples: on a fast machine 200 000 requests take well
# under a second.) The -n count itself is checked exactly by the wrap test below.
#
# WPING_LONG_RUN_COUNT changes the number of requests (default 200000), for slow machines.

load wping_common

COUNT=${WPING_LONG_RUN_COUNT:-200000}
# The most the resident set may grow between the early sample and the end. Nothing in a run
# is kept per request; what little may move is the C library's buffers and page rounding.
GROWTH_KB=256

setup_file() { wping_setup_file; }
teardown() { wping_teardown; }

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

@test "200 000 requests at --interval=0, then Ctrl-C: exact counters and constant memory (both socket kinds and families)" {
    local kind family target sent early_rss early_sent late_hwm late_sent deadline
    for kind in dgram raw; do
        lab_socket_kind "$kind"
        for family in 4 6; do
            target=$(loopback "$family")
            echo "# case: $kind socket, $target" >&2
            early_rss='' early_sent='' late_hwm='' late_sent=''
            wping_bg_start --interval=0 -t --quiet "$target"
            # SIGQUIT before wping catches it would end it: wait for the header first.
            deadline=$((SECONDS + 20))
            until grep -q '^Pinging' "$BG_OUT"; do
                ((SECONDS < deadline)) || fail "no header within 20 s"
                sleep 0.02
            done
            # Bounded by time, not by a number of samples: at most 120 s.
            deadline=$((SECONDS + 120))
            while [[ -z $late_hwm ]] && ((SECONDS < deadline)); do
                kill -QUIT "$BG_PID" 2>/dev/null || fail "wping ended before Ctrl-C"
                sleep 0.05
                vm_sample "$BG_PID"
                sent=$(sent_so_far "$BG_OUT")
                [[ -n $sent && -n $HWM_KB ]] || continue
                if [[ -z $early_rss ]] && ((sent >= 10000)); then
                    early_rss=$RSS_KB early_sent=$sent
                    echo "# after $sent requests: VmRSS $early_rss kB" >&2
                elif [[ -n $early_rss ]] && ((sent >= early_sent + COUNT)); then
                    # wping runs until Ctrl-C, so this sample always comes.
                    late_hwm=$HWM_KB late_sent=$sent
                fi
            done
            kill -INT "$BG_PID" 2>/dev/null || fail "wping ended before Ctrl-C"
            [[ -n $late_hwm ]] || fail "fewer than $COUNT requests within 120 s"
            status=0
            wait "$BG_PID" || status=$?
            BG_PID=
            echo "# after $late_sent requests: VmHWM $late_hwm kB" >&2
            assert_equal "$status" 0
            assert_equal "$(<"$BG_ERR")" ""
            # The last block is the final statistics (the others came from Ctrl-Break): every
            # request sent was answered, and there were at least as many as at the last sample.
            output=$(tail -n 6 "$BG_OUT")
            sent=$(sent_so_far "$BG_OUT")
            ((sent >= late_sent)) ||
                fail "the final statistics count $sent requests, fewer than $late_sent"
            assert_wping_output <<EOF

Ping statistics for $target:
    Packets: Sent = $sent, Received = $sent, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
Control-C
EOF
            ((late_hwm - early_rss <= GROWTH_KB)) ||
                fail "memory grew from $early_rss kB to a peak of $late_hwm kB in $((late_sent - early_sent)) requests"
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
