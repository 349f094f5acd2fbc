#!/usr/bin/env bats
# Hostile ICMP errors (issue 6, item 2): the fake host answers wping's requests with errors
# whose quoted request is not wping's (another identifier, sequence or destination), is mangled
# (IP version 15, protocol UDP) or is cut before the identifier, with a wrong checksum, quoting
# a long IPv4 header, or hundreds at a time. Only an error that quotes the request waiting may
# become its "Reply from R: ..." line; the others leave it to time out.
#
# | bad input (fake host script)                         | sockets, families | what wping did                         |
# | ---------------------------------------------------- | ----------------- | -------------------------------------- |
# | error quoting another identifier (quote=foreign-id)  | dgram+raw, v4+v6  | "Request timed out.", exit 1           |
# | ... another sequence number (quote=foreign-seq)      | dgram+raw, v4+v6  | "Request timed out.", exit 1           |
# | ... another destination (quote=other-dst)            | dgram+raw, v4+v6  | "Request timed out.", exit 1           |
# | ... IP version 15, protocol UDP (quote=bad-ip)       | dgram+raw, v4+v6  | "Request timed out.", exit 1           |
# | ... only 4 bytes of ICMP: no id/seq (quote=truncated)| dgram+raw, v4+v6  | "Request timed out.", exit 1           |
# | ... all of truncated, foreign-id and bad-ip at once  | dgram+raw, v4+v6  | "Request timed out.", exit 1           |
# | 300 errors quoting another identifier (flood=300)    | dgram+raw, v4+v6  | "Request timed out.", exit 1           |
# | error with a wrong ICMP checksum (badsum)            | dgram+raw, v4+v6  | "Request timed out.", exit 1           |
# | (control) a well-formed error from a third address   | dgram+raw, v4+v6  | "Reply from 198.18.2.9: Destination    |
# |                                                      |                   | host unreachable.", Received 1, exit 1 |
# | error quoting a request with 40 option bytes (-r 9,  | dgram+raw, v4     | "Reply from F: Destination host        |
# | -s 4): a 60-byte quoted IPv4 header                  |                   | unreachable.", exit 1                  |
# | ... the same cut after the IP header                 | dgram+raw, v4     | "Request timed out.", exit 1           |
# | 300 copies of a well-formed error for request 1,     | dgram+raw, v4+v6  | request 1 the error line, request 2    |
# | request 2 answered normally                          |                   | its reply; Sent 2, Received 2, exit 0  |

load wping_common
load hostile_common

setup_file() { hostile_setup_file; }
setup() { hostile_setup; }
teardown() { hostile_teardown; }

# The host unreachable error of FAMILY as the fake host's error= wants it.
unreachable() {
    if [[ $1 == 4 ]]; then echo 3/1; else echo 1/3; fi
}

@test "errors quoting another request, destination or protocol, or cut short, never answer a request" {
    local quotes=("quote=foreign-id" "quote=foreign-seq" "quote=other-dst" "quote=bad-ip"
        "quote=truncated" "quote=truncated quote=foreign-id quote=bad-ip"
        "quote=foreign-id flood=300" "badsum")
    local rules=() n=0 c kind family quote third third_from="from=198.18.2.9 from=2001:db8:2::9"
    for c in "${HOSTILE_CASES[@]}"; do
        read -r kind family <<<"$c"
        for quote in "${quotes[@]}"; do
            rules+=("nth=$((++n)) family=$family error=$(unreachable "$family") $quote")
        done
        # The control: the same error, well-formed, from a third address.
        rules+=("nth=$((++n)) family=$family error=$(unreachable "$family") $third_from")
    done
    hostile_fakehost "${rules[@]}"
    for c in "${HOSTILE_CASES[@]}"; do
        read -r kind family <<<"$c"
        for quote in "${quotes[@]}"; do
            hostile_use "$kind" "$family" "error $quote"
            hostile_ping -n 1 -w 300 "$TARGET"
            hostile_assert "$TARGET" 32 "Request timed out."
        done
        hostile_use "$kind" "$family" "a well-formed error from a third address"
        if [[ $family == 4 ]]; then third=198.18.2.9; else third=2001:db8:2::9; fi
        hostile_ping -n 1 -w 300 "$TARGET"
        hostile_assert "$TARGET" 32 "Reply from $third: Destination host unreachable."
    done
}

@test "an error quoting a 60-byte IPv4 header is the request's; cut after that header it is not" {
    local kind opts
    hostile_fakehost "nth=1 error=3/1" "nth=2 error=3/1 quote=truncated" \
        "nth=3 error=3/1" "nth=4 error=3/1 quote=truncated" \
        "nth=5 error=3/1" "nth=6 error=3/1 quote=truncated" \
        "nth=7 error=3/1" "nth=8 error=3/1 quote=truncated"
    for kind in dgram raw; do
        for opts in "-r 9" "-s 4"; do
            hostile_use "$kind" 4 "error quoting a request sent with $opts"
            # shellcheck disable=SC2086 # -r 9 / -s 4
            hostile_ping -n 1 -w 300 $opts "$LAB_FAKE4"
            hostile_assert "$LAB_FAKE4" 32 "Reply from $LAB_FAKE4: Destination host unreachable."
            hostile_use "$kind" 4 "the same error cut after the quoted header, $opts"
            # shellcheck disable=SC2086
            hostile_ping -n 1 -w 300 $opts "$LAB_FAKE4"
            hostile_assert "$LAB_FAKE4" 32 "Request timed out."
        done
    done
}

@test "300 copies of one request's error leave the next request its own reply" {
    local c
    hostile_fakehost "seq=1 family=4 error=3/1 flood=300" "seq=1 family=6 error=1/3 flood=300"
    for c in "${HOSTILE_CASES[@]}"; do
        # shellcheck disable=SC2086 # "KIND FAMILY"
        hostile_use $c "300 errors for request 1"
        hostile_ping -n 2 -w 500 "$TARGET"
        hostile_assert "$TARGET" 32 "Reply from $TARGET: Destination host unreachable." \
            "$(hostile_reply "$TARGET" 32)"
    done
}
