#!/usr/bin/env bats
# The Windows-style example programs (examples/), built from unchanged source, run in the lab:
# answered echoes on loopback and across the router, and the lab's conditions: a silent
# destination (timeout), router errors (unreachable), TTL and hop limit expiry. Their whole
# output is checked, round-trip times masked as N.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
# shellcheck source=../lab/lab.bash
source "${WPING_LAB:?WPING_LAB must point to tests/lab/lab.bash}"

# Under CTest this file runs in <build>/tests/bats; the examples are in <build>/examples.
: "${ICMPAPI_EXAMPLES:=$PWD/../../examples}"

setup_file() {
    local example
    for example in icmp_send_echo icmp_send_echo2 icmp_send_echo2_event icmp_send_echo2_apc \
        icmp6_send_echo2; do
        if [[ ! -x $ICMPAPI_EXAMPLES/$example ]]; then
            echo "ICMPAPI_EXAMPLES must be the directory of the built examples (no $example in $ICMPAPI_EXAMPLES)" >&2
            return 1
        fi
    done
    lab_require
}

setup() {
    lab_create
    lab_socket_kind dgram
}

teardown() {
    [[ -z ${COPY:-} ]] || rm -rf -- "$COPY"
    lab_destroy
}

# Runs EXAMPLE ARGS... in the client: $status, $output (RTTs masked) and $stderr.
example() {
    local name=$1
    shift
    run --separate-stderr lab_client timeout 20 "$ICMPAPI_EXAMPLES/$name" "$@"
    output=$(sed -E 's/[0-9]+ ms/N ms/g' <<<"$output")
}

# Asserts exit STATUS, nothing on stderr, and stdout exactly as on stdin.
assert_example() {
    assert_equal "$status" "$1"
    assert_equal "$stderr" ""
    assert_equal "$output" "$(cat)"
}

blackhole() {
    lab_route_type 4 "$LAB_S4/32" blackhole
    lab_route_type 6 "$LAB_S6/128" blackhole
}

@test "icmp_send_echo without an address prints its usage and exits 1" {
    example icmp_send_echo
    assert_example 1 <<<"Usage: $ICMPAPI_EXAMPLES/icmp_send_echo <IPv4 address>"
    example icmp_send_echo 198.18.1.300
    assert_example 1 <<<"Not an IPv4 address: 198.18.1.300"
}

@test "icmp_send_echo: loopback answers with the kernel's TTL (datagram socket)" {
    example icmp_send_echo 127.0.0.1
    assert_example 0 <<'EOF'
Echo request sent to 127.0.0.1
Replies received: 1
First reply:
  From:       127.0.0.1
  Status:     0
  Round trip: N ms
  Data bytes: 32
  TTL:        64
EOF
}

@test "icmp_send_echo: the server answers across the router, one hop less TTL (raw socket)" {
    lab_socket_kind raw
    example icmp_send_echo "$LAB_S4"
    assert_example 0 <<'EOF'
Echo request sent to 198.18.1.2
Replies received: 1
First reply:
  From:       198.18.1.2
  Status:     0
  Round trip: N ms
  Data bytes: 32
  TTL:        63
EOF
}

@test "icmp_send_echo: a silent destination fails with IP_REQ_TIMED_OUT after its 1000 ms" {
    blackhole
    local start=$SECONDS
    example icmp_send_echo "$LAB_S4"
    assert_example 1 <<'EOF'
IcmpSendEcho failed.
IcmpSendEcho error: 11010
EOF
    ((SECONDS - start <= 3))
}

@test "icmp_send_echo2: an answered echo across the router" {
    example icmp_send_echo2 "$LAB_S4"
    assert_example 0 <<'EOF'
Echo request sent to 198.18.1.2
Answered by 198.18.1.2: status 0 (echo reply), N ms
EOF
}

@test "icmp_send_echo2: a silent destination times out after the given 300 ms" {
    blackhole
    example icmp_send_echo2 "$LAB_S4" 64 300
    assert_example 1 <<<"Echo request to 198.18.1.2 failed: request timed out"
}

@test "icmp_send_echo2: the router's errors are replies from the router with their status" {
    lab_no_route
    example icmp_send_echo2 "$LAB_NOROUTE4"
    assert_example 1 <<'EOF'
Echo request sent to 198.18.3.9
Answered by 198.18.0.1: status 11002 (destination network unreachable), N ms
EOF
    lab_reject 4 "$LAB_S4" host-unreachable
    example icmp_send_echo2 "$LAB_S4"
    assert_example 1 <<'EOF'
Echo request sent to 198.18.1.2
Answered by 198.18.0.1: status 11003 (destination host unreachable), N ms
EOF
}

@test "icmp_send_echo2: TTL 1 expires at the router (datagram and raw sockets)" {
    local kind
    for kind in dgram raw; do
        lab_socket_kind "$kind"
        example icmp_send_echo2 "$LAB_S4" 1
        assert_example 1 <<'EOF'
Echo request sent to 198.18.1.2
Answered by 198.18.0.1: status 11013 (TTL expired in transit), N ms
EOF
    done
}

@test "icmp_send_echo2: destination 0.0.0.0 is refused with ERROR_INVALID_NETNAME" {
    example icmp_send_echo2 0.0.0.0
    assert_example 1 <<<"Echo request to 0.0.0.0 failed: invalid address"
}

@test "icmp_send_echo2_event: completion through the event for a reply, an error and a timeout" {
    example icmp_send_echo2_event "$LAB_S4"
    assert_example 0 <<'EOF'
Echo request to 198.18.1.2 is on its way
Completed: 198.18.1.2 answered with status 0 in N ms
EOF
    lab_reject 4 "$LAB_S4" host-unreachable
    example icmp_send_echo2_event "$LAB_S4"
    assert_example 1 <<'EOF'
Echo request to 198.18.1.2 is on its way
Completed: 198.18.0.1 answered with status 11003 in N ms
EOF
    lab_route_type 4 "$LAB_S4/32" blackhole
    example icmp_send_echo2_event "$LAB_S4" 300
    assert_example 1 <<'EOF'
Echo request to 198.18.1.2 is on its way
Completed: request timed out
EOF
}

@test "icmp_send_echo2_apc: the APC runs in an alertable sleep for a reply, an error and a timeout" {
    example icmp_send_echo2_apc "$LAB_S4"
    assert_example 0 <<'EOF'
Echo request to 198.18.1.2 is on its way
Completion routine: 70 bytes written into the reply buffer
Completed: 198.18.1.2 answered with status 0
EOF
    lab_reject 4 "$LAB_S4" host-unreachable
    example icmp_send_echo2_apc "$LAB_S4"
    assert_example 1 <<'EOF'
Echo request to 198.18.1.2 is on its way
Completion routine: 40 bytes written into the reply buffer
Completed: 198.18.0.1 answered with status 11003
EOF
    lab_route_type 4 "$LAB_S4/32" blackhole
    example icmp_send_echo2_apc "$LAB_S4" 300
    assert_example 1 <<'EOF'
Echo request to 198.18.1.2 is on its way
Completion routine: 40 bytes written into the reply buffer
Completed without a reply: status 11010
EOF
}

@test "icmp6_send_echo2: loopback and the server across the router answer" {
    lab_warm6
    example icmp6_send_echo2 ::1
    assert_example 0 <<'EOF'
Echo request sent to ::1
Reply from ::1: N ms
EOF
    example icmp6_send_echo2 "$LAB_S6"
    assert_example 0 <<'EOF'
Echo request sent to 2001:db8:1::2
Reply from 2001:db8:1::2: N ms
EOF
}

@test "icmp6_send_echo2: hop limit 1 expires, no route, an unreachable address (datagram and raw sockets)" {
    local kind
    lab_warm6
    lab_no_route
    lab_reject 6 "$LAB_S6" addr-unreachable
    for kind in dgram raw; do
        lab_socket_kind "$kind"
        example icmp6_send_echo2 2001:db8:1::9 1
        assert_example 1 <<<"Echo request to 2001:db8:1::9 failed: hop limit exceeded (from 2001:db8::1)"
        example icmp6_send_echo2 "$LAB_NOROUTE6"
        assert_example 1 <<<"Echo request to 2001:db8:3::9 failed: no route to the destination (from 2001:db8::1)"
        example icmp6_send_echo2 "$LAB_S6"
        assert_example 1 <<<"Echo request to 2001:db8:1::2 failed: destination address unreachable (from 2001:db8::1)"
    done
}

@test "icmp6_send_echo2: a silent destination times out; hop limit 0 is a general failure" {
    lab_warm6
    blackhole
    example icmp6_send_echo2 "$LAB_S6" 64 300
    assert_example 1 <<<"Echo request to 2001:db8:1::2 failed: request timed out"
    example icmp6_send_echo2 ::1 0
    assert_example 1 <<<"Echo request to ::1 failed: general failure"
}

@test "an unprivileged user pings through a datagram socket; without one IcmpCreateFile fails with ERROR_ACCESS_DENIED" {
    command -v setpriv >/dev/null || lab_skip "setpriv (util-linux) is needed to drop to nobody"
    # nobody runs a copy of the example and of the library it loads (LD_LIBRARY_PATH comes
    # before the build tree's RUNPATH), so the checkout's permissions do not matter.
    local copy library
    library=$(ldd "$ICMPAPI_EXAMPLES/icmp_send_echo2" | awk '$1 ~ /^libicmpapi/ { print $3 }')
    [[ -n $library ]]
    copy=$(lab_readable_copy "$ICMPAPI_EXAMPLES/icmp_send_echo2" "$library")
    COPY=$copy
    run --separate-stderr lab_client setpriv --reuid=65534 --regid=65534 --clear-groups \
        env LD_LIBRARY_PATH="$copy" "$copy/icmp_send_echo2" 127.0.0.1
    output=$(sed -E 's/[0-9]+ ms/N ms/g' <<<"$output")
    assert_example 0 <<'EOF'
Echo request sent to 127.0.0.1
Answered by 127.0.0.1: status 0 (echo reply), N ms
EOF
    lab_socket_kind raw
    run --separate-stderr lab_client setpriv --reuid=65534 --regid=65534 --clear-groups \
        env LD_LIBRARY_PATH="$copy" "$copy/icmp_send_echo2" 127.0.0.1
    assert_example 1 <<'EOF'
Could not open an ICMP handle.
IcmpCreateFile error: 5
EOF
}
