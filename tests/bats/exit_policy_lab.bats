#!/usr/bin/env bats
# --require and --max-loss in the lab, a table of cases over exact loss patterns, in text and
# JSON output alike (the JSON summary's exit_status is the status wping returns). The
# decision itself is unit-tested in tests/unit/test_exit_policy.c; this checks that the
# command applies it to what really happened.

load json_common

setup_file() { json_setup_file; }
setup() { wping_setup; }
teardown() {
    wping_teardown
    json_teardown
}

# Runs ARGS in text and in JSON output and asserts that both exit with STATUS and that the
# JSON summary says so: both_exit STATUS ARGS...
both_exit() {
    local want=$1
    shift
    wping_run "$@"
    [[ $status == "$want" ]] || fail "text output: exit $status for $*, expected $want
$output"
    json_run --json "$@"
    [[ $status == "$want" ]] || fail "JSON output: exit $status for $*, expected $want"
    json_check
}

@test "2 echo replies of 4 (every 2nd request dropped): the table of policies" {
    json_defer
    lab_loss 4 "$LAB_S4" 2
    local run=(-n 4 --interval=30 -w 60 "$LAB_S4")
    both_exit 0 "${run[@]}"
    assert_equal "$(json_get summary '[.replies, .timeouts, .loss_percent]')" '[2,2,50]'
    both_exit 0 --require=any "${run[@]}"
    both_exit 1 --require=all "${run[@]}"
    both_exit 0 --require=2 "${run[@]}"
    both_exit 1 --require=3 "${run[@]}"
    both_exit 0 --require=0 "${run[@]}"
    both_exit 0 --max-loss=50 "${run[@]}"
    both_exit 1 --max-loss=49.999 "${run[@]}"
    both_exit 1 --max-loss=0 "${run[@]}"
    both_exit 1 --require=2 --max-loss=25 "${run[@]}"
    both_exit 0 --require=2 --max-loss=75 "${run[@]}"
    json_check_deferred
}

@test "all answered: --require=all and --max-loss=0 pass" {
    json_defer
    local run=(-n 3 --interval=50 -w 500 "$LAB_S4")
    both_exit 0 --require=all --max-loss=0 "${run[@]}"
    both_exit 0 --require=3 "${run[@]}"
    both_exit 1 --require=4 "${run[@]}"
    json_check_deferred
}

@test "ICMP errors are lost for the policies, although text output counts them received" {
    json_defer
    lab_reject 4 "$LAB_S4" host-unreachable
    local run=(-n 2 --interval=50 -w 500 "$LAB_S4")
    both_exit 1 "${run[@]}"
    both_exit 0 --require=0 "${run[@]}"
    # ping.exe's statistics say 0% loss; the policy sees 100 %.
    both_exit 1 --require=0 --max-loss=50 "${run[@]}"
    wping_run --require=0 --max-loss=50 "${run[@]}"
    assert_line --index 4 "    Packets: Sent = 2, Received = 2, Lost = 0 (0% loss),"
    assert_equal "$(json_get summary '[.icmp_errors, .loss_percent, .exit_status]')" '[2,100,1]'
    json_check_deferred
}

@test "Ctrl-C ends by the policy too: --require=all after all the replies so far" {
    JSON_OUT="$BATS_TEST_TMPDIR/json.out" JSON_ERR="$BATS_TEST_TMPDIR/json.err"
    ip netns exec "$LAB_C" "$WPING" --json -t --interval=100 --require=all "$LAB_S4" \
        >"$JSON_OUT" 2>"$JSON_ERR" &
    local pid=$! i
    for ((i = 0; i < 250; i++)); do
        (($(grep -c '"type":"reply"' "$JSON_OUT") >= 2)) && break
        sleep 0.02
    done
    kill -INT "$pid"
    for ((i = 0; i < 250; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.02
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        wait "$pid" || true
        fail "wping did not end within 5 s of Ctrl-C"
    fi
    status=0
    wait "$pid" || status=$?
    json_load
    assert_success
    json_check
    assert_equal "$(json_get summary '[.reason, .exit_status]')" '["sigint",0]'
}
