#!/usr/bin/env bats
# Hostile echo replies (issue 6, item 2): the fake host answers wping's requests with replies
# that are cut short, padded far beyond the request, damaged, checksummed wrongly, or meant
# for somebody else. wping must survive each (no signal, nothing on stderr, so no sanitizer
# report), print the right line for every request and keep exact statistics.
#
# | bad input (fake host script)                         | sockets, families | what wping did                         |
# | ---------------------------------------------------- | ----------------- | -------------------------------------- |
# | payload cut to 0..8 bytes (truncate=0..8)            | dgram+raw, v4+v6  | "Reply from F: bytes=N (sent 32) ..."; |
# |                                                      |                   | a reply (received, success), exit 0    |
# | payload padded to 33, 1473 (fragmented), 9000 and    | dgram+raw, v4+v6  | "bytes=N (sent 32)", exit 0            |
# | 65000 bytes (oversize=N); 65000 for a 0-byte request |                   | ("bytes=65000 (sent 0)")               |
# | first or last payload byte inverted (corrupt=0, 31)  | dgram+raw, v4+v6  | an ordinary reply line of 32 bytes     |
# | wrong ICMP checksum (badsum)                         | dgram+raw, v4+v6  | "Request timed out.", exit 1 (raw v4   |
# |                                                      |                   | sees it and drops it; the others never |
# |                                                      |                   | get it from the kernel)                |
# | another identifier (id=+1, id=-1, id=+32768) and 500 | dgram+raw, v4+v6  | "Request timed out.", exit 1           |
# | copies of one (id=+1 flood=500)                      |                   |                                        |
# | another sequence number (seq=+1, seq=+100, seq=-1 = | dgram+raw, v4+v6  | "Request timed out.", exit 1           |
# | 0, never sent)                                       |                   |                                        |
# | the previous request's sequence number (seq=2 seq=-1)| dgram+raw, v4+v6  | request 1 a reply, request 2 "Request  |
# |                                                      |                   | timed out."; Sent 2, Received 1        |
#
# Each run sends one request (-n 1), except where a second request is the point; the fake
# host's nth= rules give each run its own answer, in the order the runs happen.

load wping_common
load hostile_common

setup_file() { hostile_setup_file; }
setup() { hostile_setup; }
teardown() { hostile_teardown; }

@test "replies cut to 0..8 bytes of payload are replies of that size (every socket kind and family)" {
    local sizes=(0 1 2 3 4 5 6 7 8) rules=() n=0 c size
    for c in "${HOSTILE_CASES[@]}"; do
        for size in "${sizes[@]}"; do
            rules+=("nth=$((++n)) truncate=$size")
        done
    done
    hostile_fakehost "${rules[@]}"
    for c in "${HOSTILE_CASES[@]}"; do
        for size in "${sizes[@]}"; do
            # shellcheck disable=SC2086 # "KIND FAMILY"
            hostile_use $c "payload cut to $size bytes"
            hostile_ping -n 1 -w 500 "$TARGET"
            hostile_assert "$TARGET" 32 "$(hostile_reply "$TARGET" 32 "$size")"
        done
    done
}

@test "replies padded up to 65000 bytes are replies of that size (every socket kind and family)" {
    local sizes=(33 1473 9000 65000) rules=() n=0 c size
    for c in "${HOSTILE_CASES[@]}"; do
        for size in "${sizes[@]}" 65000; do
            rules+=("nth=$((++n)) oversize=$size")
        done
    done
    hostile_fakehost "${rules[@]}"
    # Routers do not fragment IPv6: the client's link must carry the largest reply whole.
    # IPv4 replies leave the fake host with DF clear and reach the client in fragments.
    ip -n "$LAB_R" link set r0 mtu 65535
    ip -n "$LAB_C" link set c0 mtu 65535
    for c in "${HOSTILE_CASES[@]}"; do
        for size in "${sizes[@]}"; do
            # shellcheck disable=SC2086 # "KIND FAMILY"
            hostile_use $c "payload padded to $size bytes"
            hostile_ping -n 1 -w 1000 "$TARGET"
            hostile_assert "$TARGET" 32 "$(hostile_reply "$TARGET" 32 "$size")"
        done
        # shellcheck disable=SC2086
        hostile_use $c "65000 bytes for an empty request"
        hostile_ping -n 1 -w 1000 -l 0 "$TARGET"
        hostile_assert "$TARGET" 0 "$(hostile_reply "$TARGET" 0 65000)"
    done
}

@test "replies with their first or last payload byte inverted are replies of the full size" {
    local rules=() n=0 c byte
    for c in "${HOSTILE_CASES[@]}"; do
        rules+=("nth=$((++n)) corrupt=0" "nth=$((++n)) corrupt=31")
    done
    hostile_fakehost "${rules[@]}"
    for c in "${HOSTILE_CASES[@]}"; do
        for byte in 0 31; do
            # shellcheck disable=SC2086 # "KIND FAMILY"
            hostile_use $c "payload byte $byte inverted"
            hostile_ping -n 1 -w 500 "$TARGET"
            hostile_assert "$TARGET" 32 "$(hostile_reply "$TARGET" 32)"
        done
    done
}

@test "a reply with a wrong checksum is not an answer: the request times out" {
    local c
    hostile_fakehost "* badsum"
    for c in "${HOSTILE_CASES[@]}"; do
        # shellcheck disable=SC2086 # "KIND FAMILY"
        hostile_use $c "bad ICMP checksum"
        hostile_ping -n 1 -w 300 "$TARGET"
        hostile_assert "$TARGET" 32 "Request timed out."
    done
    (($(lab_fakehost_requests) == ${#HOSTILE_CASES[@]})) ||
        fail "the fake host saw $(lab_fakehost_requests) requests, not ${#HOSTILE_CASES[@]}"
}

@test "replies carrying another identifier are never taken, not even one of 500 copies" {
    local actions=("id=+1" "id=-1" "id=+32768" "id=+1 flood=500") rules=() n=0 c action
    for c in "${HOSTILE_CASES[@]}"; do
        for action in "${actions[@]}"; do
            rules+=("nth=$((++n)) $action")
        done
    done
    hostile_fakehost "${rules[@]}"
    for c in "${HOSTILE_CASES[@]}"; do
        for action in "${actions[@]}"; do
            # shellcheck disable=SC2086 # "KIND FAMILY"
            hostile_use $c "$action"
            hostile_ping -n 1 -w 300 "$TARGET"
            hostile_assert "$TARGET" 32 "Request timed out."
        done
    done
}

@test "replies carrying a sequence number never sent are never taken" {
    local actions=("seq=+1" "seq=+100" "seq=-1") rules=() n=0 c action
    for c in "${HOSTILE_CASES[@]}"; do
        for action in "${actions[@]}"; do
            rules+=("nth=$((++n)) $action")
        done
    done
    hostile_fakehost "${rules[@]}"
    for c in "${HOSTILE_CASES[@]}"; do
        for action in "${actions[@]}"; do
            # shellcheck disable=SC2086 # "KIND FAMILY"
            hostile_use $c "$action"
            hostile_ping -n 1 -w 300 "$TARGET"
            hostile_assert "$TARGET" 32 "Request timed out."
        done
    done
}

@test "a reply carrying the previous request's sequence number is not the next request's reply" {
    local c
    # wping numbers each run's requests from 1: request 2's answer claims to be request 1's.
    hostile_fakehost "seq=2 seq=-1"
    for c in "${HOSTILE_CASES[@]}"; do
        # shellcheck disable=SC2086 # "KIND FAMILY"
        hostile_use $c "request 2 answered with sequence 1"
        hostile_ping -n 2 -w 300 "$TARGET"
        hostile_assert "$TARGET" 32 "$(hostile_reply "$TARGET" 32)" "Request timed out."
    done
}
