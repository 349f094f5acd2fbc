#!/usr/bin/env bats
# No reply is ever taken for another request (docs/design.md, Matching). Raw ICMP sockets see every echo
# reply of their family, so the engine keeps identifiers unique within a process, takes a
# raw socket's reply only from the request's destination, and filters other identifiers out
# in the kernel (BPF). Both socket kinds, both families.
#
# | what                                                   | sockets, families | checked                            |
# | ------------------------------------------------------ | ----------------- | ---------------------------------- |
# | 250 async requests to a blackhole pending while 4      | raw+dgram, v4+v6  | no silent request succeeds, every  |
# | threads make 2000 sync calls to S (reply-match)        |                   | success has its own payload and    |
# |                                                        |                   | comes from its own destination     |
# | two wping processes with the same identifier (the     | raw, v4+v6        | the blackholed one counts nothing, |
# | fixed-random shim), one to a blackhole, one to the     |                   | the other all its replies          |
# | fake host                                              |                   |                                    |
# | the same with datagram sockets (the kernel picks the   | dgram, v4         | the same                           |
# | identifiers: a port that no ping socket holds)         |                   |                                    |

load wping_common

setup_file() {
    wping_setup_file
    [[ -x ${REPLY_MATCH:-} ]] || lab_skip "REPLY_MATCH must point to the reply-match program"
    [[ -f ${FIXED_RANDOM:-} ]] || lab_skip "FIXED_RANDOM must point to the fixed-random shim"
}
setup() {
    lab_create
    lab_route_type 4 198.18.4.0/24 blackhole
    lab_route_type 6 2001:db8:4::/64 blackhole
}
teardown() { wping_teardown; }

# 250 requests to a blackholed address stay pending (2.5 s) while 4 threads send 2000
# synchronous requests to S: reply-match KIND FAMILY.
reply_match() {
    local silent answering
    lab_socket_kind "$1"
    if [[ $2 == 4 ]]; then
        silent=198.18.4.5 answering=$LAB_S4
    else
        silent=2001:db8:4::5 answering=$LAB_S6
        lab_warm6
    fi
    run --separate-stderr lab_client "$REPLY_MATCH" "-$2" "$silent" "$answering" 250 2000 4 2500
    echo "# $output" >&3
    assert_success
    assert_output --regexp "^family=$2 pending=250 started=250 silent_timed_out=250 silent_answered=0 .* answered_wrong=0 .* misattributed=0$"
}

@test "250 pending requests to a blackhole never take the replies of 2000 others (IPv4, raw)" {
    reply_match raw 4
}

@test "250 pending requests to a blackhole never take the replies of 2000 others (IPv6, raw)" {
    reply_match raw 6
}

@test "250 pending requests to a blackhole never take the replies of 2000 others (IPv4, dgram)" {
    reply_match dgram 4
}

@test "250 pending requests to a blackhole never take the replies of 2000 others (IPv6, dgram)" {
    reply_match dgram 6
}

# getrandom() gives bytes of 90 under the shim, so the first identifier is 0x5a5a.
FIXED_ID=23130

# Two wping processes forced to one identifier: the first pings a blackholed address five
# times, the second the fake host meanwhile; same_identifier KIND FAMILY.
same_identifier() {
    local kind=$1 family=$2 silent fake second asan
    lab_socket_kind "$kind"
    if [[ $family == 4 ]]; then silent=198.18.4.5 fake=$LAB_FAKE4; else silent=2001:db8:4::5 fake=$LAB_FAKE6; fi
    printf '%s\n' '* reply' >"$BATS_TEST_TMPDIR/script"
    lab_fakehost "$BATS_TEST_TMPDIR/script"
    if [[ $family == 6 ]]; then lab_warm6; fi
    # Under the asan preset the shim comes before the sanitizer runtime: allow that.
    asan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
    BG_OUT="$BATS_TEST_TMPDIR/out" BG_ERR="$BATS_TEST_TMPDIR/err"
    ip netns exec "$LAB_C" env LD_PRELOAD="$FIXED_RANDOM" WPING_FIXED_RANDOM=90 ASAN_OPTIONS="$asan" \
        "$WPING" -n 5 -w 150 "$silent" >"$BG_OUT" 2>"$BG_ERR" 3>&- &
    BG_PID=$!
    sleep 0.2
    second="$BATS_TEST_TMPDIR/second"
    local first_status=0 second_status=0
    ip netns exec "$LAB_C" env LD_PRELOAD="$FIXED_RANDOM" WPING_FIXED_RANDOM=90 ASAN_OPTIONS="$asan" \
        "$WPING" -n 12 --interval=250 "$fake" >"$second" 2>"$second.err" 3>&- || second_status=$?
    wait "$BG_PID" || first_status=$?
    BG_PID=
    # Raw sockets: the shim worked, the fake host saw the identifier both processes started
    # from. Datagram sockets: the kernel chose the identifiers, whatever the shim says.
    if [[ $kind == raw ]]; then
        run grep -c "^seq=.* id=$FIXED_ID " "$LAB_FAKEHOST_LOG"
    else
        run grep -c "^seq=.* id=" "$LAB_FAKEHOST_LOG"
    fi
    assert_output 12
    output=$(cat "$BG_OUT")
    assert_equal "$(grep -c 'Request timed out.' "$BG_OUT")" 5
    refute_output --partial "Reply from"
    assert_output --partial "Packets: Sent = 5, Received = 0, Lost = 5 (100% loss),"
    assert_equal "$(cat "$BG_ERR")" ""
    assert_equal "$first_status" 1
    output=$(cat "$second")
    assert_equal "$(grep -c "^Reply from $fake: " "$second")" 12
    assert_output --partial "Packets: Sent = 12, Received = 12, Lost = 0 (0% loss),"
    assert_equal "$second_status" 0
}

@test "two wping processes with one identifier never count each other's replies (IPv4, raw)" {
    same_identifier raw 4
}

@test "two wping processes with one identifier never count each other's replies (IPv6, raw)" {
    same_identifier raw 6
}

@test "two wping processes on datagram sockets never count each other's replies (IPv4)" {
    same_identifier dgram 4
}
