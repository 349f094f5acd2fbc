#!/usr/bin/env bats
# Ctrl-C (SIGINT), Ctrl-Break (SIGQUIT), SIGTERM and SIGHUP during a run. wping runs in the
# background in the client namespace; the test waits for the lines it needs, then signals.

load wping_common

setup_file() { wping_setup_file; }
setup() { wping_setup; }
teardown() { wping_teardown; }

# Waits (at most 5 s) until stdout has COUNT lines matching PATTERN.
bg_wait_lines() {
    local pattern=$1 count=$2 i
    for ((i = 0; i < 250; i++)); do
        (($(grep -c -- "$pattern" "$BG_OUT") >= count)) && return 0
        sleep 0.02
    done
    fail "no $count lines matching '$pattern' within 5 s: $(cat "$BG_OUT")"
}

# Waits (at most 5 s) for wping to end; sets $status, $output, $stderr and $lines (without
# empty lines) as run does.
bg_finish() {
    local i
    for ((i = 0; i < 250; i++)); do
        kill -0 "$BG_PID" 2>/dev/null || break
        sleep 0.02
    done
    if kill -0 "$BG_PID" 2>/dev/null; then
        kill -KILL "$BG_PID"
        wait "$BG_PID" || true
        BG_PID=
        fail "wping did not end within 5 s of the signal: $(cat "$BG_OUT")"
    fi
    status=0
    wait "$BG_PID" || status=$?
    BG_PID=
    output=$(cat "$BG_OUT")
    stderr=$(cat "$BG_ERR")
    mapfile -t lines < <(grep -v '^$' "$BG_OUT")
}

@test "Ctrl-C before the first outcome prints only Control-C, at once, and exits 1" {
    lab_route_type 4 198.18.4.0/24 blackhole
    wping_bg_start -n 3 -w 3000 198.18.4.1
    bg_wait_lines '^Pinging' 1
    sleep 0.2
    local start
    start=$(wping_now_ms)
    kill -INT "$BG_PID"
    bg_finish
    (($(wping_now_ms) - start < 1000)) || fail "wping waited for the timeout"
    assert_failure 1
    assert_equal "$stderr" ""
    assert_output "
Pinging 198.18.4.1 with 32 bytes of data:
Control-C"
}

@test "Ctrl-C after replies prints the statistics, then Control-C, and exits 0" {
    wping_bg_start -t -w 1000 "$LAB_S4"
    bg_wait_lines '^Reply from' 2
    kill -INT "$BG_PID"
    bg_finish
    assert_success
    assert_equal "$stderr" ""
    assert_wping_output <<EOF

Pinging 198.18.1.2 with 32 bytes of data:
Reply from 198.18.1.2: bytes=32 time=RTT TTL=63
Reply from 198.18.1.2: bytes=32 time=RTT TTL=63

Ping statistics for 198.18.1.2:
    Packets: Sent = 2, Received = 2, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
Control-C
EOF
}

@test "Ctrl-C after timeouts only: statistics, Control-C, exit 1" {
    lab_route_type 4 198.18.4.0/24 blackhole
    wping_bg_start -t -w 300 198.18.4.1
    bg_wait_lines '^Request timed out' 1
    kill -INT "$BG_PID"
    bg_finish
    assert_failure 1
    assert_line --index 2 "Ping statistics for 198.18.4.1:"
    assert_line --index 3 "    Packets: Sent = 1, Received = 0, Lost = 1 (100% loss),"
    assert_line --index 4 "Control-C"
}

@test "Ctrl-Break shows the statistics so far and Control-Break, then the run goes on" {
    wping_bg_start -n 3 -w 1000 "$LAB_S4"
    bg_wait_lines '^Reply from' 1
    kill -QUIT "$BG_PID"
    bg_finish
    assert_success
    assert_equal "$stderr" ""
    assert_wping_output <<EOF

Pinging 198.18.1.2 with 32 bytes of data:
Reply from 198.18.1.2: bytes=32 time=RTT TTL=63

Ping statistics for 198.18.1.2:
    Packets: Sent = 1, Received = 1, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
Control-Break
Reply from 198.18.1.2: bytes=32 time=RTT TTL=63
Reply from 198.18.1.2: bytes=32 time=RTT TTL=63

Ping statistics for 198.18.1.2:
    Packets: Sent = 3, Received = 3, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
EOF
}

@test "Ctrl-Break while a request waits keeps waiting for it" {
    lab_route_type 4 198.18.4.0/24 blackhole
    wping_bg_start -n 1 -w 800 198.18.4.1
    bg_wait_lines '^Pinging' 1
    sleep 0.2
    kill -QUIT "$BG_PID"
    bg_finish
    assert_failure 1
    assert_equal "$stderr" ""
    assert_output "
Pinging 198.18.4.1 with 32 bytes of data:
Control-Break
Request timed out.

Ping statistics for 198.18.4.1:
    Packets: Sent = 1, Received = 0, Lost = 1 (100% loss),"
}

@test "SIGTERM, and SIGHUP (the terminal closed), end the run with the statistics but no Control-C" {
    local signal
    for signal in TERM HUP; do
        wping_bg_start -t -w 1000 "$LAB_S4"
        bg_wait_lines '^Reply from' 1
        kill "-$signal" "$BG_PID"
        bg_finish
        assert_success
        assert_equal "$stderr" ""
        assert_line --index 2 "Ping statistics for 198.18.1.2:"
        assert_line --index 3 "    Packets: Sent = 1, Received = 1, Lost = 0 (0% loss),"
        refute_line "Control-C"
        assert_line --index $((${#lines[@]} - 1)) --regexp '^    Minimum = '
    done
}

@test "Ctrl-C during the pause between requests of a non-local -S run" {
    wping_bg_start -t -S 198.18.0.77 "$LAB_S4"
    bg_wait_lines '^PING: transmit failed' 1
    kill -INT "$BG_PID"
    bg_finish
    assert_failure 1
    assert_equal "$stderr" ""
    assert_output "
Pinging 198.18.1.2 from 198.18.0.77 with 32 bytes of data:
PING: transmit failed. General failure.

Ping statistics for 198.18.1.2:
    Packets: Sent = 1, Received = 0, Lost = 1 (100% loss),
Control-C"
}
