#!/usr/bin/env bats
# What the options do on the wire, seen through the lab: the router's nftables rules react
# to the payload, TOS and DF that wping sends. (The command-line forms themselves are the
# parser's cli_*.bats.)

load wping_common

setup_file() { wping_setup_file; }
setup() { wping_setup; }
teardown() { wping_teardown; }

@test "/n and options after the target work in the lab: wping S4 /n 2 /w 500" {
    wping_run "$LAB_S4" /n 2 /w 500
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 4 "    Packets: Sent = 2, Received = 2, Lost = 0 (0% loss),"
}

@test "-n sets how many requests go out" {
    wping_run -n 3 -w 500 "$LAB_S4"
    assert_success
    run grep -c '^Reply from' <<<"$output"
    assert_output 3
}

@test "the payload is the letters a to w, repeated" {
    # R refuses exactly the requests whose payload starts abcdefgh and goes on abcdefgh at
    # byte 23: only the ping.exe pattern gets "Destination host unreachable".
    lab_forward_rule "ip daddr $LAB_S4 icmp type echo-request @th,64,64 0x6162636465666768 @th,248,64 0x6162636465666768 reject with icmp type host-unreachable"
    wping_run -n 1 -w 500 "$LAB_S4"
    assert_failure 1
    assert_line --index 1 "Reply from 198.18.0.1: Destination host unreachable."
    # 20 bytes never reach byte 23: the rule does not match, the server replies.
    wping_run -n 1 -w 500 -l 20 "$LAB_S4"
    assert_success
    assert_line --index 1 --regexp '^Reply from 198\.18\.1\.2: bytes=20 '
}

@test "-v sets the TOS byte for real" {
    # DSCP 10 is TOS 40 (0x28).
    lab_forward_rule "ip daddr $LAB_S4 ip dscp 0x0a reject with icmp type host-unreachable"
    wping_run -n 1 -w 500 -v 40 "$LAB_S4"
    assert_failure 1
    assert_line --index 1 "Reply from 198.18.0.1: Destination host unreachable."
    wping_run -n 1 -w 500 "$LAB_S4"
    assert_success
}

@test "without -f DF is explicitly clear; -f sets it" {
    lab_forward_rule "ip daddr $LAB_S4 ip frag-off & 0x4000 != 0 reject with icmp type admin-prohibited"
    wping_run -n 1 -w 500 "$LAB_S4"
    assert_success
    wping_run -n 1 -w 500 -f "$LAB_S4"
    assert_failure 1
    assert_line --index 1 "Reply from 198.18.0.1: Destination host unreachable."
}

@test "-j and -k put a source route on the wire: routers that refuse one drop the request" {
    # Routers drop source-routed packets unless accept_source_route allows them, so the same
    # run first times out and then succeeds once the lab lets them through.
    wping_run -n 1 -w 500 -j "$LAB_R4" "$LAB_S4"
    assert_failure 1
    assert_line --index 1 "Request timed out."
    lab_source_route
    wping_run -n 1 -w 500 -j "$LAB_R4" "$LAB_S4"
    assert_success
    assert_line --index 1 --regexp '^Reply from 198\.18\.1\.2: bytes=32 '
    wping_run -n 1 -w 500 -k "$LAB_R4" "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
}

@test "-l 65500 goes through loopback and comes back whole" {
    wping_run -n 1 -w 1000 -l 65500 127.0.0.1
    assert_success
    assert_line --index 0 "Pinging 127.0.0.1 with 65500 bytes of data:"
    assert_line --index 1 --regexp '^Reply from 127\.0\.0\.1: bytes=65500 time(<1|=[0-9]+)ms TTL=64$'
}

@test "-R is accepted and has no effect on IPv6" {
    lab_warm6
    wping_run -R -n 1 -w 500 "$LAB_S6"
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 1 --regexp '^Reply from 2001:db8:1::2: time(<1|=[0-9]+)ms$'
}

@test "-t goes on past the default count of 4 until stopped" {
    local out="$BATS_TEST_TMPDIR/out" pid i
    ip netns exec "$LAB_C" "$WPING" -t -w 300 -S 198.18.0.77 "$LAB_S4" >"$out" 2>&1 &
    pid=$!
    # The non-local source fails each request at once, on the one-second schedule: wait for
    # the fifth line, which a run of 4 would never print.
    for ((i = 0; i < 350; i++)); do
        (($(grep -c '^PING: transmit failed' "$out") >= 5)) && break
        sleep 0.02
    done
    kill -INT "$pid"
    wait "$pid" || true
    run grep -c '^PING: transmit failed' "$out"
    assert_output 5
}
