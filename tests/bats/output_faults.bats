#!/usr/bin/env bats
# Output faults (issue 6, item 5): the reader of wping's stdout goes away (`| head`), stdout or
# stderr is full (/dev/full), and SIGTERM ends a run (as `timeout` and service managers do).
# wping_errors.bats already checks -n 3, a closed stdout and --help on /dev/full, and
# wping_signals.bats SIGTERM after one datagram IPv4 reply; this file covers the rest.
#
# | fault                                                      | what wping does                        |
# | ---------------------------------------------------------- | -------------------------------------- |
# | `wping -t 127.0.0.1 \| head -n 2` (and ::1; dgram and raw) | ends within 3 s at its next line,      |
# |                                                            | killed by SIGPIPE, nothing on stderr   |
# | the same with SIGPIPE ignored (inherited)                  | ends at its next line: "cannot write   |
# |                                                            | to standard output: Broken pipe", 2    |
# | -t with stdout on /dev/full                                | stops at the header, message, exit 2   |
# | stderr on /dev/full with an unknown name / a usage error   | exit 2, stdout empty                   |
# | stdout and stderr both on /dev/full                        | exit 2                                 |
# | SIGTERM before the first outcome                           | ends at once, header only, exit 1      |
# | SIGTERM after timeouts only                                | statistics, exit 1                     |
# | SIGTERM after replies, raw socket, IPv4 and IPv6           | statistics, exit 0                     |
# | `timeout --preserve-status 2.5 wping -t S \| cat`          | the statistics reach the pipe, exit 0  |

# The scripts given to in_client are expanded by the bash in the client, not here.
# shellcheck disable=SC2016
load wping_common

setup_file() { wping_setup_file; }
setup() {
    wping_setup
    BG_PID=
}
teardown() { wping_teardown; }

# Runs SCRIPT with bash inside the client namespace, bounded to 10 s; wping is "$1" there.
# Sets $status, $output, $stderr and ELAPSED_MS.
in_client() {
    local start
    start=$(wping_now_ms)
    run --separate-stderr timeout -s KILL 10 ip netns exec "$LAB_C" bash -c "$1" _ "$WPING"
    ELAPSED_MS=$(($(wping_now_ms) - start))
}

@test "wping -t into head -n 2 ends within 3 s at its next line, by SIGPIPE, silently" {
    local kind target
    for kind in dgram raw; do
        lab_socket_kind "$kind"
        for target in 127.0.0.1 ::1; do
            echo "# case: $kind socket, $target" >&2
            # stdout of the pipeline is head's; the last line is wping's own exit status.
            in_client '"$1" -t '"$target"' | head -n 2; echo "wping=${PIPESTATUS[0]}"'
            assert_success
            assert_equal "$stderr" ""
            assert_output "
Pinging $target with 32 bytes of data:
wping=141"
            ((ELAPSED_MS < 3000)) || fail "the pipeline took $ELAPSED_MS ms"
        done
    done
}

@test "with SIGPIPE ignored, a reader that left ends the run at the next line with exit 2" {
    # Some parents (CI runners, daemons) leave SIGPIPE ignored for their children: wping then
    # sees EPIPE, says so and exits 2 like any other write failure (docs/design.md, Exit status).
    in_client 'trap "" PIPE; "$1" -t 127.0.0.1 | head -n 2 >/dev/null; echo "wping=${PIPESTATUS[0]}"'
    assert_success
    assert_output "wping=2"
    assert_equal "$stderr" "wping: cannot write to standard output: Broken pipe"
    ((ELAPSED_MS < 3000)) || fail "the pipeline took $ELAPSED_MS ms"
}

@test "-t with stdout on /dev/full stops at once with a message and exit 2" {
    in_client '"$1" -t 127.0.0.1 >/dev/full'
    assert_failure 2
    assert_equal "$stderr" "wping: cannot write to standard output: No space left on device"
    ((ELAPSED_MS < 1000)) || fail "wping went on for $ELAPSED_MS ms"
}

@test "stderr on /dev/full: failures still exit 2 and print nothing on stdout" {
    lab_hosts "server.lab $LAB_S4"
    in_client '"$1" -n 1 -w 300 nosuch.lab 2>/dev/full'
    assert_failure 2
    assert_output ""
    in_client '"$1" -n 1 -w 300 --no-such-option 127.0.0.1 2>/dev/full'
    assert_failure 2
    assert_output ""
}

@test "stdout and stderr both on /dev/full: exit 2" {
    in_client '"$1" -n 2 -w 300 127.0.0.1 >/dev/full 2>/dev/full'
    assert_failure 2
    assert_output ""
    assert_equal "$stderr" ""
}

# Waits (at most 5 s) until stdout has COUNT lines matching PATTERN.
bg_wait_lines() {
    local i
    for ((i = 0; i < 250; i++)); do
        (($(grep -c -- "$1" "$BG_OUT") >= $2)) && return 0
        sleep 0.02
    done
    fail "no $2 lines matching '$1' within 5 s: $(cat "$BG_OUT")"
}

# Sends SIGTERM and waits (at most 1 s) for wping to end; sets $status, $output, $stderr.
bg_term() {
    local i
    kill -TERM "$BG_PID"
    for ((i = 0; i < 50; i++)); do
        kill -0 "$BG_PID" 2>/dev/null || break
        sleep 0.02
    done
    kill -0 "$BG_PID" 2>/dev/null && fail "wping still runs 1 s after SIGTERM"
    status=0
    wait "$BG_PID" || status=$?
    BG_PID=
    output=$(<"$BG_OUT")
    stderr=$(<"$BG_ERR")
}

@test "SIGTERM before the first outcome ends the run at once: the header only, exit 1" {
    lab_route_type 4 198.18.4.0/24 blackhole
    wping_bg_start -n 3 -w 3000 198.18.4.1
    bg_wait_lines '^Pinging' 1
    sleep 0.2
    bg_term
    assert_failure 1
    assert_equal "$stderr" ""
    assert_output "
Pinging 198.18.4.1 with 32 bytes of data:"
}

@test "SIGTERM after timeouts only: the statistics, exit 1" {
    lab_route_type 4 198.18.4.0/24 blackhole
    wping_bg_start -t -w 300 198.18.4.1
    bg_wait_lines '^Request timed out' 2
    bg_term
    assert_failure 1
    assert_equal "$stderr" ""
    assert_output "
Pinging 198.18.4.1 with 32 bytes of data:
Request timed out.
Request timed out.

Ping statistics for 198.18.4.1:
    Packets: Sent = 2, Received = 0, Lost = 2 (100% loss),"
}

@test "SIGTERM after replies on a raw socket, IPv4 and IPv6: the statistics, exit 0" {
    local target ttl bytes
    lab_socket_kind raw
    lab_warm6
    for target in "$LAB_S4" "$LAB_S6"; do
        echo "# case: $target" >&2
        wping_bg_start -t -w 1000 "$target"
        bg_wait_lines '^Reply from' 2
        bg_term
        assert_success
        assert_equal "$stderr" ""
        if [[ $target == *:* ]]; then ttl=""; else ttl=" TTL=63"; fi
        [[ $target == *:* ]] && bytes="" || bytes="bytes=32 "
        assert_wping_output <<EOF

Pinging $target with 32 bytes of data:
Reply from $target: ${bytes}time=RTT$ttl
Reply from $target: ${bytes}time=RTT$ttl

Ping statistics for $target:
    Packets: Sent = 2, Received = 2, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
EOF
    done
}

@test "timeout(1) ending wping -t into a pipe: the statistics reach the reader, exit 0" {
    in_client 'timeout --preserve-status 2.5 "$1" -t -w 1000 '"$LAB_S4"' | cat; echo "wping=${PIPESTATUS[0]}"'
    assert_success
    assert_equal "$stderr" ""
    assert_equal "${lines[-1]}" "wping=0"
    output=${output%$'\n'wping=0}
    assert_wping_output <<EOF

Pinging $LAB_S4 with 32 bytes of data:
Reply from $LAB_S4: bytes=32 time=RTT TTL=63
Reply from $LAB_S4: bytes=32 time=RTT TTL=63
Reply from $LAB_S4: bytes=32 time=RTT TTL=63

Ping statistics for $LAB_S4:
    Packets: Sent = 3, Received = 3, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
EOF
}
