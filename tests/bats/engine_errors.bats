#!/usr/bin/env bats
# Every outcome other than success that the engine reports, made for real in the lab: ICMP
# errors from the router (nftables rejects, special routes, TTL 1, a small MTU) and from the
# fake host (the errors nftables cannot make), local send failures, and the requests the
# engine refuses before sending. Both socket kinds, both families where the family has the
# condition. The mapping: docs/design.md, ICMP errors and IP_STATUS.

load engine_common

# One request to DEST with socket KIND ends in STATUS / NAME reported by RESPONDER:
# assert_error KIND DEST STATUS NAME RESPONDER [probe options...]
assert_error() {
    local kind=$1 dest=$2 code=$3 name=$4 responder=$5
    shift 5
    lab_probe_kind "$kind"
    lab_probe -W 500 "$@" "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 1
    lab_assert_outcome 1 "status=$code" "name=$name" "from=$responder" len=0 errno=0
    # The error came before the timeout (500 ms), which waiting for it could not do.
    lab_assert_elapsed 0 499
}

# --- destination net unreachable -------------------------------------------------------

@test "no route at the router: destination net unreachable (IPv4, dgram)" {
    lab_no_route
    assert_error dgram "$LAB_NOROUTE4" 11002 IP_DEST_NET_UNREACHABLE "$LAB_R4"
}

@test "no route at the router: destination net unreachable (IPv4, raw)" {
    lab_no_route
    assert_error raw "$LAB_NOROUTE4" 11002 IP_DEST_NET_UNREACHABLE "$LAB_R4"
}

@test "no route at the router: destination no route (IPv6, dgram)" {
    lab_warm6
    lab_no_route
    assert_error dgram "$LAB_NOROUTE6" 11002 IP_DEST_NO_ROUTE "$LAB_R6"
}

@test "no route at the router: destination no route (IPv6, raw)" {
    lab_warm6
    lab_no_route
    assert_error raw "$LAB_NOROUTE6" 11002 IP_DEST_NO_ROUTE "$LAB_R6"
}

@test "an unreachable route is no route for IPv6 (IPv6, dgram and raw)" {
    lab_warm6
    lab_route_type 6 2001:db8:4::/64 unreachable
    assert_error dgram 2001:db8:4::1 11002 IP_DEST_NO_ROUTE "$LAB_R6"
    assert_error raw 2001:db8:4::1 11002 IP_DEST_NO_ROUTE "$LAB_R6"
}

@test "reject with net-unreachable and net-prohibited: net unreachable (IPv4, dgram and raw)" {
    lab_reject 4 "$LAB_S4" net-unreachable
    lab_reject 4 198.18.1.3 net-prohibited
    assert_error dgram "$LAB_S4" 11002 IP_DEST_NET_UNREACHABLE "$LAB_R4"
    assert_error raw "$LAB_S4" 11002 IP_DEST_NET_UNREACHABLE "$LAB_R4"
    assert_error dgram 198.18.1.3 11002 IP_DEST_NET_UNREACHABLE "$LAB_R4"
    assert_error raw 198.18.1.3 11002 IP_DEST_NET_UNREACHABLE "$LAB_R4"
}

@test "reject with no-route: no route (IPv6, dgram and raw)" {
    lab_warm6
    lab_reject 6 "$LAB_S6" no-route
    assert_error dgram "$LAB_S6" 11002 IP_DEST_NO_ROUTE "$LAB_R6"
    assert_error raw "$LAB_S6" 11002 IP_DEST_NO_ROUTE "$LAB_R6"
}

# --- destination host unreachable ------------------------------------------------------

@test "an unreachable route: destination host unreachable (IPv4, dgram)" {
    lab_route_type 4 198.18.4.0/24 unreachable
    assert_error dgram 198.18.4.1 11003 IP_DEST_HOST_UNREACHABLE "$LAB_R4"
}

@test "an unreachable route: destination host unreachable (IPv4, raw)" {
    lab_route_type 4 198.18.4.0/24 unreachable
    assert_error raw 198.18.4.1 11003 IP_DEST_HOST_UNREACHABLE "$LAB_R4"
}

@test "reject with host-unreachable: destination host unreachable (IPv4, dgram)" {
    lab_reject 4 "$LAB_S4" host-unreachable
    assert_error dgram "$LAB_S4" 11003 IP_DEST_HOST_UNREACHABLE "$LAB_R4"
}

@test "reject with host-unreachable: destination host unreachable (IPv4, raw)" {
    lab_reject 4 "$LAB_S4" host-unreachable
    assert_error raw "$LAB_S4" 11003 IP_DEST_HOST_UNREACHABLE "$LAB_R4"
}

@test "reject with addr-unreachable: address unreachable (IPv6, dgram)" {
    lab_warm6
    lab_reject 6 "$LAB_S6" addr-unreachable
    assert_error dgram "$LAB_S6" 11003 IP_DEST_ADDR_UNREACHABLE "$LAB_R6"
}

@test "reject with addr-unreachable: address unreachable (IPv6, raw)" {
    lab_warm6
    lab_reject 6 "$LAB_S6" addr-unreachable
    assert_error raw "$LAB_S6" 11003 IP_DEST_ADDR_UNREACHABLE "$LAB_R6"
}

# --- administratively prohibited -------------------------------------------------------

@test "reject with admin-prohibited (code 13) is host unreachable (IPv4, dgram)" {
    lab_reject 4 "$LAB_S4" admin-prohibited
    assert_error dgram "$LAB_S4" 11003 IP_DEST_HOST_UNREACHABLE "$LAB_R4"
}

@test "reject with admin-prohibited (code 13) is host unreachable (IPv4, raw)" {
    lab_reject 4 "$LAB_S4" admin-prohibited
    assert_error raw "$LAB_S4" 11003 IP_DEST_HOST_UNREACHABLE "$LAB_R4"
}

@test "a prohibit route and host-prohibited are host unreachable (IPv4, dgram and raw)" {
    lab_route_type 4 198.18.4.0/24 prohibit
    lab_reject 4 "$LAB_S4" host-prohibited
    assert_error dgram 198.18.4.1 11003 IP_DEST_HOST_UNREACHABLE "$LAB_R4"
    assert_error raw 198.18.4.1 11003 IP_DEST_HOST_UNREACHABLE "$LAB_R4"
    assert_error dgram "$LAB_S4" 11003 IP_DEST_HOST_UNREACHABLE "$LAB_R4"
    assert_error raw "$LAB_S4" 11003 IP_DEST_HOST_UNREACHABLE "$LAB_R4"
}

@test "reject with admin-prohibited: prohibited, 11004 (IPv6, dgram)" {
    lab_warm6
    lab_reject 6 "$LAB_S6" admin-prohibited
    assert_error dgram "$LAB_S6" 11004 IP_DEST_PROHIBITED "$LAB_R6"
}

@test "reject with admin-prohibited: prohibited, 11004 (IPv6, raw)" {
    lab_warm6
    lab_reject 6 "$LAB_S6" admin-prohibited
    assert_error raw "$LAB_S6" 11004 IP_DEST_PROHIBITED "$LAB_R6"
}

@test "a prohibit route: prohibited, 11004 (IPv6, dgram and raw)" {
    lab_warm6
    lab_route_type 6 2001:db8:4::/64 prohibit
    assert_error dgram 2001:db8:4::1 11004 IP_DEST_PROHIBITED "$LAB_R6"
    assert_error raw 2001:db8:4::1 11004 IP_DEST_PROHIBITED "$LAB_R6"
}

# --- protocol and port unreachable -----------------------------------------------------

@test "reject with prot-unreachable: protocol unreachable (IPv4, dgram)" {
    lab_reject 4 "$LAB_S4" prot-unreachable
    assert_error dgram "$LAB_S4" 11004 IP_DEST_PROT_UNREACHABLE "$LAB_R4"
}

@test "reject with prot-unreachable: protocol unreachable (IPv4, raw)" {
    lab_reject 4 "$LAB_S4" prot-unreachable
    assert_error raw "$LAB_S4" 11004 IP_DEST_PROT_UNREACHABLE "$LAB_R4"
}

@test "reject with port-unreachable: port unreachable (IPv4, dgram)" {
    lab_reject 4 "$LAB_S4" port-unreachable
    assert_error dgram "$LAB_S4" 11005 IP_DEST_PORT_UNREACHABLE "$LAB_R4"
}

@test "reject with port-unreachable: port unreachable (IPv4, raw)" {
    lab_reject 4 "$LAB_S4" port-unreachable
    assert_error raw "$LAB_S4" 11005 IP_DEST_PORT_UNREACHABLE "$LAB_R4"
}

@test "reject with port-unreachable: port unreachable (IPv6, dgram)" {
    lab_warm6
    lab_reject 6 "$LAB_S6" port-unreachable
    assert_error dgram "$LAB_S6" 11005 IP_DEST_PORT_UNREACHABLE "$LAB_R6"
}

@test "reject with port-unreachable: port unreachable (IPv6, raw)" {
    lab_warm6
    lab_reject 6 "$LAB_S6" port-unreachable
    assert_error raw "$LAB_S6" 11005 IP_DEST_PORT_UNREACHABLE "$LAB_R6"
}

# --- TTL expired in transit ------------------------------------------------------------

@test "TTL 1: TTL expired in transit, from the router (IPv4, dgram)" {
    assert_error dgram "$LAB_S4" 11013 IP_TTL_EXPIRED_TRANSIT "$LAB_R4" -t 1
}

@test "TTL 1: TTL expired in transit, from the router (IPv4, raw)" {
    assert_error raw "$LAB_S4" 11013 IP_TTL_EXPIRED_TRANSIT "$LAB_R4" -t 1
}

@test "hop limit 1: hop limit exceeded, from the router (IPv6, dgram)" {
    lab_warm6
    assert_error dgram "$LAB_S6" 11013 IP_HOP_LIMIT_EXCEEDED "$LAB_R6" -t 1
}

@test "hop limit 1: hop limit exceeded, from the router (IPv6, raw)" {
    lab_warm6
    assert_error raw "$LAB_S6" 11013 IP_HOP_LIMIT_EXCEEDED "$LAB_R6" -t 1
}

# --- packet too big --------------------------------------------------------------------

# With DF, 1400 bytes towards S over a 1280-byte link: the router's "fragmentation needed" /
# "packet too big" first; then the client knows the path MTU and refuses the second send
# itself (EMSGSIZE), still packet too big.
assert_too_big_twice() {
    local kind=$1 dest=$2 router=$3
    lab_mtu 1280
    lab_probe_kind "$kind"
    lab_probe -M do -s 1400 -c 2 -W 500 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 2
    lab_assert_outcome 1 status=11009 name=IP_PACKET_TOO_BIG "from=$router" errno=0
    lab_assert_outcome 2 status=11009 name=IP_PACKET_TOO_BIG errno=90
    lab_assert_elapsed 0 499
}

@test "DF over a small MTU: fragmentation needed, then refused locally (IPv4, dgram)" {
    assert_too_big_twice dgram "$LAB_S4" "$LAB_R4"
}

@test "DF over a small MTU: fragmentation needed, then refused locally (IPv4, raw)" {
    assert_too_big_twice raw "$LAB_S4" "$LAB_R4"
}

@test "don't-fragment over a small MTU: packet too big, then refused locally (IPv6, dgram)" {
    lab_warm6
    assert_too_big_twice dgram "$LAB_S6" "$LAB_R6"
}

@test "don't-fragment over a small MTU: packet too big, then refused locally (IPv6, raw)" {
    lab_warm6
    assert_too_big_twice raw "$LAB_S6" "$LAB_R6"
}

# IPv6 without don't-fragment: the router's packet too big first, then the client fragments
# and the second request succeeds (the raw socket still holds the first error: it must not
# be taken for the second request).
assert_too_big_then_fragmented() {
    local kind=$1
    lab_warm6
    lab_mtu 1280
    lab_probe_kind "$kind"
    lab_probe -M dont -s 1400 -c 2 -W 500 "$LAB_S6"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=11009 name=IP_PACKET_TOO_BIG "from=$LAB_R6"
    lab_assert_outcome 2 status=0 "from=$LAB_S6" len=1400 match=1
}

@test "IPv6 without don't-fragment: packet too big once, then fragmented by the client (dgram)" {
    assert_too_big_then_fragmented dgram
}

@test "IPv6 without don't-fragment: packet too big once, then fragmented by the client (raw)" {
    assert_too_big_then_fragmented raw
}

@test "the fake host's fragmentation needed with an MTU: packet too big (IPv4 and IPv6, dgram)" {
    fake_script '* mtu=1280'
    assert_error dgram "$LAB_FAKE4" 11009 IP_PACKET_TOO_BIG "$LAB_FAKE4" -s 1400 -M do
    assert_error dgram "$LAB_FAKE6" 11009 IP_PACKET_TOO_BIG "$LAB_FAKE6" -s 1400 -M do
}

@test "the fake host's fragmentation needed with an MTU: packet too big (IPv4 and IPv6, raw)" {
    fake_script '* mtu=1280'
    assert_error raw "$LAB_FAKE4" 11009 IP_PACKET_TOO_BIG "$LAB_FAKE4" -s 1400 -M do
    assert_error raw "$LAB_FAKE6" 11009 IP_PACKET_TOO_BIG "$LAB_FAKE6" -s 1400 -M do
}

# --- errors only the fake host makes ---------------------------------------------------

# The fake host answers the K-th request with the K-th error of the table (TYPE/CODE STATUS
# NAME); each request must end with its own status, reported by 198.18.2.9 / 2001:db8:2::9.
assert_error_table() {
    local kind=$1 family=$2 dest from responder i
    shift 2
    local table=("$@") rules=()
    if [[ $family == 4 ]]; then
        dest=$LAB_FAKE4 from=198.18.2.9
    else
        dest=$LAB_FAKE6 from=2001:db8:2::9
    fi
    for ((i = 0; i < ${#table[@]}; i++)); do
        # shellcheck disable=SC2086 # "TYPE/CODE STATUS NAME"
        set -- ${table[i]}
        rules+=("nth=$((i + 1)) error=$1 from=$from")
    done
    fake_script "${rules[@]}"
    lab_probe_kind "$kind"
    lab_probe -c "${#table[@]}" -W 500 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count "${#table[@]}"
    for ((i = 0; i < ${#table[@]}; i++)); do
        # shellcheck disable=SC2086
        set -- ${table[i]}
        if [[ $2 == 11010 ]]; then responder=-; else responder=$from; fi
        lab_assert_outcome $((i + 1)) "status=$2" "name=$3" "from=$responder" || {
            echo "(fake host error $1)" >&2
            return 1
        }
    done
}

# ICMPv4 type/code → status (packet_error_status, src/engine/packet.c).
IPV4_ERRORS=(
    "3/0 11002 IP_DEST_NET_UNREACHABLE"
    "3/1 11003 IP_DEST_HOST_UNREACHABLE"
    "3/2 11004 IP_DEST_PROT_UNREACHABLE"
    "3/3 11005 IP_DEST_PORT_UNREACHABLE"
    "3/5 11012 IP_BAD_ROUTE"
    "3/6 11002 IP_DEST_NET_UNREACHABLE"
    "3/7 11003 IP_DEST_HOST_UNREACHABLE"
    "3/8 11003 IP_DEST_HOST_UNREACHABLE"
    "3/9 11002 IP_DEST_NET_UNREACHABLE"
    "3/10 11003 IP_DEST_HOST_UNREACHABLE"
    "3/11 11002 IP_DEST_NET_UNREACHABLE"
    "3/12 11003 IP_DEST_HOST_UNREACHABLE"
    "3/13 11003 IP_DEST_HOST_UNREACHABLE"
    "3/14 11003 IP_DEST_HOST_UNREACHABLE"
    "3/15 11003 IP_DEST_HOST_UNREACHABLE"
    "11/0 11013 IP_TTL_EXPIRED_TRANSIT"
    "11/1 11014 IP_TTL_EXPIRED_REASSEM"
    "12/0 11015 IP_PARAM_PROBLEM"
    "12/1 11015 IP_PARAM_PROBLEM"
    "4/0 11016 IP_SOURCE_QUENCH"
)

# ICMPv6 type/code → status (packet_error_status, src/engine/packet.c).
IPV6_ERRORS=(
    "1/0 11002 IP_DEST_NO_ROUTE"
    "1/1 11004 IP_DEST_PROHIBITED"
    "1/2 11045 IP_DEST_SCOPE_MISMATCH"
    "1/3 11003 IP_DEST_ADDR_UNREACHABLE"
    "1/4 11005 IP_DEST_PORT_UNREACHABLE"
    "1/5 11044 IP_ICMP_ERROR"
    "1/6 11040 IP_DEST_UNREACHABLE"
    "1/7 11042 IP_BAD_HEADER"
    "1/8 11003 IP_DEST_ADDR_UNREACHABLE"
    "2/0 11009 IP_PACKET_TOO_BIG"
    "3/0 11013 IP_HOP_LIMIT_EXCEEDED"
    "3/1 11014 IP_REASSEMBLY_TIME_EXCEEDED"
    "3/2 11041 IP_TIME_EXCEEDED"
    "4/0 11015 IP_PARAMETER_PROBLEM"
    "4/1 11015 IP_PARAMETER_PROBLEM"
    "4/2 11015 IP_PARAMETER_PROBLEM"
)

@test "every ICMPv4 error type and code maps to its status, from the sender (IPv4, dgram)" {
    # Linux never passes "fragment reassembly time exceeded" (11/1) on to ICMP sockets
    # (icmp_unreach drops ICMP_EXC_FRAGTIME): a datagram socket can only time out.
    assert_error_table dgram 4 "${IPV4_ERRORS[@]/#11\/1 */11/1 11010 IP_REQ_TIMED_OUT}"
}

@test "every ICMPv4 error type and code maps to its status, from the sender (IPv4, raw)" {
    assert_error_table raw 4 "${IPV4_ERRORS[@]}"
}

@test "every ICMPv6 error type and code maps to its status, from the sender (IPv6, dgram)" {
    assert_error_table dgram 6 "${IPV6_ERRORS[@]}"
}

@test "every ICMPv6 error type and code maps to its status, from the sender (IPv6, raw)" {
    assert_error_table raw 6 "${IPV6_ERRORS[@]}"
}

@test "TTL expired during reassembly (IPv4, raw)" {
    fake_script '* family=4 error=11/1 from=198.18.2.9'
    assert_error raw "$LAB_FAKE4" 11014 IP_TTL_EXPIRED_REASSEM 198.18.2.9
}

@test "TTL expired during reassembly never reaches an IPv4 datagram socket: timed out" {
    # The kernel drops ICMP_EXC_FRAGTIME before ICMP sockets see it (icmp_unreach).
    fake_script '* family=4 error=11/1 from=198.18.2.9'
    assert_timeout dgram "$LAB_FAKE4"
}

@test "reassembly time exceeded (IPv6, dgram and raw)" {
    fake_script '* family=6 error=3/1 from=2001:db8:2::9'
    assert_error dgram "$LAB_FAKE6" 11014 IP_REASSEMBLY_TIME_EXCEEDED 2001:db8:2::9
    assert_error raw "$LAB_FAKE6" 11014 IP_REASSEMBLY_TIME_EXCEEDED 2001:db8:2::9
}

@test "parameter problem (IPv4 and IPv6, dgram)" {
    fake_script '* family=4 error=12/0' '* family=6 error=4/0'
    assert_error dgram "$LAB_FAKE4" 11015 IP_PARAM_PROBLEM "$LAB_FAKE4"
    assert_error dgram "$LAB_FAKE6" 11015 IP_PARAMETER_PROBLEM "$LAB_FAKE6"
}

@test "parameter problem (IPv4 and IPv6, raw)" {
    fake_script '* family=4 error=12/0' '* family=6 error=4/0'
    assert_error raw "$LAB_FAKE4" 11015 IP_PARAM_PROBLEM "$LAB_FAKE4"
    assert_error raw "$LAB_FAKE6" 11015 IP_PARAMETER_PROBLEM "$LAB_FAKE6"
}

@test "source quench (IPv4, dgram and raw)" {
    fake_script '* error=4/0'
    assert_error dgram "$LAB_FAKE4" 11016 IP_SOURCE_QUENCH "$LAB_FAKE4"
    assert_error raw "$LAB_FAKE4" 11016 IP_SOURCE_QUENCH "$LAB_FAKE4"
}

# --- request timed out -----------------------------------------------------------------

# One request to DEST with KIND and -W 300 times out, after 300 ms and before a second 300
# ms would have passed (a timer that fires late on a loaded machine is not a longer timeout).
assert_timeout() {
    local kind=$1 dest=$2
    lab_probe_kind "$kind"
    lab_probe -W 300 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 1
    lab_assert_outcome 1 status=11010 name=IP_REQ_TIMED_OUT from=- rtt_us=0 len=0 errno=0
    lab_assert_elapsed 300 599
}

@test "a blackhole route: request timed out (IPv4, dgram)" {
    lab_route_type 4 198.18.4.0/24 blackhole
    assert_timeout dgram 198.18.4.1
}

@test "a blackhole route: request timed out (IPv4, raw)" {
    lab_route_type 4 198.18.4.0/24 blackhole
    assert_timeout raw 198.18.4.1
}

@test "a blackhole route: request timed out (IPv6, dgram)" {
    lab_warm6
    lab_route_type 6 2001:db8:4::/64 blackhole
    assert_timeout dgram 2001:db8:4::1
}

@test "a blackhole route: request timed out (IPv6, raw)" {
    lab_warm6
    lab_route_type 6 2001:db8:4::/64 blackhole
    assert_timeout raw 2001:db8:4::1
}

@test "a silent fake host: request timed out (IPv4 and IPv6, dgram)" {
    fake_script '* silent'
    assert_timeout dgram "$LAB_FAKE4"
    assert_timeout dgram "$LAB_FAKE6"
}

@test "a silent fake host: request timed out (IPv4 and IPv6, raw)" {
    fake_script '* silent'
    assert_timeout raw "$LAB_FAKE4"
    assert_timeout raw "$LAB_FAKE6"
}

# The router drops every 3rd echo request: of 6 requests, the 3rd and 6th time out.
assert_loss_pattern() {
    local kind=$1 family=$2 dest=$3 i
    lab_loss "$family" "$dest" 3
    lab_probe_kind "$kind"
    lab_probe -c 6 -W 200 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 6
    for i in 1 2 4 5; do
        lab_assert_outcome "$i" status=0 "from=$dest"
    done
    lab_assert_outcome 3 status=11010
    lab_assert_outcome 6 status=11010
}

@test "a loss pattern at the router: exactly every 3rd request times out (IPv4, dgram)" {
    assert_loss_pattern dgram 4 "$LAB_S4"
}

@test "a loss pattern at the router: exactly every 3rd request times out (IPv4, raw)" {
    assert_loss_pattern raw 4 "$LAB_S4"
}

@test "a loss pattern at the router: exactly every 3rd request times out (IPv6, dgram)" {
    lab_warm6
    assert_loss_pattern dgram 6 "$LAB_S6"
}

@test "a loss pattern at the router: exactly every 3rd request times out (IPv6, raw)" {
    lab_warm6
    assert_loss_pattern raw 6 "$LAB_S6"
}

# --- local send failures ---------------------------------------------------------------

# The client's own firewall drops the request: sendto fails with EPERM, general failure at
# once, with the errno.
assert_general_failure() {
    local kind=$1 dest=$2
    lab_probe_kind "$kind"
    lab_probe -W 500 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 1
    lab_assert_outcome 1 status=11050 name=IP_GENERAL_FAILURE errno=1 from=- rtt_us=0
    lab_assert_elapsed 0 499
}

@test "a drop in the client's output: general failure with EPERM (IPv4, dgram)" {
    lab_drop_output 4
    assert_general_failure dgram "$LAB_S4"
}

@test "a drop in the client's output: general failure with EPERM (IPv4, raw)" {
    lab_drop_output 4
    assert_general_failure raw "$LAB_S4"
}

@test "a drop in the client's output: general failure with EPERM (IPv6, raw)" {
    lab_warm6
    lab_drop_output 6
    assert_general_failure raw "$LAB_S6"
}

@test "a drop in the client's output: timed out on the IPv6 datagram socket, which never says" {
    # Linux's ping_v6_sendmsg ignores the result of pushing the packet out, so the send
    # "succeeds" and nothing ever comes back.
    lab_warm6
    lab_drop_output 6
    assert_timeout dgram "$LAB_S6"
}

@test "a broadcast destination: the send is refused (EACCES), general failure (dgram and raw)" {
    assert_general_failure_errno() {
        lab_probe_kind "$1"
        lab_probe -W 500 198.18.0.255
        lab_assert_probe_ran
        lab_assert_outcome 1 status=11050 name=IP_GENERAL_FAILURE errno=13
    }
    assert_general_failure_errno dgram
    assert_general_failure_errno raw
}

# --- refused before sending ------------------------------------------------------------

# echo-probe ARGS exits 2 without any outcome, saying why on stderr (a regex).
assert_refused() {
    local pattern=$1
    shift
    lab_probe "$@"
    assert_equal "$status" 2
    refute_output --regexp 'status='
    assert_regex "$stderr" "$pattern"
}

@test "a source address that is not local is refused, exit 2 (IPv4, dgram and raw)" {
    lab_probe_kind dgram
    assert_refused '^echo-probe: [^:]*source[^:]*: ' -S 198.18.0.77 "$LAB_S4"
    assert_output ""
    lab_probe_kind raw
    assert_refused '^echo-probe: [^:]*source[^:]*: ' -S 198.18.0.77 "$LAB_S4"
    assert_output ""
}

@test "a source address that is not local is refused, exit 2 (IPv6, dgram and raw)" {
    lab_probe_kind dgram
    assert_refused '^echo-probe: [^:]*source[^:]*: ' -S 2001:db8::77 "$LAB_S6"
    lab_probe_kind raw
    assert_refused '^echo-probe: [^:]*source[^:]*: ' -S 2001:db8::77 "$LAB_S6"
}

@test "the unspecified destination is refused, exit 2 (IPv4 and IPv6, dgram)" {
    lab_probe_kind dgram
    assert_refused '^echo-probe: [^:]*destination[^:]*: ' 0.0.0.0
    assert_refused '^echo-probe: [^:]*destination[^:]*: ' ::
}

@test "the unspecified destination is refused, exit 2 (IPv4 and IPv6, raw)" {
    lab_probe_kind raw
    assert_refused '^echo-probe: [^:]*destination[^:]*: ' 0.0.0.0
    assert_refused '^echo-probe: [^:]*destination[^:]*: ' ::
}

@test "an interface that does not exist is refused, exit 2" {
    lab_probe_kind dgram
    assert_refused '^echo-probe: [^:]*: No such device$' -I wp-nosuch "$LAB_S4"
    assert_output ""
}
