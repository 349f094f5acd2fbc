#!/usr/bin/env bats
# The engine's successful echoes, driven through echo-probe in the lab's client: loopback and
# through the router, both families, both socket kinds; which socket kind it opens; payload
# sizes; what it reports about a reply (responder, TTL, TOS, flags, RTT, payload).

load engine_common

# One echo to DEST with socket KIND answered by RESPONDER with reply TTL: a full success line.
assert_success_from() {
    local kind=$1 dest=$2 responder=$3 ttl=$4 rtt
    lab_probe_kind "$kind"
    lab_probe -W 1000 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 1
    lab_assert_outcome 1 status=0 name=IP_SUCCESS "from=$responder" "ttl=$ttl" len=32 match=1 \
        trunc=0 errno=0 kts=1
    rtt=$(lab_field "$(lab_outcome 1)" rtt_us)
    lab_assert_range rtt_us "$rtt" 1 100000
    [[ -z $(lab_notices) ]] || lab_fail "unexpected notices"
}

@test "loopback echo succeeds (IPv4, datagram socket)" {
    assert_success_from dgram 127.0.0.1 127.0.0.1 64
}

@test "loopback echo succeeds (IPv4, raw socket)" {
    # A raw socket also reads its own request on loopback: it must be neither the answer
    # nor a notice. The kernel's reply leaves with DF clear.
    assert_success_from raw 127.0.0.1 127.0.0.1 64
    lab_assert_outcome 1 flags=0
}

@test "loopback echo succeeds (IPv6, datagram socket)" {
    assert_success_from dgram ::1 ::1 64
}

@test "loopback echo succeeds (IPv6, raw socket)" {
    assert_success_from raw ::1 ::1 64
}

@test "echo through the router succeeds, reply TTL one less (IPv4, datagram socket)" {
    assert_success_from dgram "$LAB_S4" "$LAB_S4" 63
    lab_assert_outcome 1 flags=-1 tos=0 opts=-
}

@test "echo through the router succeeds, reply TTL one less (IPv4, raw socket)" {
    assert_success_from raw "$LAB_S4" "$LAB_S4" 63
    lab_assert_outcome 1 flags=0 tos=0 opts=-
}

@test "echo through the router succeeds, reply hop limit one less (IPv6, datagram socket)" {
    lab_warm6
    assert_success_from dgram "$LAB_S6" "$LAB_S6" 63
    lab_assert_outcome 1 flags=-1 tos=0 opts=-
}

@test "echo through the router succeeds, reply hop limit one less (IPv6, raw socket)" {
    lab_warm6
    assert_success_from raw "$LAB_S6" "$LAB_S6" 63
    lab_assert_outcome 1 flags=-1 tos=0 opts=-
}

@test "auto opens a datagram socket when ping_group_range allows it" {
    lab_socket_kind dgram
    lab_probe -k auto "$LAB_S4"
    lab_assert_probe_ran dgram
    lab_assert_outcome 1 status=0
}

@test "auto falls back to a raw socket when ping_group_range forbids datagram sockets" {
    lab_socket_kind raw
    lab_probe -k auto "$LAB_S6"
    lab_assert_probe_ran raw
    lab_assert_outcome 1 status=0
}

@test "asking for a datagram socket that ping_group_range forbids is refused, exit 2" {
    lab_socket_kind raw
    lab_probe -k dgram 127.0.0.1
    assert_failure 2
    assert_output ""
    assert_regex "$stderr" '^echo-probe: .+: Permission denied$'
}

# COUNT requests to DEST with KIND: every outcome a success, sequence numbers consecutive.
assert_consecutive() {
    local kind=$1 dest=$2 count=$3 i first seq
    lab_probe_kind "$kind"
    lab_probe -c "$count" -W 1000 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count "$count"
    first=$(lab_field "$(lab_outcome 1)" seq)
    for ((i = 1; i <= count; i++)); do
        lab_assert_outcome "$i" status=0 "seq=$((first + i - 1))" match=1
    done
}

@test "several requests get consecutive sequence numbers, each its own reply (IPv4, dgram)" {
    assert_consecutive dgram "$LAB_S4" 4
}

@test "several requests get consecutive sequence numbers, each its own reply (IPv4, raw)" {
    assert_consecutive raw "$LAB_S4" 4
}

@test "several requests get consecutive sequence numbers, each its own reply (IPv6, dgram)" {
    lab_warm6
    assert_consecutive dgram "$LAB_S6" 4
}

@test "several requests get consecutive sequence numbers, each its own reply (IPv6, raw)" {
    lab_warm6
    assert_consecutive raw "$LAB_S6" 4
}

# Payload of SIZE bytes to DEST with KIND comes back whole.
assert_payload_size() {
    local kind=$1 dest=$2 size=$3
    lab_probe_kind "$kind"
    lab_probe -s "$size" -W 1000 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0 "len=$size" match=1 trunc=0
}

@test "an empty payload is echoed as empty and matches (IPv4 and IPv6, dgram)" {
    lab_warm6
    assert_payload_size dgram "$LAB_S4" 0
    assert_payload_size dgram "$LAB_S6" 0
}

@test "an empty payload is echoed as empty and matches (IPv4 and IPv6, raw)" {
    lab_warm6
    assert_payload_size raw "$LAB_S4" 0
    assert_payload_size raw "$LAB_S6" 0
}

@test "8000 bytes travel fragmented through the router and come back whole (IPv4, dgram)" {
    assert_payload_size dgram "$LAB_S4" 8000
}

@test "8000 bytes travel fragmented through the router and come back whole (IPv4, raw)" {
    assert_payload_size raw "$LAB_S4" 8000
}

@test "8000 bytes travel fragmented through the router and come back whole (IPv6, dgram)" {
    lab_warm6
    assert_payload_size dgram "$LAB_S6" 8000
}

@test "8000 bytes travel fragmented through the router and come back whole (IPv6, raw)" {
    lab_warm6
    assert_payload_size raw "$LAB_S6" 8000
}

@test "the largest payload, 65507 bytes, is echoed over loopback (IPv4, raw)" {
    assert_payload_size raw 127.0.0.1 65507
}

# A reply with TTL 100 and TOS 40 from the fake host reaches KIND in FAMILY with TTL 99.
assert_reply_ttl_tos() {
    local kind=$1 family=$2 dest
    fake_script '* ttl=100 tos=40'
    if [[ $family == 4 ]]; then dest=$LAB_FAKE4; else dest=$LAB_FAKE6; fi
    lab_probe_kind "$kind"
    lab_probe -W 1000 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0 "from=$dest" ttl=99 tos=40 match=1
}

@test "the reply's TTL and TOS are reported (IPv4, datagram socket)" {
    assert_reply_ttl_tos dgram 4
}

@test "the reply's TTL and TOS are reported, and its flags (IPv4, raw socket)" {
    assert_reply_ttl_tos raw 4
    # The fake host's replies leave with DF clear.
    lab_assert_outcome 1 flags=0
}

@test "the reply's hop limit and traffic class are reported (IPv6, datagram socket)" {
    assert_reply_ttl_tos dgram 6
}

@test "the reply's hop limit and traffic class are reported (IPv6, raw socket)" {
    assert_reply_ttl_tos raw 6
}

# The fake host delays its reply by 120 ms: RTT from the kernel timestamp, at least 120 ms and
# never more than the probe had run when it printed it (how much more is up to the load).
assert_rtt_of_delay() {
    local kind=$1 dest=$2
    fake_script '* delay=120'
    lab_probe_kind "$kind"
    lab_probe -W 1000 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0 kts=1
    lab_assert_rtt 1 120000
}

@test "the round-trip time measures a 120 ms delay (IPv4, datagram socket)" {
    assert_rtt_of_delay dgram "$LAB_FAKE4"
}

@test "the round-trip time measures a 120 ms delay (IPv4, raw socket)" {
    assert_rtt_of_delay raw "$LAB_FAKE4"
}

@test "the round-trip time measures a 120 ms delay (IPv6, datagram socket)" {
    assert_rtt_of_delay dgram "$LAB_FAKE6"
}

@test "the round-trip time measures a 120 ms delay (IPv6, raw socket)" {
    assert_rtt_of_delay raw "$LAB_FAKE6"
}
