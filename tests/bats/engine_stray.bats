#!/usr/bin/env bats
# Packets that are not the answer to the request waiting for one: late and duplicate replies,
# replies with a foreign identifier or sequence number, bad checksums, damaged payloads, ICMP
# errors quoting somebody else's packet, and other programs' ICMP traffic. None may be taken
# as the answer to another request; late and duplicate replies are reported as notices, and
# damaged payloads are answers whose payload does not match. The fake host makes them.

load engine_common

# Asserts that the last probe printed exactly the notice lines given (in any order).
assert_notices() {
    local expected actual
    expected=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
    actual=$(lab_notices | sort)
    [[ $actual == "$expected" ]] ||
        lab_fail "notices differ; expected:"$'\n'"$expected"$'\n'"got:"$'\n'"$actual"
}

# --- late replies ----------------------------------------------------------------------

# The first reply comes 350 ms late, after its 200 ms timeout, while the second request
# (which gets no answer) waits: the second must time out too, and the late reply is a
# notice for the first.
assert_late_not_taken() {
    local kind=$1 dest first
    dest=$(fake "$2")
    fake_script 'nth=1 delay=350' 'nth=2 silent'
    lab_probe_kind "$kind"
    lab_probe -c 2 -W 200 -x 100 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 2
    lab_assert_outcome 1 status=11010
    lab_assert_outcome 2 status=11010
    first=$(lab_field "$(lab_outcome 1)" seq)
    assert_notices "notice=late seq=$first from=$dest len=32 match=1"
}

@test "a late reply is not taken by the next request; it is a late notice (IPv4, dgram)" {
    assert_late_not_taken dgram 4
}

@test "a late reply is not taken by the next request; it is a late notice (IPv4, raw)" {
    assert_late_not_taken raw 4
}

@test "a late reply is not taken by the next request; it is a late notice (IPv6, dgram)" {
    assert_late_not_taken dgram 6
}

@test "a late reply is not taken by the next request; it is a late notice (IPv6, raw)" {
    assert_late_not_taken raw 6
}

@test "the next request still gets its own reply when a late one arrives (dgram and raw)" {
    local kind first second
    fake_script 'nth=1 delay=300' 'nth=3 delay=300'
    for kind in dgram raw; do
        lab_probe_kind "$kind"
        lab_probe -c 2 -W 200 -x 200 "$LAB_FAKE4"
        lab_assert_probe_ran
        lab_assert_outcome 1 status=11010
        lab_assert_outcome 2 status=0 match=1
        first=$(lab_field "$(lab_outcome 1)" seq)
        second=$(lab_field "$(lab_outcome 2)" seq)
        ((second != first)) || lab_fail "both outcomes have sequence $first"
        lab_assert_range rtt_us "$(lab_field "$(lab_outcome 2)" rtt_us)" 0 50000
        assert_notices "notice=late seq=$first from=$LAB_FAKE4 len=32 match=1"
    done
}

# --- duplicates ------------------------------------------------------------------------

# The first reply comes twice, 100 ms after the request; the second request gets no answer.
# One success, the copy a duplicate notice, and the second request times out.
assert_duplicate() {
    local kind=$1 dest first
    dest=$(fake "$2")
    fake_script 'nth=1 delay=100 count=2' 'nth=2 silent'
    lab_probe_kind "$kind"
    lab_probe -c 2 -W 200 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 2
    lab_assert_outcome 1 status=0 "from=$dest" match=1
    lab_assert_outcome 2 status=11010
    first=$(lab_field "$(lab_outcome 1)" seq)
    assert_notices "notice=duplicate seq=$first from=$dest len=32 match=1"
}

@test "a duplicate reply is one success and a duplicate notice, never the next answer (IPv4, dgram)" {
    assert_duplicate dgram 4
}

@test "a duplicate reply is one success and a duplicate notice, never the next answer (IPv4, raw)" {
    assert_duplicate raw 4
}

@test "a duplicate reply is one success and a duplicate notice, never the next answer (IPv6, dgram)" {
    assert_duplicate dgram 6
}

@test "a duplicate reply is one success and a duplicate notice, never the next answer (IPv6, raw)" {
    assert_duplicate raw 6
}

# --- foreign identifier or sequence ----------------------------------------------------

# Every reply carries a wrong identifier (then a wrong sequence number): both requests time
# out, nothing else is reported.
assert_foreign_ignored() {
    local kind=$1 dest
    dest=$(fake "$2")
    fake_script 'nth=1 id=+1' 'nth=2 seq=+7'
    lab_probe_kind "$kind"
    lab_probe -c 2 -W 200 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 2
    lab_assert_outcome 1 status=11010
    lab_assert_outcome 2 status=11010
    assert_notices
}

@test "replies with a wrong identifier or sequence number are never taken (IPv4, dgram)" {
    assert_foreign_ignored dgram 4
}

@test "replies with a wrong identifier or sequence number are never taken (IPv4, raw)" {
    assert_foreign_ignored raw 4
}

@test "replies with a wrong identifier or sequence number are never taken (IPv6, dgram)" {
    assert_foreign_ignored dgram 6
}

@test "replies with a wrong identifier or sequence number are never taken (IPv6, raw)" {
    assert_foreign_ignored raw 6
}

# --- bad checksums ---------------------------------------------------------------------

@test "a reply with a bad checksum is a malformed notice on an IPv4 raw socket, not an answer" {
    local first
    fake_script '* badsum'
    lab_probe_kind raw
    lab_probe -W 200 "$LAB_FAKE4"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=11010
    first=$(lab_field "$(lab_outcome 1)" seq)
    # The notice gives the reply's payload size as it came, here the full 32 bytes.
    [[ $(lab_notices) == "notice=malformed seq=$first from=$LAB_FAKE4 len=32 "* ]] ||
        lab_fail "expected one malformed notice for sequence $first, 32 bytes"
    [[ $(lab_notices | wc -l) == 1 ]] || lab_fail "expected exactly one notice"
}

@test "a reply with a bad checksum never reaches the other sockets: timed out, no notice" {
    # The kernel checks the checksum itself for datagram sockets and for ICMPv6.
    local kind family
    fake_script '* badsum'
    for kind in dgram raw; do
        for family in 4 6; do
            [[ $kind$family == raw4 ]] && continue
            lab_probe_kind "$kind"
            lab_probe -W 200 "$(fake "$family")"
            lab_assert_probe_ran
            lab_assert_outcome 1 status=11010
            assert_notices
        done
    done
}

# --- damaged payloads ------------------------------------------------------------------

# Replies with a flipped payload byte, a shortened payload and a lengthened one are the
# answers (status 0, from the fake host), with the payload reported as not matching.
assert_damaged_payloads() {
    local kind=$1 dest
    dest=$(fake "$2")
    fake_script 'nth=1 corrupt=5' 'nth=2 truncate=10' 'nth=3 oversize=64' 'nth=4 reply'
    lab_probe_kind "$kind"
    lab_probe -c 4 -W 300 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 4
    lab_assert_outcome 1 status=0 "from=$dest" len=32 match=0 trunc=0
    lab_assert_outcome 2 status=0 "from=$dest" len=10 match=0 trunc=0
    lab_assert_outcome 3 status=0 "from=$dest" len=64 match=0 trunc=0
    lab_assert_outcome 4 status=0 "from=$dest" len=32 match=1 trunc=0
    assert_notices
}

@test "corrupt, truncated and oversized payloads are answers that do not match (IPv4, dgram)" {
    assert_damaged_payloads dgram 4
}

@test "corrupt, truncated and oversized payloads are answers that do not match (IPv4, raw)" {
    assert_damaged_payloads raw 4
}

@test "corrupt, truncated and oversized payloads are answers that do not match (IPv6, dgram)" {
    assert_damaged_payloads dgram 6
}

@test "corrupt, truncated and oversized payloads are answers that do not match (IPv6, raw)" {
    assert_damaged_payloads raw 6
}

# --- errors about somebody else's packet -----------------------------------------------

# ICMP errors whose quoted request is not ours (another identifier, another sequence, another
# destination, not ICMP at all, or cut before the identifier): every request times out.
assert_foreign_errors_ignored() {
    local kind=$1 family=$2 dest error i
    dest=$(fake "$family")
    if [[ $family == 4 ]]; then error=3/1; else error=1/3; fi
    fake_script "nth=1 error=$error quote=foreign-id" "nth=2 error=$error quote=foreign-seq" \
        "nth=3 error=$error quote=other-dst" "nth=4 error=$error quote=bad-ip" \
        "nth=5 error=$error quote=truncated"
    lab_probe_kind "$kind"
    lab_probe -c 5 -W 200 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 5
    for i in 1 2 3 4 5; do
        lab_assert_outcome "$i" status=11010 from=-
    done
    assert_notices
}

@test "errors quoting another request, destination or protocol are never taken (IPv4, dgram)" {
    assert_foreign_errors_ignored dgram 4
}

@test "errors quoting another request, destination or protocol are never taken (IPv4, raw)" {
    assert_foreign_errors_ignored raw 4
}

@test "errors quoting another request, destination or protocol are never taken (IPv6, dgram)" {
    assert_foreign_errors_ignored dgram 6
}

@test "errors quoting another request, destination or protocol are never taken (IPv6, raw)" {
    assert_foreign_errors_ignored raw 6
}

# --- other programs' traffic -----------------------------------------------------------

# While the probe waits 600 ms for a silent fake host, other probes in the client ping the
# server (replies) and an address the router rejects (errors), and the server pings the
# client (echo requests arrive): none of it may answer the waiting request or be reported
# as a notice.
assert_other_traffic_ignored() {
    local kind=$1 family=$2 dest other rejected client pids=() pid
    fake_script '* silent'
    if [[ $family == 4 ]]; then
        dest=$LAB_FAKE4 other=$LAB_S4 rejected=198.18.1.3 client=$LAB_C4
        lab_reject 4 "$rejected" host-unreachable
    else
        dest=$LAB_FAKE6 other=$LAB_S6 rejected=2001:db8:1::3 client=$LAB_C6
        lab_warm6
        lab_reject 6 "$rejected" addr-unreachable
    fi
    lab_probe_kind "$kind"
    # Raw sockets, which root may always open; fd 3 closed: bats waits for whoever holds it.
    lab_client timeout 5 "$ECHO_PROBE" -k raw -c 30 -i 20 -W 100 "$other" >/dev/null 3>&- &
    pids+=($!)
    lab_client timeout 5 "$ECHO_PROBE" -k raw -c 30 -i 20 -W 100 "$rejected" >/dev/null 3>&- &
    pids+=($!)
    ip netns exec "$LAB_S" timeout 5 "$ECHO_PROBE" -k raw -c 30 -i 20 -W 100 "$client" \
        >/dev/null 3>&- &
    pids+=($!)
    sleep 0.05
    lab_probe -W 600 "$dest"
    for pid in "${pids[@]}"; do
        wait "$pid" || lab_fail "a background probe failed" || return 1
    done
    lab_assert_probe_ran
    lab_assert_outcome_count 1
    lab_assert_outcome 1 status=11010 from=-
    assert_notices
}

@test "other programs' replies, errors and requests never answer a request (IPv4, dgram)" {
    assert_other_traffic_ignored dgram 4
}

@test "other programs' replies, errors and requests never answer a request (IPv4, raw)" {
    assert_other_traffic_ignored raw 4
}

@test "other programs' replies, errors and requests never answer a request (IPv6, dgram)" {
    assert_other_traffic_ignored dgram 6
}

@test "other programs' replies, errors and requests never answer a request (IPv6, raw)" {
    assert_other_traffic_ignored raw 6
}
