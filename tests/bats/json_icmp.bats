#!/usr/bin/env bats
# --format=json for every outcome that is not a reply: each ICMP error the lab's router makes
# (nftables rejects, unreachable and prohibit routes, no route, TTL 1, a smaller MTU), the
# rarer ones of the fake host, timeouts, and requests that never leave (the client's firewall,
# the path MTU, a source that is not local, the unspecified address). Every line validates
# against the schema and every summary equals its events (json_common.bash).

load json_common

setup_file() { json_setup_file; }
setup() { wping_setup; }
teardown() {
    wping_teardown
    json_teardown
}

# N requests (1 or 2) to TARGET, each answered by the same ICMP error: the objects, their
# status, name, message and responder, and a summary of N ICMP errors with exit 1.
# check_error N TARGET STATUS NAME TEXT RESPONDER [wping options...]
check_error() {
    local n=$1 target=$2 code=$3 name=$4 text=$5 responder=$6 types=(start icmp_error)
    shift 6
    ((n == 1)) || types+=(icmp_error)
    json_run --json -n "$n" --interval=50 -w 500 "$@" "$target"
    assert_failure 1
    json_check
    assert_json_types "${types[@]}" summary
    assert_equal "$(json_get icmp_error '[.seq, .status, .status_name, .message, .responder, .bytes]' "$n")" \
        "$(jq -c -n --argjson q "$n" --argjson s "$code" --arg n "$name" \
            --arg m "Reply from $responder: $text" --arg r "$responder" '[$q, $s, $n, $m, $r, null]')"
    assert_equal "$(json_get icmp_error '.rtt_ms >= 0 and .rtt_ms < 500')" true
    assert_equal "$(json_get summary '[.sent, .replies, .icmp_errors, .loss_percent, .rtt_ms, .exit_status]')" \
        "[$n,0,$n,100,null,1]"
}

@test "IPv4 errors of the router: each nft reject, unreachable and prohibit routes, no route, TTL 1" {
    json_defer
    lab_no_route
    lab_reject 4 198.18.1.20 net-unreachable
    lab_reject 4 198.18.1.21 host-unreachable
    lab_reject 4 198.18.1.22 prot-unreachable
    lab_reject 4 198.18.1.23 port-unreachable
    lab_reject 4 198.18.1.24 net-prohibited
    lab_reject 4 198.18.1.25 host-prohibited
    lab_reject 4 198.18.1.26 admin-prohibited
    lab_route_type 4 198.18.5.0/24 unreachable
    lab_route_type 4 198.18.6.0/24 prohibit
    # Errors of routes (no route, unreachable, prohibit) come from the kernel's ip_error,
    # which allows a source 5 at once and then one a second, and which an nft reject's error
    # to the same source empties: these go first, one request each.
    check_error 1 "$LAB_NOROUTE4" 11002 IP_DEST_NET_UNREACHABLE "Destination net unreachable." 198.18.0.1
    check_error 1 198.18.5.1 11003 IP_DEST_HOST_UNREACHABLE "Destination host unreachable." 198.18.0.1
    check_error 1 198.18.6.1 11003 IP_DEST_HOST_UNREACHABLE "Destination host unreachable." 198.18.0.1
    check_error 2 198.18.1.20 11002 IP_DEST_NET_UNREACHABLE "Destination net unreachable." 198.18.0.1
    check_error 2 198.18.1.21 11003 IP_DEST_HOST_UNREACHABLE "Destination host unreachable." 198.18.0.1
    check_error 2 198.18.1.22 11004 IP_DEST_PROT_UNREACHABLE "Destination protocol unreachable." 198.18.0.1
    check_error 2 198.18.1.23 11005 IP_DEST_PORT_UNREACHABLE "Destination port unreachable." 198.18.0.1
    check_error 2 198.18.1.24 11002 IP_DEST_NET_UNREACHABLE "Destination net unreachable." 198.18.0.1
    check_error 2 198.18.1.25 11003 IP_DEST_HOST_UNREACHABLE "Destination host unreachable." 198.18.0.1
    check_error 2 198.18.1.26 11003 IP_DEST_HOST_UNREACHABLE "Destination host unreachable." 198.18.0.1
    check_error 2 "$LAB_S4" 11013 IP_TTL_EXPIRED_TRANSIT "TTL expired in transit." 198.18.0.1 -i 1
    json_check_deferred
}

@test "IPv6 errors of the router, with the IPv6 status names" {
    json_defer
    lab_warm6
    lab_no_route
    lab_reject 6 2001:db8:1::20 no-route
    lab_reject 6 2001:db8:1::21 admin-prohibited
    lab_reject 6 2001:db8:1::22 addr-unreachable
    lab_reject 6 2001:db8:1::23 port-unreachable
    lab_route_type 6 2001:db8:6::/64 prohibit
    check_error 2 "$LAB_NOROUTE6" 11002 IP_DEST_NO_ROUTE "Destination net unreachable." 2001:db8::1
    check_error 2 2001:db8:1::20 11002 IP_DEST_NO_ROUTE "Destination net unreachable." 2001:db8::1
    check_error 2 2001:db8:1::21 11004 IP_DEST_PROHIBITED "Destination protocol unreachable." 2001:db8::1
    check_error 2 2001:db8:1::22 11003 IP_DEST_ADDR_UNREACHABLE "Destination host unreachable." 2001:db8::1
    check_error 2 2001:db8:1::23 11005 IP_DEST_PORT_UNREACHABLE "Destination port unreachable." 2001:db8::1
    check_error 2 2001:db8:6::1 11004 IP_DEST_PROHIBITED "Destination protocol unreachable." 2001:db8::1
    check_error 2 "$LAB_S6" 11013 IP_HOP_LIMIT_EXCEEDED "TTL expired in transit." 2001:db8::1 -i 1
    json_check_deferred
}

@test "a smaller MTU with -f: the router's packet-too-big, then the local EMSGSIZE send failure" {
    lab_mtu 1280
    json_run --json -n 2 --interval=50 -w 500 -f -l 1400 "$LAB_S4"
    assert_failure 1
    json_check
    assert_json_types start icmp_error send_failure summary
    assert_equal "$(json_get icmp_error '[.status, .status_name, .message, .responder]')" \
        '[11009,"IP_PACKET_TOO_BIG","Reply from 198.18.0.1: Packet needs to be fragmented but DF set.","198.18.0.1"]'
    assert_equal "$(json_get send_failure '[.seq, .status_name, .message, .errno, .responder, .rtt_ms]')" \
        '[2,"IP_PACKET_TOO_BIG","Packet needs to be fragmented but DF set.","EMSGSIZE",null,null]'
    assert_equal "$(json_get summary '[.sent, .icmp_errors, .send_failures, .exit_status]')" '[2,1,1,1]'
}

@test "IPv6 packet too big, then the client fragments and gets a reply" {
    lab_warm6
    lab_mtu 1280
    json_run --json -n 2 --interval=50 -w 500 -l 1400 "$LAB_S6"
    assert_success
    json_check
    assert_json_types start icmp_error reply summary
    assert_equal "$(json_get icmp_error '[.status, .status_name, .responder]')" \
        '[11009,"IP_PACKET_TOO_BIG","2001:db8::1"]'
    assert_equal "$(json_get reply '[.bytes, .responder]')" '[1400,"2001:db8:1::2"]'
    assert_equal "$(json_get summary '[.replies, .icmp_errors, .loss_percent, .exit_status]')" '[1,1,50,0]'
}

@test "the rarer errors of the fake host (IPv4 and IPv6), each validated" {
    local rules=(
        "nth=1 family=4 error=12/0" "nth=2 family=4 error=4/0" "nth=3 family=4 error=3/5"
        "nth=4 family=6 error=4/0" "nth=5 family=6 error=1/2" "nth=6 family=6 error=1/5"
        "nth=7 family=6 error=1/6" "nth=8 family=6 error=1/7" "nth=9 family=6 error=3/2"
        "nth=10 family=6 error=3/1"
    )
    json_defer
    lab_warm6
    printf '%s\n' "${rules[@]}" >"$BATS_TEST_TMPDIR/script"
    lab_fakehost "$BATS_TEST_TMPDIR/script"
    local entry
    for entry in "11015|IP_PARAM_PROBLEM|Parameter problem." "11016|IP_SOURCE_QUENCH|Source quench." \
        "11012|IP_BAD_ROUTE|Bad route."; do
        json_run --json -n 1 -w 500 "$LAB_FAKE4"
        assert_failure 1
        json_check
        assert_json_types start icmp_error summary
        IFS='|' read -r code name text <<<"$entry"
        assert_equal "$(json_get icmp_error '[.status, .status_name, .message]')" \
            "$(jq -c -n --argjson s "$code" --arg n "$name" --arg m "Reply from $LAB_FAKE4: $text" '[$s, $n, $m]')"
    done
    for entry in "11015|IP_PARAMETER_PROBLEM|Parameter problem." \
        "11045|IP_DEST_SCOPE_MISMATCH|Destination scope mismatch." "11044|IP_ICMP_ERROR|ICMP error." \
        "11040|IP_DEST_UNREACHABLE|Destination unreachable." "11042|IP_BAD_HEADER|Bad header." \
        "11041|IP_TIME_EXCEEDED|Time exceeded." \
        "11014|IP_REASSEMBLY_TIME_EXCEEDED|TTL expired during fragment reassembly."; do
        json_run --json -n 1 -w 500 "$LAB_FAKE6"
        assert_failure 1
        json_check
        assert_json_types start icmp_error summary
        IFS='|' read -r code name text <<<"$entry"
        assert_equal "$(json_get icmp_error '[.status, .status_name, .message]')" \
            "$(jq -c -n --argjson s "$code" --arg n "$name" --arg m "Reply from $LAB_FAKE6: $text" '[$s, $n, $m]')"
    done
    json_check_deferred
}

@test "timeouts: no responder, no RTT, 100 % loss, exit 1" {
    lab_route_type 4 198.18.4.0/24 blackhole
    json_run --json -n 3 --interval=100 -w 200 198.18.4.1
    assert_failure 1
    json_check
    assert_json_types start timeout timeout timeout summary
    assert_equal "$(json_get timeout '[.seq, .icmp_seq, .status, .status_name, .message]' 3)" \
        '[3,3,11010,"IP_REQ_TIMED_OUT","Request timed out."]'
    assert_equal "$(json_get summary '[.sent, .timeouts, .loss_percent, .rtt_ms, .jitter_ms]')" \
        '[3,3,100,null,null]'
}

@test "the client's firewall: a General failure send_failure with errno EPERM" {
    lab_drop_output 4
    json_run --json -n 2 --interval=50 -w 500 "$LAB_S4"
    assert_failure 1
    json_check
    assert_json_types start send_failure send_failure summary
    assert_equal "$(json_get send_failure '[.status, .status_name, .message, .errno]')" \
        '[11050,"IP_GENERAL_FAILURE","General failure.","EPERM"]'
}

@test "a source that is not local: no socket, and every request a transmit failure" {
    json_run --json -n 2 --interval=50 -S 198.18.0.77 "$LAB_S4"
    assert_failure 1
    json_check
    assert_json_types start send_failure send_failure summary
    assert_equal "$(json_get start '[.source, .socket]')" '["198.18.0.77",null]'
    assert_equal "$(json_get send_failure '[.seq, .message, .errno]' 2)" \
        '[2,"PING: transmit failed. General failure.","EADDRNOTAVAIL"]'
    assert_equal "$(json_get summary '[.sent, .send_failures, .loss_percent, .exit_status]')" '[2,2,100,1]'
}

@test "the unspecified address: a send failure, nothing sent" {
    json_run --json -n 1 0.0.0.0
    assert_failure 1
    json_check
    assert_json_types start send_failure summary
    assert_equal "$(json_get send_failure '[.message, .errno]')" \
        '["PING: transmit failed. General failure.","EINVAL"]'
}

@test "a mix of outcomes in one run: every count of the summary equals its events" {
    # Every third echo request to S is dropped by the router: reply, reply, timeout, ...
    lab_loss 4 "$LAB_S4" 3
    json_run --json -n 6 --interval=50 -w 200 "$LAB_S4"
    assert_success
    json_check
    assert_json_types start reply reply timeout reply reply timeout summary
    assert_equal "$(json_get summary '[.sent, .replies, .timeouts, .loss_percent]')" \
        "[6,4,2,$(jq -n '2 * 100 / 6')]"
}
