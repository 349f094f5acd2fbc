#!/usr/bin/env bats
# SIGINT, SIGQUIT and SIGTERM with --format=json: the run ends (or, for SIGQUIT, goes on) with
# a complete summary (or interim) object whose reason names the signal and whose counts and
# exit status are right. wping runs in the background in the client namespace; the test waits
# for the objects it needs, then signals.

load json_common

setup_file() { json_setup_file; }
setup() { wping_setup; }
teardown() {
    wping_teardown
    json_teardown
}

# wping in the background (wping_bg_start), its JSON Lines in $JSON_OUT and $JSON_ERR.
bg_start() {
    wping_bg_start "$@"
    JSON_OUT=$BG_OUT JSON_ERR=$BG_ERR
}

# Waits (at most 5 s) until stdout has COUNT objects of TYPE.
bg_wait_type() {
    local type=$1 count=$2 i
    for ((i = 0; i < 250; i++)); do
        (($(grep -c "^{\"type\":\"$type\"" "$JSON_OUT") >= count)) && return 0
        sleep 0.02
    done
    fail "no $count $type objects within 5 s: $(cat "$JSON_OUT")"
}

# Waits (at most 5 s) for wping to end; sets $status, $output, $stderr and $lines.
bg_finish() {
    local i
    for ((i = 0; i < 250; i++)); do
        kill -0 "$BG_PID" 2>/dev/null || break
        sleep 0.02
    done
    if kill -0 "$BG_PID" 2>/dev/null; then
        kill -KILL "$BG_PID"
        wait "$BG_PID" || true
        BG_PID=
        fail "wping did not end within 5 s of the signal: $(cat "$JSON_OUT")"
    fi
    status=0
    wait "$BG_PID" || status=$?
    BG_PID=
    json_load
}

@test "SIGINT after replies: a summary with reason sigint, exit 0" {
    bg_start --json -t --interval=100 -w 1000 "$LAB_S4"
    bg_wait_type reply 3
    kill -INT "$BG_PID"
    bg_finish
    assert_success
    json_check
    assert_equal "$(json_get summary '[.reason, .sent >= 3, .sent == .replies, .exit_status]')" \
        '["sigint",true,true,0]'
    assert_equal "$(json_get start .count)" null
}

@test "SIGINT before the first outcome: a summary of nothing, exit 1, at once" {
    lab_route_type 4 198.18.4.0/24 blackhole
    bg_start --json -n 3 -w 3000 198.18.4.1
    bg_wait_type start 1
    sleep 0.2
    local start
    start=$(wping_now_ms)
    kill -INT "$BG_PID"
    bg_finish
    (($(wping_now_ms) - start < 1000)) || fail "wping waited for the timeout"
    assert_failure 1
    json_check
    assert_json_types start summary
    assert_equal "$(json_get summary '[.reason, .sent, .loss_percent, .rtt_ms, .exit_status]')" \
        '["sigint",0,0,null,1]'
}

@test "SIGINT after timeouts only: the request in flight is not counted, exit 1" {
    lab_route_type 4 198.18.4.0/24 blackhole
    bg_start --json -t --interval=100 -w 200 198.18.4.1
    bg_wait_type timeout 2
    kill -INT "$BG_PID"
    bg_finish
    assert_failure 1
    json_check
    assert_equal "$(json_get summary '[.reason, .sent == .timeouts, .sent >= 2, .exit_status]')" \
        '["sigint",true,true,1]'
}

@test "SIGTERM: a summary with reason sigterm and the exit status of the policy" {
    bg_start --json -t --interval=100 -w 1000 --require=all "$LAB_S4"
    bg_wait_type reply 2
    kill -TERM "$BG_PID"
    bg_finish
    assert_success
    json_check
    assert_equal "$(json_get summary '[.reason, .exit_status]')" '["sigterm",0]'
}

@test "SIGTERM with every request lost: exit 1, in the summary too" {
    lab_route_type 4 198.18.4.0/24 blackhole
    bg_start --json -t --interval=100 -w 150 198.18.4.1
    bg_wait_type timeout 1
    kill -TERM "$BG_PID"
    bg_finish
    assert_failure 1
    json_check
    assert_equal "$(json_get summary '[.reason, .replies, .exit_status]')" '["sigterm",0,1]'
}

@test "SIGQUIT: an interim object that equals the events so far, then the run goes on" {
    bg_start --json -n 4 --interval=300 -w 1000 "$LAB_S4"
    bg_wait_type reply 1
    kill -QUIT "$BG_PID"
    bg_wait_type interim 1
    bg_wait_type reply 2
    kill -QUIT "$BG_PID"
    bg_finish
    assert_success
    # json_check compares each interim with the events before it.
    json_check
    assert_equal "$(jq -r .type "$JSON_OUT" | grep -c interim)" 2
    assert_equal "$(json_get interim '[.reason, .sent, .replies, .exit_status]' 1)" \
        '["sigquit",1,1,0]'
    assert_equal "$(json_get summary '[.reason, .sent, .replies]')" '["completed",4,4]'
    assert_equal "$(jq -r .type "$JSON_OUT" | tail -n 1)" summary
}

@test "SIGQUIT before any outcome: an interim of nothing, whose exit status would be 1" {
    lab_route_type 4 198.18.4.0/24 blackhole
    bg_start --json -n 1 -w 600 198.18.4.1
    bg_wait_type start 1
    sleep 0.1
    kill -QUIT "$BG_PID"
    bg_finish
    assert_failure 1
    json_check
    assert_json_types start interim timeout summary
    assert_equal "$(json_get interim '[.sent, .exit_status]')" '[0,1]'
}
