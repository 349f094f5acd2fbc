#!/usr/bin/env bats
# --format=json in the lab: replies over both families and both socket kinds, names, sources,
# record route and timestamp hops, --quiet, --interval and --deadline. Every stdout line must
# validate against schema/wping-events.schema.json and the summary must equal the events
# (json_common.bash).

load json_common

setup_file() { json_setup_file; }
setup() { wping_setup; }
teardown() {
    wping_teardown
    json_teardown
}

@test "IPv4 replies: start, one reply per request, summary; exit 0" {
    json_run --json -n 3 --interval=200 -w 1000 "$LAB_S4"
    assert_success
    json_check
    assert_json_types start reply reply reply summary
    assert_equal "$(json_get start '[.target, .name, .address, .family, .size, .ttl, .tos]')" \
        '["198.18.1.2",null,"198.18.1.2",4,32,128,null]'
    assert_equal "$(json_get start '[.timeout_ms, .interval_ms, .count, .deadline_ms, .source, .socket]')" \
        '[1000,200,3,null,null,"dgram"]'
    assert_equal "$(json_get reply '[.seq, .icmp_seq, .status, .status_name, .responder, .bytes, .ttl]' 2)" \
        '[2,2,0,"IP_SUCCESS","198.18.1.2",32,63]'
    assert_equal "$(json_get reply .message)" "$(json_get reply '"Reply from 198.18.1.2: bytes=32 time" + (if .rtt_ms < 1 then "<1" else "=\(.rtt_ms | floor)" end) + "ms TTL=63"')"
    assert_equal "$(json_get summary '[.reason, .sent, .replies, .loss_percent, .exit_status]')" \
        '["completed",3,3,0,0]'
}

@test "the --json stream and the text run report the same replies (the message is the text line)" {
    json_run --json -n 2 --interval=100 -w 1000 "$LAB_S4"
    json_check
    mapfile -t messages < <(jq -r 'select(.type == "reply") | .message' "$JSON_OUT")
    wping_run -n 2 --interval=100 -w 1000 "$LAB_S4"
    assert_success
    # Same shape, line for line; only the times may differ between the two runs.
    assert_equal "$(printf '%s\n' "${messages[@]}" | sed -E 's/time(<1|=[0-9]+)ms/time=RTT/')" \
        "$(sed -n '3,4p' <<<"$output" | sed -E 's/time(<1|=[0-9]+)ms/time=RTT/')"
}

@test "IPv6 replies on a raw socket: family 6, socket raw, ttl is the hop limit" {
    lab_socket_kind raw
    lab_warm6
    json_run --format=json -n 2 --interval=100 -w 1000 "$LAB_S6"
    assert_success
    json_check
    assert_json_types start reply reply summary
    assert_equal "$(json_get start '[.address, .family, .socket]')" '["2001:db8:1::2",6,"raw"]'
    assert_equal "$(json_get reply '[.responder, .ttl, .message]')" \
        "$(jq -c -n --arg m "$(json_get reply .message | jq -r .)" '["2001:db8:1::2",63,$m]')"
    assert_regex "$(json_get reply .message | jq -r .)" '^Reply from 2001:db8:1::2: time(<1|=[0-9]+)ms$'
}

@test "a name: target as typed, canonical name, and the -S source; every timestamp is RFC 3339 UTC" {
    lab_hosts "server.lab $LAB_S4"
    local before after
    before=$(date -u +%s)
    json_run --json -n 1 -S "$LAB_C4" server.lab
    after=$(date -u +%s)
    assert_success
    json_check
    assert_equal "$(json_get start '[.target, .name, .address, .source]')" \
        '["server.lab","server.lab","198.18.1.2","198.18.0.2"]'
    local start reply
    start=$(json_get start .timestamp | jq -r .)
    reply=$(json_get reply .timestamp | jq -r .)
    assert_regex "$start" '^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{6}Z$'
    # On this machine's clock, within the run (to the second, as date says it), in order.
    local start_s reply_s
    start_s=$(date -u -d "$start" +%s) reply_s=$(date -u -d "$reply" +%s)
    ((before <= start_s && start_s <= reply_s && reply_s <= after)) ||
        fail "timestamps $start and $reply are not within the run ($before..$after s)"
}

@test "-r and -s: the reply carries its recorded route and timestamps" {
    # The same hops as the text output's Route and Timestamp lines (wping_output.bats).
    json_run --json -n 1 -w 1000 -r 3 "$LAB_S4"
    assert_success
    json_check
    assert_equal "$(json_get reply '.route')" '["198.18.0.2","198.18.1.1","198.18.1.2"]'
    json_run --json -n 1 -w 1000 -s 2 "$LAB_S4"
    assert_success
    json_check
    # Two slots, and more hosts on the way that stamp: the rest raise the overflow count.
    assert_equal "$(json_get reply '[.ip_timestamps.entries[].address, .ip_timestamps.overflow > 0]')" \
        '["198.18.0.2","198.18.0.1",true]'
    assert_equal "$(json_get reply '[.ip_timestamps.entries[].ms | . >= 0 and . < 86400000]')" \
        '[true,true]'
}

@test "--quiet: start and summary only, the summary still counts every request" {
    json_run --json --quiet -n 3 --interval=100 "$LAB_S4"
    assert_success
    json_check quiet
    assert_json_types start summary
    assert_equal "$(json_get summary '[.sent, .replies, .exit_status]')" '[3,3,0]'
}

@test "--deadline without -n sends until the deadline; count is null and the reason is deadline" {
    json_run --json --deadline=0.5 --interval=100 -w 1000 "$LAB_S4"
    assert_success
    json_check
    assert_equal "$(json_get start '[.count, .deadline_ms, .interval_ms]')" '[null,500,100]'
    assert_equal "$(json_get summary .reason)" '"deadline"'
    # Requests at 0, 100, ..., 400 ms (a busy machine may lose the last one to the deadline).
    local sent
    sent=$(json_get summary .sent)
    ((sent >= 4 && sent <= 5)) || fail "sent $sent requests in 0.5 s at 100 ms"
}

@test "--interval=0 on a root-run client sends each request as soon as the last is answered" {
    local start
    start=$(wping_now_ms)
    json_run --json -n 200 --interval=0 -w 1000 "$LAB_S4"
    local elapsed=$(($(wping_now_ms) - start))
    assert_success
    json_check
    assert_equal "$(json_get summary '[.sent, .replies]')" '[200,200]'
    ((elapsed < 3000)) || fail "200 requests at --interval=0 took $elapsed ms"
}
