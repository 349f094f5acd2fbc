#!/usr/bin/env bats
# Floods of duplicate replies (issue 6, item 2): the fake host answers one request with
# hundreds of identical replies, written back to back (flood=K), at once or so late that they
# arrive while the next request waits. Exactly one of them is that request's reply; none may
# answer the next request, appear as a line or change the statistics.
#
# | bad input (fake host script)                         | sockets, families | what wping did                         |
# | ---------------------------------------------------- | ----------------- | -------------------------------------- |
# | 400 copies of request 1's reply at once; request 2   | dgram+raw, v4+v6  | request 1 one reply line, request 2    |
# | unanswered (seq=1 flood=400, seq=2 silent)           |                   | "Request timed out."; Sent 2, Received |
# |                                                      |                   | 1, Lost 1 (50% loss), exit 0           |
# | 300 copies of request 1's reply 1100 ms late, while  | dgram+raw, v4+v6  | "Request timed out.", then request 2's |
# | request 2 (sent at 1000 ms) waits for its own reply, | dgram+raw, v4+v6  | reply with its own time (200 ms, not   |
# | which comes 200 ms after it was sent                 |                   | 100); Sent 2, Received 1, exit 0       |
# | 800 copies of each of 3 requests' replies (300 ms    | dgram+raw, v4+v6  | 3 reply lines, Sent 3, Received 3      |
# | apart)                                               |                   |                                        |

load wping_common
load hostile_common

setup_file() { hostile_setup_file; }
setup() { hostile_setup; }
teardown() { hostile_teardown; }

@test "400 duplicates of one reply are one reply; the next request, unanswered, times out" {
    local c
    hostile_fakehost "seq=1 flood=400" "seq=2 silent"
    for c in "${HOSTILE_CASES[@]}"; do
        # shellcheck disable=SC2086 # "KIND FAMILY"
        hostile_use $c "400 copies of reply 1, none of reply 2"
        hostile_ping -n 2 -w 300 "$TARGET"
        hostile_assert "$TARGET" 32 "$(hostile_reply "$TARGET" 32)" "Request timed out."
    done
}

@test "300 late copies of one reply arriving while the next request waits are not its reply" {
    local c rtt
    # Request 1 times out at 800 ms; request 2 goes out at 1000 ms; request 1's 300 copies
    # arrive at 1100 ms, request 2's own reply at 1200 ms.
    hostile_fakehost "seq=1 flood=300 delay=1100" "seq=2 delay=200"
    for c in "${HOSTILE_CASES[@]}"; do
        # shellcheck disable=SC2086 # "KIND FAMILY"
        hostile_use $c "300 late copies of reply 1 during request 2"
        hostile_ping -n 2 -w 800 "$TARGET"
        hostile_assert "$TARGET" 32 "Request timed out." "$(hostile_reply "$TARGET" 32)"
        rtt=$(hostile_rtt_ms 2)
        # Taking a copy of reply 1 would show about 100 ms; a busy machine adds a little.
        ((rtt >= 200 && rtt < 800)) || fail "request 2 shows ${rtt} ms, not about 200 ms"
    done
}

@test "800 duplicates of every reply: one line per request and exact statistics" {
    local c
    hostile_fakehost "* flood=800"
    for c in "${HOSTILE_CASES[@]}"; do
        # shellcheck disable=SC2086 # "KIND FAMILY"
        hostile_use $c "800 copies of every reply"
        hostile_ping -n 3 -w 500 --interval=300 "$TARGET"
        hostile_assert "$TARGET" 32 "$(hostile_reply "$TARGET" 32)" \
            "$(hostile_reply "$TARGET" 32)" "$(hostile_reply "$TARGET" 32)"
    done
}
