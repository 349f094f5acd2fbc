#!/usr/bin/env bats
# The statistics block and the exit status from real loss patterns: the router drops exactly
# every N-th request (nft numgen), so the arithmetic is known in advance.

load wping_common

setup_file() { wping_setup_file; }
setup() { wping_setup; }
teardown() { wping_teardown; }

@test "2 of 3 lost is 66% loss, truncated; one reply is enough for exit 0" {
    lab_loss 4 "$LAB_S4" 2
    # One request first, so that the rule drops the 1st and 3rd of the three that count.
    lab_client "$WPING" -n 1 -w 300 "$LAB_S4" >/dev/null || true
    wping_run -n 3 -w 300 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_wping_output <<EOF

Pinging 198.18.1.2 with 32 bytes of data:
Request timed out.
Reply from 198.18.1.2: bytes=32 time=RTT TTL=63
Request timed out.

Ping statistics for 198.18.1.2:
    Packets: Sent = 3, Received = 1, Lost = 2 (66% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
EOF
}

@test "1 of 3 lost is 33% loss" {
    lab_loss 4 "$LAB_S4" 3
    wping_run -n 3 -w 300 "$LAB_S4"
    assert_success
    assert_line --index 3 "Request timed out."
    assert_line --index 5 "    Packets: Sent = 3, Received = 2, Lost = 1 (33% loss),"
    assert_line --index 6 "Approximate round trip times in milli-seconds:"
}

@test "1 of 2 lost is 50% loss over IPv6" {
    lab_warm6
    lab_loss 6 "$LAB_S6" 2
    wping_run -n 2 -w 300 "$LAB_S6"
    assert_success
    assert_line --index 1 --regexp '^Reply from 2001:db8:1::2: time(<1|=[0-9]+)ms$'
    assert_line --index 2 "Request timed out."
    assert_line --index 4 "    Packets: Sent = 2, Received = 1, Lost = 1 (50% loss),"
}

@test "everything lost: 100% loss, no round-trip block, exit 1" {
    lab_loss 4 "$LAB_S4" 1
    wping_run -n 2 -w 300 "$LAB_S4"
    assert_failure 1
    assert_equal "$stderr" ""
    assert_output "
Pinging 198.18.1.2 with 32 bytes of data:
Request timed out.
Request timed out.

Ping statistics for 198.18.1.2:
    Packets: Sent = 2, Received = 0, Lost = 2 (100% loss),"
}

@test "only ICMP errors: received, 0% loss, no round-trip block, and still exit 1" {
    lab_reject 4 "$LAB_S4" host-unreachable
    wping_run -n 2 -w 300 "$LAB_S4"
    assert_failure 1
    assert_equal "$stderr" ""
    assert_output "
Pinging 198.18.1.2 with 32 bytes of data:
Reply from 198.18.0.1: Destination host unreachable.
Reply from 198.18.0.1: Destination host unreachable.

Ping statistics for 198.18.1.2:
    Packets: Sent = 2, Received = 2, Lost = 0 (0% loss),"
}

@test "the round-trip values are whole milliseconds with Minimum <= Average <= Maximum" {
    wping_run -n 2 -w 1000 "$LAB_S4"
    assert_success
    local min max avg
    [[ ${lines[6]} =~ ^\ \ \ \ Minimum\ =\ ([0-9]+)ms,\ Maximum\ =\ ([0-9]+)ms,\ Average\ =\ ([0-9]+)ms$ ]] ||
        fail "unexpected round-trip line: ${lines[6]}"
    min=${BASH_REMATCH[1]} max=${BASH_REMATCH[2]} avg=${BASH_REMATCH[3]}
    ((min <= avg && avg <= max)) || fail "min $min, avg $avg, max $max"
}
