#!/usr/bin/env bats
# What the JSON stream (--json) says about hostile packets (issue 6, item 2, "reports what it
# saw"): the text output prints nothing for duplicates and malformed replies, as ping.exe does,
# so the JSON notices are where wping reports them. json_fakehost.bats has the basic notices;
# here they come by the hundred or damaged.
#
# | bad input (fake host script)                     | sockets, families | what the JSON stream says            |
# | ------------------------------------------------ | ----------------- | ------------------------------------ |
# | 100 copies of every reply (count=100), 3 requests| dgram+raw, v4+v6  | 3 replies; 99 duplicate notices for  |
# |                                                  |                   | each of requests 1 and 2 (request 3's|
# |                                                  |                   | copies may come after the run ends), |
# |                                                  |                   | the summary counting each one        |
# | wrong checksum (badsum)                          | raw, v4           | a timeout and a malformed notice of  |
# |                                                  |                   | its ICMP sequence; EXPECTED with the |
# |                                                  |                   | reply's 32 bytes, says "bytes":0     |
# |                                                  |                   | (see that test)                      |

load wping_common
load hostile_common

setup_file() {
    hostile_setup_file
    command -v jq >/dev/null || lab_skip "jq is missing"
}
setup() { hostile_setup; }
teardown() { hostile_teardown; }

# Prints the value of jq FILTER over the last run's stdout (one JSON object per line).
jq_out() {
    jq -r -s "$1" <<<"$output"
}

@test "100 copies of every reply: each copy is a duplicate notice of its own request, counted once" {
    local c ones twos threes
    hostile_fakehost "* count=100"
    for c in "${HOSTILE_CASES[@]}"; do
        # shellcheck disable=SC2086 # "KIND FAMILY"
        hostile_use $c "100 copies of every reply, JSON"
        hostile_ping --json -n 3 -w 500 --interval=300 "$TARGET"
        assert_success
        assert_equal "$(jq_out '[.[] | select(.type == "reply") | .seq] | join(",")')" "1,2,3"
        ones=$(jq_out '[.[] | select(.type == "duplicate" and .seq == 1)] | length')
        twos=$(jq_out '[.[] | select(.type == "duplicate" and .seq == 2)] | length')
        threes=$(jq_out '[.[] | select(.type == "duplicate" and .seq == 3)] | length')
        assert_equal "$ones $twos" "99 99"
        ((threes <= 99)) || fail "$threes duplicates of request 3"
        assert_equal "$(jq_out '[.[] | select(.type == "duplicate" and
            (.seq < 1 or .seq > 3 or .payload_match != true))] | length')" 0
        assert_equal "$(jq_out '.[-1] | "\(.type) \(.sent) \(.replies) \(.duplicates) \(.late)"')" \
            "summary 3 3 $((ones + twos + threes)) 0"
    done
}

# The engine reports a malformed reply with data_len 0 (src/engine/packet.c, S_parse_icmp
# returns before it sets data and data_len when the checksum or the code is wrong), so the
# notice says "bytes":0 for a reply that carried 32. The notice's members are those of an
# outcome (wping(1), Notices): bytes is what the reply carried.
@test "a reply that fails its checksum is a malformed notice with the size it had (IPv4 raw)" {
    hostile_fakehost "* badsum"
    hostile_use raw 4 "bad checksum, JSON"
    hostile_ping --json -n 1 -w 300 "$TARGET"
    assert_failure 1
    assert_equal "$(jq_out '[.[] | select(.type != "start") | .type] | join(",")')" \
        "malformed,timeout,summary"
    assert_equal "$(jq_out '.[] | select(.type == "malformed") |
        "\(.icmp_seq) \(.responder) \(.bytes) \(.payload_match)"')" "1 $TARGET 32 false"
    assert_equal "$(jq_out '.[-1] | "\(.sent) \(.timeouts) \(.malformed)"')" "1 1 1"
}
