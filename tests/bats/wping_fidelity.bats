#!/usr/bin/env bats
# Small things a Windows user would trip on (issue 12): requests leave with ping.exe's TTL
# 128, in the command and in libicmpapi; -r and -s together carry both options; -c takes
# the default compartment number 1; a link-local target without its interface is refused
# before anything is sent; a source route refused for want of CAP_NET_RAW says so.

load wping_common

: "${ICMPAPI_EXAMPLES:=$PWD/../../examples}"

setup_file() { wping_setup_file; }
setup() { wping_setup; }
teardown() {
    [[ -z ${COPY_DIR:-} ]] || rm -rf "$COPY_DIR"
    wping_teardown
}

# R refuses (admin-prohibited, at once) every echo request that did not leave C with TTL or
# hop limit 128: R sees it after its own decrement, 127.
only_ttl_128() {
    lab_forward_rule "icmp type echo-request ip ttl != 127 reject with icmp type admin-prohibited"
    lab_forward_rule "icmpv6 type echo-request ip6 hoplimit != 127 reject with icmpv6 type admin-prohibited"
}

@test "requests leave with TTL and hop limit 128 without -i, and with -i's value when given" {
    only_ttl_128
    local kind family
    for kind in dgram raw; do
        lab_socket_kind "$kind"
        for family in 4 6; do
            local target=$LAB_S4
            [[ $family == 4 ]] || target=$LAB_S6
            wping_run -n 1 -w 2000 "$target"
            assert_success
            assert_line --index 1 --regexp "^Reply from $target: "
            wping_run -n 1 -w 2000 -i 64 "$target"
            assert_failure 1
            assert_line --index 1 --regexp "^Reply from 198\.18\.0\.1|^Reply from 2001:db8::1"
        done
    done
}

@test "JSON's start object says TTL 128 when -i is not given" {
    wping_run --json -n 1 "$LAB_S4"
    assert_success
    assert_equal "$(head -n 1 <<<"$output" | jq -c .ttl)" 128
    wping_run --json -n 1 -i 7 "$LAB_S4"
    assert_equal "$(head -n 1 <<<"$output" | jq -c .ttl)" 7
}

@test "libicmpapi sends TTL and hop limit 128 when the caller passes no options" {
    only_ttl_128
    run --separate-stderr lab_client timeout 20 "$ICMPAPI_EXAMPLES/icmp_send_echo" "$LAB_S4"
    assert_success
    assert_line "  Status:     0"
    run --separate-stderr lab_client timeout 20 "$ICMPAPI_EXAMPLES/icmp6_send_echo2" "$LAB_S6"
    assert_success
    assert_line --index 1 --regexp "^Reply from $LAB_S6: [0-9]+ ms$"
    # The same with a hop limit of its own, which R refuses: the filter does tell them apart.
    run --separate-stderr lab_client timeout 20 "$ICMPAPI_EXAMPLES/icmp6_send_echo2" "$LAB_S6" 64
    refute_line --regexp "^Reply from $LAB_S6: [0-9]+ ms$"
}

@test "-r with -s carries both options: the route and the timestamps under each reply, both in JSON" {
    lab_socket_kind raw
    wping_run -n 1 -r 2 -s 2 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 2 --regexp '^    Route: [0-9.]+ ->$'
    assert_line --index 3 --regexp '^           [0-9.]+$'
    assert_line --index 4 --regexp '^    Timestamp: [0-9.]+ : [0-9]+ ->$'
    assert_line --index 5 --regexp '^               [0-9.]+ : [0-9]+$'
    wping_run --json -n 1 -r 2 -s 2 "$LAB_S4"
    assert_success
    assert_equal "$(sed -n 2p <<<"$output" | jq -c '[(.route | length), (.ip_timestamps.entries | length)]')" "[2,2]"
}

@test "-r and -s that do not fit together in the IPv4 header are refused, exit 2" {
    wping_run -n 1 -r 9 -s 1 "$LAB_S4"
    assert_failure 2
    assert_output ""
    assert_equal "$stderr" "The IPv4 options of -r, -s, -j and -k together do not fit in the 40 bytes an IPv4 header has for them."
}

@test "-c 1, the default routing compartment, sends as without -c; -c 2 is an error, exit 2" {
    wping_run -n 1 -c 1 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 1 --regexp '^Reply from 198\.18\.1\.2: bytes=32 time'
    wping_run -n 1 -c 2 "$LAB_S4"
    assert_failure 2
    assert_output ""
    assert_equal "$stderr" "The routing compartment 2 does not exist: Linux has only the default compartment 1. Give -c an interface or VRF name instead."
}

@test "a link-local target without its interface is refused before sending, on both socket kinds" {
    local kind
    for kind in dgram raw; do
        lab_socket_kind "$kind"
        wping_run -n 1 fe80::1
        assert_failure 2
        assert_output ""
        assert_equal "$stderr" "wping: the link-local address fe80::1 needs its interface, for example fe80::1%eth0 (or -c eth0)."
        wping_run --json -n 1 ff02::1
        assert_failure 2
        assert_output ""
        assert_equal "$(jq -c '[.type, .kind, .exit_status]' <<<"$stderr")" '["error","resolution",2]'
    done
    # With its interface it is pinged: C's own link-local address answers.
    local own
    own=$(ip -n "$LAB_C" -6 -o addr show dev c0 scope link | awk '{print $4}' | cut -d/ -f1)
    [[ -n $own ]] || skip "c0 has no link-local address"
    wping_run -n 1 "$own%c0"
    assert_success
    wping_run -n 1 -c c0 "$own"
    assert_success
}

@test "-j as an unprivileged user with datagram sockets allowed: the source route needs CAP_NET_RAW" {
    COPY_DIR=$(mktemp -d /tmp/wping-fidelity.XXXXXX)
    chmod 755 "$COPY_DIR"
    cp "$WPING" "$COPY_DIR/wping"
    chmod 755 "$COPY_DIR/wping"
    run --separate-stderr env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        ip netns exec "$LAB_C" setpriv --reuid=65534 --regid=65534 --clear-groups \
        --inh-caps=-all "$COPY_DIR/wping" -n 1 -j "$LAB_R4" "$LAB_S4"
    assert_failure 2
    assert_output ""
    assert_equal "${stderr_lines[0]}" \
        "wping: the kernel refused the source route of -j/-k (Operation not permitted): Linux lets only a"
    assert_equal "${stderr_lines[1]}" "process with CAP_NET_RAW send one, even on the unprivileged ICMP socket."
    [[ $stderr != *ping_group_range* ]] || fail "it still suggests ping_group_range: $stderr"
}
