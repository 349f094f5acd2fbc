#!/usr/bin/env bats
# --format=json with the answers only the fake host gives: duplicates, late replies, corrupt
# and resized replies, replies that fail their checksum (malformed), and delays that give the
# RTT statistics something to measure. Every line validates against the schema and every
# summary equals its events (json_common.bash).

load json_common

setup_file() {
    json_setup_file
    if [[ ! -x ${FAKEHOST:-} ]]; then
        lab_skip "FAKEHOST (the fakehost binary) is not built"
    fi
}
setup() { wping_setup; }
teardown() {
    wping_teardown
    json_teardown
}

# Starts the fake host with the script lines given as arguments.
fakehost() {
    local script="$BATS_TEST_TMPDIR/fakehost.script"
    printf '%s\n' "$@" >"$script"
    lab_fakehost "$script"
}

@test "duplicates are notices of the request they answer, not outcomes" {
    fakehost "nth=1 count=3"
    json_run --json -n 2 --interval=200 -w 500 "$LAB_FAKE4"
    assert_success
    json_check
    assert_json_types start reply duplicate duplicate reply summary
    assert_equal "$(json_get duplicate '[.seq, .icmp_seq, .status, .message, .responder, .bytes, .ttl, .payload_match]' 2)" \
        '[1,1,0,null,"198.18.2.2",32,63,true]'
    assert_equal "$(json_get duplicate '.rtt_ms >= 0 and .rtt_ms < 200')" true
    assert_equal "$(json_get summary '[.sent, .replies, .duplicates, .loss_percent]')" '[2,2,2,0]'
}

@test "a reply after its timeout is a late notice; the request stays a timeout" {
    fakehost "nth=1 delay=300" "nth=2 delay=20"
    json_run --json -n 2 --interval=500 -w 100 "$LAB_FAKE4"
    assert_success
    json_check
    assert_json_types start timeout late reply summary
    assert_equal "$(json_get late '[.seq, .icmp_seq, .status_name, .responder]')" \
        '[1,1,"IP_SUCCESS","198.18.2.2"]'
    # Answered 300 ms after it was sent; a busy machine adds a little.
    assert_equal "$(json_get late '.rtt_ms >= 300 and .rtt_ms < 450')" true
    assert_equal "$(json_get reply '.rtt_ms >= 20 and .rtt_ms < 100')" true
    assert_equal "$(json_get summary '[.sent, .replies, .timeouts, .late, .loss_percent, .exit_status]')" \
        '[2,1,1,1,50,0]'
}

@test "changed, cut and padded payloads are corrupt: echo replies all the same, in both formats" {
    fakehost "nth=1 corrupt=5" "nth=2 truncate=16" "nth=3 oversize=40" \
        "nth=5 corrupt=5" "nth=6 truncate=16" "nth=7 oversize=40"
    json_run --json -n 4 --interval=50 -w 500 --require=all "$LAB_FAKE4"
    assert_success
    json_check
    assert_json_types start corrupt corrupt corrupt reply summary
    assert_equal "$(json_get corrupt '[.bytes, .sent_bytes, .payload_match]' 1)" '[32,32,false]'
    assert_equal "$(json_get corrupt '[.bytes, .sent_bytes, .message]' 2)" \
        "$(jq -c -n --arg m "$(json_get corrupt .message 2 | jq -r .)" '[16,32,$m]')"
    assert_regex "$(json_get corrupt .message 2 | jq -r .)" \
        '^Reply from 198\.18\.2\.2: bytes=16 \(sent 32\) time(<1|=[0-9]+)ms TTL=63$'
    assert_equal "$(json_get corrupt '[.bytes, .sent_bytes]' 3)" '[40,32]'
    assert_equal "$(json_get summary '[.sent, .replies, .corrupt, .loss_percent, .exit_status]')" \
        '[4,1,3,0,0]'
    # The text run of the same answers: four reply lines, and the same exit status.
    wping_run -n 4 --interval=50 -w 500 --require=all "$LAB_FAKE4"
    assert_success
    assert_equal "$(grep -c '^Reply from 198.18.2.2: ' <<<"$output")" 4
}

@test "a reply that fails its checksum is a malformed notice (IPv4 raw socket)" {
    lab_socket_kind raw
    fakehost "nth=1 badsum" "nth=2 badsum"
    json_run --json -n 2 --interval=400 -w 200 "$LAB_FAKE4"
    assert_failure 1
    json_check
    assert_json_types start malformed timeout malformed timeout summary
    # The first arrives before any outcome: no request can be told for it yet.
    assert_equal "$(json_get malformed '[.seq, .status, .status_name, .message, .responder]' 1)" \
        '[null,null,null,null,"198.18.2.2"]'
    # The second one arrives after the first outcome: it is tied to request 2, in flight.
    assert_equal "$(json_get malformed '[.seq, .icmp_seq]' 2)" '[2,2]'
    assert_equal "$(json_get summary '[.sent, .timeouts, .malformed, .exit_status]')" '[2,2,2,1]'
}

@test "delayed replies: the RTT statistics follow the events, percentiles included" {
    fakehost "nth=1 reply" "nth=2 delay=10" "nth=3 delay=20" "nth=4 delay=30" "nth=5 delay=5" \
        "nth=6 delay=15"
    # Request 1 also warms the path up (neighbours), so it is left out of the timed run.
    lab_client "$WPING" -n 1 -w 1000 "$LAB_FAKE4" >/dev/null
    json_run --json -n 5 --interval=100 -w 1000 "$LAB_FAKE4"
    assert_success
    json_check
    assert_json_types start reply reply reply reply reply summary
    # Each reply waited at least its delay (10, 20, 30, 5, 15 ms); how much longer is up to
    # the machine's load. The summary follows the events: minimum, maximum, p90 and p99 (the
    # maximum, for 5 values) and the mean exactly (to the microsecond printed), the median
    # within the histogram's 0.05 %, the standard deviation within rounding.
    # shellcheck disable=SC2016 # jq variables
    assert_equal "$(jq -sc '
        def abs: if . < 0 then -. else . end;
        [.[] | select(.type == "reply") | .rtt_ms] as $r | ($r | sort) as $o |
        ($r | add / length) as $mean |
        (.[] | select(.type == "summary") | .rtt_ms) as $s |
        [$r[0] >= 10 and $r[1] >= 20 and $r[2] >= 30 and $r[3] >= 5 and $r[4] >= 15,
         $s.min == $o[0], $s.max == $o[4], $s.p90 == $o[4], $s.p99 == $o[4],
         ($s.avg - $mean | abs) <= 0.001,
         ($s.median - $o[2] | abs) <= $o[2] * 0.0005 + 0.001,
         ($s.stddev - ([$r[] | (. - $mean) * (. - $mean)] | add / length | sqrt) | abs) <= 0.002]
        ' "$JSON_OUT")" '[true,true,true,true,true,true,true,true]'
    assert_equal "$(json_get summary '.jitter_ms > 0')" true
}
