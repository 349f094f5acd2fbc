#!/usr/bin/env bats
# What a request asks for, and whether the network sees it: the timeout, TTL / hop limit, TOS
# / traffic class, DF, IPv4 options (record route, timestamp, source routes), the source
# address and the device; and the reply's IPv4 options coming back. The router's nftables
# rules observe the request's header fields and answer with an error when they see them.

load engine_common

# --- the timeout -----------------------------------------------------------------------

# -W 300 against a silent fake host: one timeout after 300 ms, and before a second 300 ms.
assert_timeout_honoured() {
    local kind=$1 dest=$2
    lab_probe_kind "$kind"
    lab_probe -W 300 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=11010 name=IP_REQ_TIMED_OUT
    lab_assert_elapsed 300 599
}

@test "the timeout is honoured to the millisecond (IPv4, dgram)" {
    fake_script '* silent'
    assert_timeout_honoured dgram "$LAB_FAKE4"
}

@test "the timeout is honoured to the millisecond (IPv4, raw)" {
    fake_script '* silent'
    assert_timeout_honoured raw "$LAB_FAKE4"
}

@test "the timeout is honoured to the millisecond (IPv6, dgram)" {
    fake_script '* silent'
    assert_timeout_honoured dgram "$LAB_FAKE6"
}

@test "the timeout is honoured to the millisecond (IPv6, raw)" {
    fake_script '* silent'
    assert_timeout_honoured raw "$LAB_FAKE6"
}

@test "a reply 50 ms before the timeout is a success, not a timeout (dgram and raw)" {
    fake_script '* delay=250'
    lab_probe_kind dgram
    lab_probe -W 300 "$LAB_FAKE4"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0 match=1
    lab_probe_kind raw
    lab_probe -W 300 "$LAB_FAKE6"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0 match=1
}

@test "each request gets its own full timeout: three timeouts of 200 ms take 600 ms, less than four" {
    fake_script '* silent'
    lab_probe_kind dgram
    lab_probe -c 3 -W 200 "$LAB_FAKE4"
    lab_assert_probe_ran
    lab_assert_outcome_count 3
    lab_assert_outcome 1 status=11010
    lab_assert_outcome 2 status=11010
    lab_assert_outcome 3 status=11010
    lab_assert_elapsed 600 799
}

# --- TTL / hop limit -------------------------------------------------------------------

# TTL 1 dies at the router, TTL 2 reaches the server: the TTL is applied per request.
assert_ttl_applied() {
    local kind=$1 dest=$2 router=$3
    lab_probe_kind "$kind"
    lab_probe -t 1 -W 500 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=11013 "from=$router"
    lab_probe -t 2 -W 500 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0 "from=$dest" ttl=63
    lab_probe -t 255 -W 500 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0 "from=$dest"
}

@test "the TTL is the request's: 1 expires at the router, 2 reaches the server (IPv4, dgram)" {
    assert_ttl_applied dgram "$LAB_S4" "$LAB_R4"
}

@test "the TTL is the request's: 1 expires at the router, 2 reaches the server (IPv4, raw)" {
    assert_ttl_applied raw "$LAB_S4" "$LAB_R4"
}

@test "the hop limit is the request's: 1 expires at the router, 2 reaches (IPv6, dgram)" {
    lab_warm6
    assert_ttl_applied dgram "$LAB_S6" "$LAB_R6"
}

@test "the hop limit is the request's: 1 expires at the router, 2 reaches (IPv6, raw)" {
    lab_warm6
    assert_ttl_applied raw "$LAB_S6" "$LAB_R6"
}

# --- TOS / traffic class ---------------------------------------------------------------

# The router refuses DSCP CS5 (TOS 160): -Q 160 gets the error, -Q 40 and the default pass.
assert_tos_applied() {
    local kind=$1 family=$2 dest code
    if [[ $family == 4 ]]; then
        dest=$LAB_S4 code=11002
        lab_forward_rule "ip daddr $dest ip dscp cs5 reject with icmp type net-prohibited"
    else
        dest=$LAB_S6 code=11004
        lab_forward_rule "ip6 daddr $dest ip6 dscp cs5 reject with icmpv6 type admin-prohibited"
    fi
    lab_probe_kind "$kind"
    lab_probe -Q 160 -W 500 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome 1 "status=$code"
    lab_probe -Q 40 -W 500 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0
    lab_probe -W 500 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0
}

@test "the TOS byte is the request's (IPv4, dgram)" {
    assert_tos_applied dgram 4
}

@test "the TOS byte is the request's (IPv4, raw)" {
    assert_tos_applied raw 4
}

@test "the traffic class is the request's (IPv6, dgram)" {
    lab_warm6
    assert_tos_applied dgram 6
}

@test "the traffic class is the request's (IPv6, raw)" {
    lab_warm6
    assert_tos_applied raw 6
}

# --- don't fragment --------------------------------------------------------------------

# The router refuses packets with DF: -M do gets the error; -M dont and the default pass,
# because DF is cleared explicitly (Linux would set it by default).
assert_df_applied() {
    local kind=$1
    lab_forward_rule \
        "ip daddr $LAB_S4 ip frag-off & 0x4000 != 0 reject with icmp type host-prohibited"
    lab_probe_kind "$kind"
    lab_probe -M do -W 500 "$LAB_S4"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=11003 "from=$LAB_R4"
    lab_probe -M dont -W 500 "$LAB_S4"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0
    lab_probe -W 500 "$LAB_S4"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0
}

@test "DF is set only when asked and cleared otherwise (IPv4, dgram)" {
    assert_df_applied dgram
}

@test "DF is set only when asked and cleared otherwise (IPv4, raw)" {
    assert_df_applied raw
}

# Without DF, 1400 bytes over a 1280-byte link are fragmented by the router and succeed.
assert_fragmented_through_mtu() {
    lab_mtu 1280
    lab_probe_kind "$1"
    lab_probe -M dont -s 1400 -c 2 -W 500 "$LAB_S4"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0 "from=$LAB_S4" len=1400 match=1
    lab_assert_outcome 2 status=0 "from=$LAB_S4" len=1400 match=1
}

@test "without DF a large request is fragmented by the router and succeeds (IPv4, dgram)" {
    assert_fragmented_through_mtu dgram
}

@test "without DF a large request is fragmented by the router and succeeds (IPv4, raw)" {
    assert_fragmented_through_mtu raw
}

# --- IPv4 options ----------------------------------------------------------------------

# Record route with 9 slots through the router: the reply's options are a record route
# (type 7, length 39) holding both of the router's addresses (198.18.1.1 on the way out,
# 198.18.0.1 on the way back).
assert_record_route() {
    local opts
    lab_probe_kind "$1"
    lab_probe -R 9 -W 500 "$LAB_S4"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0 "from=$LAB_S4" match=1
    opts=$(lab_field "$(lab_outcome 1)" opts)
    [[ $opts == 0727* ]] || lab_fail "not a 9-slot record route: $opts"
    [[ $opts == *c6120101* && $opts == *c6120001* ]] ||
        lab_fail "the router's addresses are not recorded: $opts"
}

@test "record route shows the router's addresses in the reply (IPv4, dgram)" {
    assert_record_route dgram
}

@test "record route shows the router's addresses in the reply (IPv4, raw)" {
    assert_record_route raw
}

# Timestamp with addresses, 4 slots: the reply carries a timestamp option (type 0x44,
# length 36, flag 1) with one of the router's addresses.
assert_timestamp() {
    local opts
    lab_probe_kind "$1"
    lab_probe -T 4 -W 500 "$LAB_S4"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0 "from=$LAB_S4" match=1
    opts=$(lab_field "$(lab_outcome 1)" opts)
    [[ $opts =~ ^4424..[0-9a-f]1 ]] || lab_fail "not a 4-slot timestamp with addresses: $opts"
    [[ $opts == *c6120101* || $opts == *c6120001* ]] ||
        lab_fail "no address of the router in the timestamps: $opts"
}

@test "timestamp option comes back filled in by the router (IPv4, dgram)" {
    assert_timestamp dgram
}

@test "timestamp option comes back filled in by the router (IPv4, raw)" {
    assert_timestamp raw
}

# The fake host puts options into its replies: raw bytes, and a record route with its own
# address in the next slot. Raw sockets read them from the header, datagram sockets from
# IP_RECVOPTS; both report the same bytes.
assert_reply_options() {
    lab_probe_kind "$1"
    lab_probe -W 500 "$LAB_FAKE4"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0 opts=01010101
    lab_probe -R 3 -W 500 "$LAB_FAKE4"
    lab_assert_probe_ran
    # Type 7, length 15, pointer 16: the client's address, the router's, the fake host's.
    lab_assert_outcome 1 status=0 opts=070f10c6120002c6120001c612020200
}

@test "the reply's IPv4 options are reported (IPv4, dgram)" {
    fake_script 'nth=1 options=01010101' 'nth=2 rr'
    assert_reply_options dgram
}

@test "the reply's IPv4 options are reported (IPv4, raw)" {
    fake_script 'nth=1 options=01010101' 'nth=2 rr'
    assert_reply_options raw
}

# Loose source route through the router: the server echoes it reversed, so the reply says
# it came back through 198.18.0.1 (type 0x83, length 7, pointer 8).
assert_loose_source_route() {
    lab_source_route
    lab_probe_kind "$1"
    lab_probe -L "$LAB_R4,$LAB_S4" -W 500 "$LAB_S4"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0 "from=$LAB_S4" match=1 opts=830708c612000100
}

@test "a loose source route through the router succeeds (IPv4, dgram)" {
    assert_loose_source_route dgram
}

@test "a loose source route through the router succeeds (IPv4, raw)" {
    assert_loose_source_route raw
}

# A strict source route whose next hop is not the router's neighbour: the router answers
# "source route failed", IP_BAD_ROUTE.
assert_strict_route_fails() {
    lab_source_route
    ip -n "$LAB_R" route add 198.18.7.0/24 via "$LAB_S4"
    lab_probe_kind "$1"
    lab_probe -G "$LAB_R4,198.18.7.1" -W 500 198.18.7.1
    lab_assert_probe_ran
    lab_assert_outcome 1 status=11012 name=IP_BAD_ROUTE "from=$LAB_R4"
}

@test "a strict source route the router cannot follow: bad route (IPv4, dgram)" {
    assert_strict_route_fails dgram
}

@test "a strict source route the router cannot follow: bad route (IPv4, raw)" {
    assert_strict_route_fails raw
}

# --- source address and device ---------------------------------------------------------

# The request leaves from the given local source address: the router refuses everything
# from any other source, so only requests really sent from SOURCE succeed.
assert_source_used() {
    local kind=$1 family=$2 dest source other router code
    if [[ $family == 4 ]]; then
        dest=$LAB_S4 source=198.18.0.3 other=$LAB_C4 router=$LAB_R4 code=11003
        ip -n "$LAB_C" addr add "$source/24" dev c0
        lab_forward_rule "ip daddr $dest ip saddr != $source reject with icmp type admin-prohibited"
    else
        dest=$LAB_S6 source=2001:db8::3 other=$LAB_C6 router=$LAB_R6 code=11004
        ip -n "$LAB_C" addr add "$source/64" dev c0 nodad
        lab_forward_rule \
            "ip6 daddr $dest ip6 saddr != $source reject with icmpv6 type admin-prohibited"
    fi
    lab_probe_kind "$kind"
    lab_probe -S "$source" -W 500 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome 1 status=0 "from=$dest" match=1
    lab_probe -S "$other" -W 500 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome 1 "status=$code" "from=$router"
}

@test "a local source address is the request's source (IPv4, dgram)" {
    assert_source_used dgram 4
}

@test "a local source address is the request's source (IPv4, raw)" {
    assert_source_used raw 4
}

@test "a local source address is the request's source (IPv6, dgram)" {
    lab_warm6
    assert_source_used dgram 6
}

@test "a local source address is the request's source (IPv6, raw)" {
    lab_warm6
    assert_source_used raw 6
}

@test "binding to the client's interface works (IPv4 and IPv6, dgram and raw)" {
    lab_warm6
    local kind
    for kind in dgram raw; do
        lab_probe_kind "$kind"
        lab_probe -I c0 -W 500 "$LAB_S4"
        lab_assert_probe_ran
        lab_assert_outcome 1 status=0 "from=$LAB_S4"
        lab_probe -I c0 -W 500 "$LAB_S6"
        lab_assert_probe_ran
        lab_assert_outcome 1 status=0 "from=$LAB_S6"
    done
}
