#!/usr/bin/env bats
# The clock pair of each RTT (docs/design.md, Time stamps) in --format=json, in the lab: kernel transmit and
# receive stamps on both socket kinds and families, for replies and for ICMP errors (which
# share the error queue with the transmit stamps on datagram sockets), the flood's user send
# time, and RTTs that stay consistent: never negative, never beyond the timeout. Every line
# validates against the schema (json_common.bash). About 15 s.

load json_common

setup_file() { json_setup_file; }
setup() { wping_setup; }
teardown() {
    wping_teardown
    json_teardown
}

# Asserts that every outcome of the last json_run with an RTT has clock CLOCK, and that
# every RTT lies in 0..LIMIT ms: assert_clocks CLOCK LIMIT
assert_clocks() {
    assert_equal "$(jq -c -s --arg c "$1" '[.[] | select((.rtt_ms | type) == "number") | .clock] | unique' \
        "$JSON_OUT")" "[\"$1\"]"
    assert_equal "$(jq -c -s --argjson l "$2" \
        '[.[] | select(.type == "reply" or .type == "icmp_error") | .rtt_ms >= 0 and .rtt_ms <= $l] | unique' \
        "$JSON_OUT")" '[true]'
    assert_equal "$(jq -c -s '[.[] | select(has("rtt_ms") and .rtt_ms == null and .clock != null)]' \
        "$JSON_OUT")" '[]'
}

@test "replies are timed by the kernel's transmit and receive stamps: both socket kinds, both families" {
    local kind family target
    for kind in dgram raw; do
        lab_socket_kind "$kind"
        for family in 4 6; do
            target=$LAB_S4
            [[ $family == 6 ]] && target=$LAB_S6
            json_run --json -n 3 --interval=50 -w 1000 "$target"
            assert_success
            json_check
            assert_equal "$(json_get start .socket)" "\"$kind\""
            assert_json_types start reply reply reply summary
            assert_clocks kernel-tx/kernel-rx 1000
        done
    done
}

@test "ICMP errors are timed by the transmit stamp too, though both come through the error queue" {
    local kind
    lab_reject 4 198.18.1.21 host-unreachable
    lab_reject 6 2001:db8:1::21 addr-unreachable
    for kind in dgram raw; do
        lab_socket_kind "$kind"
        json_run --json -n 2 --interval=50 -w 1000 198.18.1.21
        assert_failure 1
        json_check
        assert_json_types start icmp_error icmp_error summary
        assert_equal "$(json_get icmp_error .status_name)" '"IP_DEST_HOST_UNREACHABLE"'
        assert_clocks kernel-tx/kernel-rx 1000
        json_run --json -n 2 --interval=50 -w 1000 2001:db8:1::21
        assert_failure 1
        json_check
        assert_json_types start icmp_error icmp_error summary
        assert_clocks kernel-tx/kernel-rx 1000
    done
}

@test "a flood (--interval=0) asks for no transmit stamps: the send time is the user clock's" {
    local kind
    for kind in dgram raw; do
        lab_socket_kind "$kind"
        json_run --json -n 50 --interval=0 -w 1000 "$LAB_S4"
        assert_success
        json_check
        assert_equal "$(json_get summary '[.sent, .replies]')" '[50,50]'
        assert_clocks user/kernel-rx 1000
    done
}

@test "a late reply's notice counts from the transmit stamp of its request" {
    printf '%s\n' "nth=1 delay=300" "nth=2 delay=20" >"$BATS_TEST_TMPDIR/script"
    lab_fakehost "$BATS_TEST_TMPDIR/script"
    json_run --json -n 2 --interval=500 -w 100 "$LAB_FAKE4"
    assert_success
    json_check
    assert_json_types start timeout late reply summary
    assert_equal "$(json_get late '[.icmp_seq, .clock, .rtt_ms >= 300 and .rtt_ms < 500]')" \
        '[1,"kernel-tx/kernel-rx",true]'
    assert_equal "$(json_get reply '[.icmp_seq, .clock]')" '[2,"kernel-tx/kernel-rx"]'
}
