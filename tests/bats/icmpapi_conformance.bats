#!/usr/bin/env bats
# The ICMP API conformance suite (tests/icmpapi) inside lab namespaces, once with datagram
# ICMP sockets and once with raw ones: first its loopback cases, then the cases that need a
# network: a silent destination, ICMP errors from the router, TTL expiry, local and foreign
# sources, a small MTU and a firewall that refuses the client's sends.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
# shellcheck source=../lab/lab.bash
source "${WPING_LAB:?WPING_LAB must point to tests/lab/lab.bash}"

# Under CTest this file runs in <build>/tests/bats, beside <build>/tests/icmpapi.
: "${ICMPAPI_CONFORMANCE:=$PWD/../icmpapi/icmpapi-conformance}"

setup_file() {
    if [[ ! -x $ICMPAPI_CONFORMANCE ]]; then
        echo "ICMPAPI_CONFORMANCE must be the icmpapi-conformance binary (not at $ICMPAPI_CONFORMANCE)" >&2
        return 1
    fi
    lab_require
}

setup() { lab_create; }
teardown() { lab_destroy; }

# Runs the suite in the client: conformance loopback|lab ARGS...
conformance() {
    run --separate-stderr lab_client timeout 120 "$ICMPAPI_CONFORMANCE" "$@"
}

# Asserts that the last run passed every check with socket KIND and said nothing on stderr.
assert_passed() {
    assert_success
    assert_equal "$stderr" ""
    assert_line "socket kind: $1"
    assert_line --regexp '^[0-9]+ checks, 0 failed$'
    refute_line --partial FAIL
}

# The lab cases of one condition, for socket KIND: lab_cases KIND "CASE ARG..."...
lab_cases() {
    local kind=$1 line
    shift
    lab_socket_kind "$kind"
    for line in "$@"; do
        # shellcheck disable=SC2086 # each line is a case name and its arguments
        conformance lab $line
        assert_passed "$kind"
        assert_line "ok   lab ${line%% *}"
    done
}

@test "loopback cases pass with datagram ICMP sockets" {
    lab_socket_kind dgram
    conformance loopback
    assert_passed dgram
}

@test "loopback cases pass with raw ICMP sockets" {
    lab_socket_kind raw
    conformance loopback
    assert_passed raw
}

timeouts() {
    lab_warm6
    lab_route_type 4 "$LAB_S4/32" blackhole
    lab_route_type 6 "$LAB_S6/128" blackhole
    lab_cases "$1" "timeout4 $LAB_S4" "timeout6 $LAB_S6"
}

@test "a silent destination times out after Timeout, synchronously, with an event and with an APC (dgram)" {
    timeouts dgram
}

@test "a silent destination times out after Timeout, synchronously, with an event and with an APC (raw)" {
    timeouts raw
}

unreachables() {
    lab_warm6
    lab_no_route
    lab_reject 4 "$LAB_S4" host-unreachable
    lab_reject 6 "$LAB_S6" addr-unreachable
    lab_route_type 4 198.18.4.0/24 prohibit
    lab_route_type 6 2001:db8:6::/64 prohibit
    # The router's route errors (no route, prohibit) share a token bucket per client with its
    # ICMP rate limit, which an nftables reject empties: the route errors come first.
    lab_cases "$1" \
        "unreachable4 $LAB_NOROUTE4 $LAB_R4 11002" \
        "unreachable4 198.18.4.1 $LAB_R4 11003" \
        "unreachable4 $LAB_S4 $LAB_R4 11003" \
        "unreachable6 $LAB_NOROUTE6 $LAB_R6 11002" \
        "unreachable6 $LAB_S6 $LAB_R6 11003" \
        "unreachable6 2001:db8:6::1 $LAB_R6 11004"
}

@test "router errors arrive as replies from the router with the mapped IP_STATUS (dgram)" {
    unreachables dgram
}

@test "router errors arrive as replies from the router with the mapped IP_STATUS (raw)" {
    unreachables raw
}

ttl_expiry() {
    lab_warm6
    lab_cases "$1" "ttl_expired4 $LAB_S4 $LAB_R4" "ttl_expired6 $LAB_S6 $LAB_R6"
}

@test "TTL and hop limit 1 expire at the router (dgram)" {
    ttl_expiry dgram
}

@test "TTL and hop limit 1 expire at the router (raw)" {
    ttl_expiry raw
}

replies_and_sources() {
    lab_warm6
    lab_cases "$1" "reply4 $LAB_S4 63" "reply6 $LAB_S6" \
        "source4 $LAB_C4 198.18.0.77 $LAB_S4" "source6 $LAB_C6 2001:db8::77 $LAB_S6"
}

@test "replies across the router, from a local source; a foreign source is refused (dgram)" {
    replies_and_sources dgram
}

@test "replies across the router, from a local source; a foreign source is refused (raw)" {
    replies_and_sources raw
}

@test "with IP_FLAG_DF a packet above the path MTU comes back as IP_PACKET_TOO_BIG (dgram)" {
    lab_mtu 1280
    lab_cases dgram "too_big4 $LAB_S4 $LAB_R4 1400"
}

@test "with IP_FLAG_DF a packet above the path MTU comes back as IP_PACKET_TOO_BIG (raw)" {
    lab_mtu 1280
    lab_cases raw "too_big4 $LAB_S4 $LAB_R4 1400"
}

@test "a send the client's firewall refuses fails at once with IP_GENERAL_FAILURE (dgram, IPv4)" {
    # Linux's datagram ICMPv6 socket reports such a send as done: IPv6 only with raw sockets.
    lab_drop_output 4
    lab_cases dgram "send_failure4 $LAB_S4"
}

@test "a send the client's firewall refuses fails at once with IP_GENERAL_FAILURE (raw)" {
    lab_warm6
    lab_drop_output 4
    lab_drop_output 6
    lab_cases raw "send_failure4 $LAB_S4" "send_failure6 $LAB_S6"
}

@test "256 asynchronous requests may be outstanding; one more fails with ERROR_NOT_ENOUGH_MEMORY" {
    lab_route_type 4 "$LAB_S4/32" blackhole
    lab_cases dgram "outstanding_limit4 $LAB_S4"
}
