#!/usr/bin/env bats
# Hostile IPv4 options in echo replies (issue 6, item 2), with -r (record route) and -s
# (timestamp), which make wping print the hops an option recorded. The fake host replaces the
# reply's options with raw bytes (options=HEX, padded with zeros to a multiple of 4). The
# routers on the way (the lab's router, and the client's kernel on delivery) parse the options
# too: Linux drops a packet whose option lengths overrun the header or whose pointer is below
# its minimum, and writes its own address into a record route that still has room, even at a
# pointer that is not on an entry boundary.
#
# | bad input (option bytes in the reply)                     | wping's options | what wping did                |
# | --------------------------------------------------------- | --------------- | ----------------------------- |
# | RR length 15, pointer 40 (past the end)                   | -r 3            | reply line, no Route lines    |
# | RR length 15, pointer 20 (4 past the end)                 | -r 3            | reply line, no Route lines    |
# | RR length 14 (not 3 + 4n)                                 | -r 3            | reply line, no Route lines    |
# | RR length 7, pointer 16, then an honest timestamp         | -r 3 -s 1       | no Route lines; the Timestamp |
# | TS pointer 21 (past the end)                              | -s 1            | reply line, no Timestamp      |
# | TS flag 2 (undefined)                                     | -s 1            | reply line, no Timestamp      |
# | RR length 255 (beyond the 40 option bytes)                | -r 3            | dropped by the kernel:        |
# | RR length 1                                               | -r 3            |   "Request timed out."        |
# | RR pointer 3 (below the minimum 4)                        | -r 3            |   (exit 1) for all five       |
# | TS length 11 with flag 1 (not 4 + 8n), TS overflow 15     | -s 1            |                               |
# | 40 NOPs; end-of-list before an RR; no option at all; an   | -r 3 / -s 1     | reply line, nothing under it  |
# | empty TS (length 4)                                       |                 |                               |
# | full RR of 9 hops while -r asked for 1                    | -r 1            | all 9 recorded hops           |
# | an unknown option (type 30, length 6) before a full RR    | -r 3            | the RR's 3 hops               |
# | honest full RR, TS with flag 3 and with flag 0            | -r 3 / -s 1, 2  | the recorded hops / times     |
# | RR pointer 5 and TS (flag 0) pointer 6: off the entry     | -r 3 / -s 2     | reply line, no Route or       |
# |   boundaries; the routers then write at the odd offset    |                 | Timestamp lines (before the   |
# |                                                           |                 | engine's 3463ff4: made-up     |
# |                                                           |                 | hops such as 198.198.18.0)    |
#
# Options are IPv4 only; every case runs on datagram and raw sockets.

load wping_common
load hostile_common

setup_file() { hostile_setup_file; }
setup() { hostile_setup; }
teardown() { hostile_teardown; }

# Runs the cases given as "HEX;WPING OPTIONS;LINE|LINE..." on both socket kinds, one request
# each, with the fake host putting HEX into the reply's options. In the expected lines REPLY
# stands for the reply line and TIMEOUT for "Request timed out.".
check_options() {
    local entry rules=() n=0 kind hex args expected line want=()
    for kind in dgram raw; do
        for entry in "$@"; do
            hex=${entry%%;*}
            rules+=("nth=$((++n)) options=$hex")
        done
    done
    hostile_fakehost "${rules[@]}"
    for kind in dgram raw; do
        for entry in "$@"; do
            IFS=';' read -r hex args expected <<<"$entry"
            hostile_use "$kind" 4 "options=$hex, $args"
            want=()
            IFS='|' read -r -a expected <<<"$expected"
            for line in "${expected[@]}"; do
                case $line in
                REPLY) want+=("$(hostile_reply "$TARGET" 32)") ;;
                TIMEOUT) want+=("Request timed out.") ;;
                *) want+=("$line") ;;
                esac
            done
            # shellcheck disable=SC2086 # the wping options of the case
            hostile_ping -n 1 -w 300 $args "$TARGET"
            hostile_assert "$TARGET" 32 "${want[@]}"
        done
    done
}

# 198.18.2.1, 198.18.2.2, 198.18.2.3 in hex, as the fake host's recorded hops.
A1=c6120201 A2=c6120202 A3=c6120203

@test "a record route or timestamp whose pointer or length lies shows the reply without hops" {
    check_options \
        "070f28$A1$A2$A3;-r 3;REPLY" \
        "070f14$A1$A2$A3;-r 3;REPLY" \
        "070e10$A1$A2${A3:0:6};-r 3;REPLY" \
        "070710${A1}440c0d01${A2}00000001;-r 3 -s 1;REPLY|    Timestamp: 198.18.2.2 : 1" \
        "440c1501${A2}00000001;-s 1;REPLY" \
        "440c0d02${A2}00000001;-s 1;REPLY"
}

@test "options the kernel refuses on the way never reach wping: the request times out" {
    check_options \
        "07ff04;-r 3;TIMEOUT" \
        "0701;-r 3;TIMEOUT" \
        "070f03$A1$A2$A3;-r 3;TIMEOUT" \
        "440b0901${A2}000000;-s 1;TIMEOUT" \
        "440c0df1${A2}00000001;-s 1;TIMEOUT"
}

@test "options with nothing recorded in them show the reply alone" {
    check_options \
        "$(printf '01%.0s' {1..40});-r 3;REPLY" \
        "00000000070f10$A1$A2$A3;-r 3;REPLY" \
        "01;-r 3;REPLY" \
        "44040501;-s 1;REPLY"
}

@test "honest record route and timestamp options show every hop recorded, also more than -r asked" {
    check_options \
        "070f10$A1$A2$A3;-r 3;REPLY|    Route: 198.18.2.1 ->|           198.18.2.2 ->|           198.18.2.3" \
        "072728c6120901c6120902c6120903c6120904c6120905c6120906c6120907c6120908c6120909;-r 1;REPLY|    Route: 198.18.9.1 ->|           198.18.9.2 ->|           198.18.9.3 ->|           198.18.9.4 ->|           198.18.9.5 ->|           198.18.9.6 ->|           198.18.9.7 ->|           198.18.9.8 ->|           198.18.9.9" \
        "1e0600000000070f10$A1$A2$A3;-r 3;REPLY|    Route: 198.18.2.1 ->|           198.18.2.2 ->|           198.18.2.3" \
        "440c0d03${A2}00000001;-s 1;REPLY|    Timestamp: 198.18.2.2 : 1" \
        "440c0d000000000100000002;-s 2;REPLY|    Timestamp: 1 ->|               2"
}

# A pointer must point at the start of an entry (RFC 791: 4, 8, ... for record route; 5, 9,
# ... or 5, 13, ... for timestamps). Linux routers still write at an odd pointer, so the
# option that arrives holds the router's and the client's addresses at offsets 4 and 8 and a
# pointer of 13: read at the entry boundaries (3 and 7) those bytes are 198.198.18.0 and
# 1.198.18.0, hops that do not exist. A pointer off the boundaries lies like one past the end
# and is refused the same way (src/engine/include/wping/echo.h, echo_ipopt_find:
# "lengths and pointers that lie are rejected, never followed").
@test "a record route or timestamp pointer off the entry boundaries shows no made-up hops" {
    check_options \
        "070f05$A1$A2$A3;-r 3;REPLY" \
        "441006000000000100000002000000030000;-s 2;REPLY"
}
