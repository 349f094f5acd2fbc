#!/usr/bin/env bats
# Every status line the router and the client's own kernel can produce, made for real in the
# lab, for both families where the condition exists. ICMP errors are "Reply from" lines:
# received, but not a success, so a run of nothing else exits 1.

load wping_common

setup_file() { wping_setup_file; }
setup() { wping_setup; }
teardown() { wping_teardown; }

# Asserts a one-request run to TARGET whose only line is LINE, counted as RECEIVED (0 or 1),
# exit 1: assert_one_status TARGET RECEIVED LINE [wping options...]
assert_one_status() {
    local target=$1 received=$2 line=$3
    shift 3
    wping_run -n 1 -w 500 "$@" "$target"
    assert_failure 1
    assert_equal "$stderr" ""
    assert_equal "$output" "
Pinging $target with 32 bytes of data:
$line

Ping statistics for $target:
    Packets: Sent = 1, Received = $received, Lost = $((1 - received)) ($((100 - received * 100))% loss),"
}

@test "no route at the router: Destination net unreachable (IPv4)" {
    lab_no_route
    assert_one_status "$LAB_NOROUTE4" 1 "Reply from 198.18.0.1: Destination net unreachable."
}

@test "no route at the router: Destination net unreachable (IPv6)" {
    lab_warm6
    lab_no_route
    assert_one_status "$LAB_NOROUTE6" 1 "Reply from 2001:db8::1: Destination net unreachable."
}

@test "an unreachable route: Destination host unreachable (IPv4)" {
    lab_route_type 4 198.18.4.0/24 unreachable
    assert_one_status 198.18.4.1 1 "Reply from 198.18.0.1: Destination host unreachable."
}

@test "reject with host-unreachable: Destination host unreachable (IPv4)" {
    lab_reject 4 "$LAB_S4" host-unreachable
    assert_one_status "$LAB_S4" 1 "Reply from 198.18.0.1: Destination host unreachable."
}

@test "reject with addr-unreachable: Destination host unreachable (IPv6)" {
    lab_warm6
    lab_reject 6 "$LAB_S6" addr-unreachable
    assert_one_status "$LAB_S6" 1 "Reply from 2001:db8::1: Destination host unreachable."
}

@test "reject with prot-unreachable: Destination protocol unreachable (IPv4)" {
    lab_reject 4 "$LAB_S4" prot-unreachable
    assert_one_status "$LAB_S4" 1 "Reply from 198.18.0.1: Destination protocol unreachable."
}

@test "reject with admin-prohibited: Destination protocol unreachable (IPv6)" {
    lab_warm6
    lab_reject 6 "$LAB_S6" admin-prohibited
    assert_one_status "$LAB_S6" 1 "Reply from 2001:db8::1: Destination protocol unreachable."
}

@test "a prohibit route: Destination protocol unreachable (IPv6)" {
    lab_warm6
    lab_route_type 6 2001:db8:6::/64 prohibit
    assert_one_status 2001:db8:6::1 1 "Reply from 2001:db8::1: Destination protocol unreachable."
}

@test "reject with port-unreachable: Destination port unreachable (IPv4)" {
    lab_reject 4 "$LAB_S4" port-unreachable
    assert_one_status "$LAB_S4" 1 "Reply from 198.18.0.1: Destination port unreachable."
}

@test "reject with port-unreachable: Destination port unreachable (IPv6)" {
    lab_warm6
    lab_reject 6 "$LAB_S6" port-unreachable
    assert_one_status "$LAB_S6" 1 "Reply from 2001:db8::1: Destination port unreachable."
}

@test "-i 1: TTL expired in transit (IPv4)" {
    assert_one_status "$LAB_S4" 1 "Reply from 198.18.0.1: TTL expired in transit." -i 1
}

@test "-i 1: TTL expired in transit (IPv6 hop limit)" {
    lab_warm6
    assert_one_status "$LAB_S6" 1 "Reply from 2001:db8::1: TTL expired in transit." -i 1
}

@test "a blackhole: Request timed out, lost (IPv4)" {
    lab_route_type 4 198.18.4.0/24 blackhole
    assert_one_status 198.18.4.1 0 "Request timed out."
}

@test "a blackhole: Request timed out, lost (IPv6)" {
    lab_warm6
    lab_route_type 6 2001:db8:4::/64 blackhole
    assert_one_status 2001:db8:4::1 0 "Request timed out."
}

@test "the client's firewall drops the request: General failure, lost (IPv4)" {
    lab_drop_output 4
    assert_one_status "$LAB_S4" 0 "General failure."
}

@test "the client's firewall drops the request: General failure, lost (IPv6 raw socket)" {
    # Linux's datagram ICMPv6 socket reports such a send as done; the raw one says EPERM.
    lab_socket_kind raw
    lab_warm6
    lab_drop_output 6
    assert_one_status "$LAB_S6" 0 "General failure."
}

@test "-f over a smaller MTU: the router's answer, then the local refusal" {
    lab_mtu 1280
    wping_run -n 2 -w 500 -f -l 1400 "$LAB_S4"
    assert_failure 1
    assert_equal "$stderr" ""
    assert_output "
Pinging 198.18.1.2 with 1400 bytes of data:
Reply from 198.18.0.1: Packet needs to be fragmented but DF set.
Packet needs to be fragmented but DF set.

Ping statistics for 198.18.1.2:
    Packets: Sent = 2, Received = 1, Lost = 1 (50% loss),"
}

@test "an IPv6 packet too big: the router's answer, then the client fragments" {
    lab_warm6
    lab_mtu 1280
    wping_run -n 2 -w 500 -l 1400 "$LAB_S6"
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 1 "Reply from 2001:db8::1: Packet needs to be fragmented but DF set."
    assert_line --index 2 --regexp '^Reply from 2001:db8:1::2: time(<1|=[0-9]+)ms$'
    assert_line --index 4 "    Packets: Sent = 2, Received = 2, Lost = 0 (0% loss),"
}

@test "an unassigned -S address: PING: transmit failed for every request, exit 1" {
    wping_run -n 2 -w 500 -S 198.18.0.77 "$LAB_S4"
    assert_failure 1
    assert_equal "$stderr" ""
    assert_output "
Pinging 198.18.1.2 from 198.18.0.77 with 32 bytes of data:
PING: transmit failed. General failure.
PING: transmit failed. General failure.

Ping statistics for 198.18.1.2:
    Packets: Sent = 2, Received = 0, Lost = 2 (100% loss),"
}

@test "an unassigned IPv6 -S address: PING: transmit failed" {
    wping_run -n 1 -w 500 -S 2001:db8::77 "$LAB_S6"
    assert_failure 1
    assert_equal "$stderr" ""
    assert_line --index 0 "Pinging 2001:db8:1::2 from 2001:db8::77 with 32 bytes of data:"
    assert_line --index 1 "PING: transmit failed. General failure."
}

@test "the unspecified address: PING: transmit failed, nothing is sent" {
    wping_run -n 1 -w 500 0.0.0.0
    assert_failure 1
    assert_equal "$stderr" ""
    assert_line --index 1 "PING: transmit failed. General failure."
    assert_line --index 3 "    Packets: Sent = 1, Received = 0, Lost = 1 (100% loss),"
}
