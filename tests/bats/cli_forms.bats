#!/usr/bin/env bats
# The ways of writing a wping command line that ping.exe users type: /x options, options after
# the target, GNU long names, attached values, "--". Each runs for real against loopback only
# (127.0.0.1, ::1), one request, with -w 1000, under a 10 s timeout.

bats_require_minimum_version 1.5.0
BATS_ASSERT_DIR=/usr/lib/bats
[ -d "$BATS_ASSERT_DIR/bats-support" ] || BATS_ASSERT_DIR=/usr/lib
load "$BATS_ASSERT_DIR/bats-support/load"
load "$BATS_ASSERT_DIR/bats-assert/load"

# Skips with REASON, or fails under WPING_REQUIRE_LAB=1.
skip_or_fail() {
    if [ "${WPING_REQUIRE_LAB:-0}" = 1 ]; then
        echo "required (WPING_REQUIRE_LAB=1) but unavailable: $*" >&2
        return 1
    fi
    skip "$*"
}

setup_file() {
    if [ -z "${WPING:-}" ] || [ ! -x "$WPING" ]; then
        skip_or_fail "WPING is not set to the wping binary (run through ctest)"
        return
    fi
    # The forms below must succeed; first make sure plain ping of loopback can (ICMP sockets
    # may be refused to this user: docs/design.md, Privileges).
    local err
    if ! err=$(timeout 10 "$WPING" -n 1 -w 1000 127.0.0.1 2>&1 >/dev/null); then
        skip_or_fail "wping cannot ping 127.0.0.1 here: $err"
    fi
}

# Runs wping under a time limit, stdout and stderr apart.
wping() {
    run --separate-stderr timeout 10 "$WPING" "$@"
}

# One echo to 127.0.0.1 answered, nothing on stderr, exit 0.
assert_one_ipv4_reply() {
    assert_equal "$status" 0
    assert_equal "$stderr" ""
    assert_line "Pinging 127.0.0.1 with ${1:-32} bytes of data:"
    assert_line --regexp "^Reply from 127\.0\.0\.1: bytes=${1:-32} time(<1|=[0-9]+)ms TTL=[0-9]+$"
    assert_line "    Packets: Sent = 1, Received = 1, Lost = 0 (0% loss),"
}

@test "ping.exe's /x options are accepted: /n 1 /w 1000" {
    wping /n 1 /w 1000 127.0.0.1
    assert_one_ipv4_reply
}

@test "options after the target are accepted" {
    wping 127.0.0.1 -n 1 -w 1000
    assert_one_ipv4_reply
    wping 127.0.0.1 /n 1 /w 1000
    assert_one_ipv4_reply
}

@test "GNU long names are accepted, with = or a separate value" {
    wping --count=1 --timeout 1000 127.0.0.1
    assert_one_ipv4_reply
    wping 127.0.0.1 --cou 1 --timeout=1000
    assert_one_ipv4_reply
}

@test "values attached to the letter are accepted: -n1 /w1000" {
    wping -n1 /w1000 127.0.0.1
    assert_one_ipv4_reply
}

@test "-n after -t wins: one request, then the statistics" {
    wping -t -n 1 -w 1000 127.0.0.1
    assert_one_ipv4_reply
}

@test "-l takes both ends of its range: 0 and 65500" {
    wping -l 0 -n 1 -w 1000 127.0.0.1
    assert_one_ipv4_reply 0
    wping 127.0.0.1 /l 65500 /n 1 /w 1000
    assert_one_ipv4_reply 65500
}

@test "after -- a target is taken as it is" {
    wping -n 1 -w 1000 -- 127.0.0.1
    assert_one_ipv4_reply
}

@test "/6 and an IPv6 literal after the options ping ::1" {
    if [ "$(cat /proc/sys/net/ipv6/conf/lo/disable_ipv6 2>/dev/null)" != 0 ]; then
        skip_or_fail "IPv6 is disabled on lo"
    fi
    wping ::1 /6 /n 1 --timeout=1000
    assert_equal "$status" 0
    assert_equal "$stderr" ""
    assert_line "Pinging ::1 with 32 bytes of data:"
    assert_line --regexp '^Reply from ::1: time(<1|=[0-9]+)ms$'
}

@test "POSIXLY_CORRECT in the environment does not stop options after the target" {
    POSIXLY_CORRECT=1 run --separate-stderr timeout 10 "$WPING" 127.0.0.1 -n 1 /w 1000
    assert_one_ipv4_reply
}
