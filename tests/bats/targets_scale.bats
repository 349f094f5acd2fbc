#!/usr/bin/env bats
# 10 000 targets in one run against the fleet host (8 000 IPv4, 2 000 IPv6): every outcome
# counted exactly, by the per-target summaries, the run_summary and the fleet host's own
# counts; and memory that grows with the number of targets only, never with the number of
# echoes. About 25 s.

load targets_common

setup_file() { wping_setup_file; }
setup() {
    wping_setup
    # In the client itself: no router in between to forward 10 000 packets a burst.
    # Addresses 198.18.64.1..198.18.79.255 (index < 4096) never answer.
    fleet_start client --rule 198.18.64.0/20,loss=1
    {
        fleet_addresses4 8000
        fleet_addresses6 2000
    } >"$BATS_TEST_TMPDIR/names"
}
teardown() {
    fleet_stop
    wping_teardown
}

# Runs wping in the client with ARGS, stdout to $BATS_TEST_TMPDIR/out, and prints its status
# and peak resident memory in kB. GNU time forks a small copy of itself for wping, so the peak
# is wping's (a fork of python or bash would carry their own pages into the count).
run_measured() {
    local status=0
    ip netns exec "$LAB_C" /usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/rss" "$WPING" "$@" \
        >"$BATS_TEST_TMPDIR/out" || status=$?
    echo "$status $(tail -1 "$BATS_TEST_TMPDIR/rss")"
}

@test "10 000 targets, IPv4 and IPv6: every outcome is counted, per target and for the run" {
    local names="$BATS_TEST_TMPDIR/names"
    run run_measured -n 1 -w 1000 --pace=0 --json "--targets=@$names"
    assert_success
    read -r status rss <<<"$output"
    assert_equal "$status" 1 # 4 095 targets never answer
    run targets_check_json "$BATS_TEST_TMPDIR/out" "$names" 1000
    assert_success
    assert_line "targets=10000 passed=5905 failed=4095 unresolved=0 sent=10000 replies=5905 exit=1"
    assert_line "reply=5905"
    assert_line "timeout=4095"
    assert_line "summary=10000"
    # and the fleet host saw each request once
    assert_equal "$(fleet_stats requests)" 10000
    assert_equal "$(fleet_stats answered)" 5905
    assert_equal "$(fleet_stats dropped)" 4095
}

@test "memory grows with the targets only: not with the echoes, and a few hundred bytes a target" {
    local names="$BATS_TEST_TMPDIR/names" small="$BATS_TEST_TMPDIR/small" status rss
    local rss_small rss_one rss_two
    head -1000 "$names" >"$small"
    # No target answers: every run has all its targets in flight at once, whatever the
    # machine's speed, so the peaks compare like with like.
    fleet_stop
    fleet_start client --rule 198.18.64.0/18,loss=1 --rule 2001:db8:f::/112,loss=1
    # -w below --interval: one request in flight per target, however many it sends (a
    # target keeps its schedule, so with -w above --interval its requests would overlap)
    # -w 2 s outlasts sending 10 000 requests, even on a slow machine; a second round
    # 3 s after each target's first send starts after its first request timed out
    run run_measured -n 1 -w 2000 --pace=0 --json --quiet "--targets=@$small"
    read -r status rss_small <<<"$output"
    run run_measured -n 1 -w 2000 --pace=0 --json --quiet "--targets=@$names"
    read -r status rss_one <<<"$output"
    run run_measured -n 2 --interval=3000 -w 2000 --pace=0 --json --quiet "--targets=@$names"
    read -r status rss_two <<<"$output"
    tail -1 "$BATS_TEST_TMPDIR/out" | grep -F '"targets":10000,"passed":0,"failed":10000,"unresolved":0,"sent":20000,"replies":0'
    echo "peak RSS: 1000 targets ${rss_small} kB, 10 000 x 1 ${rss_one} kB, 10 000 x 2 ${rss_two} kB" >&3
    # twice the echoes, 10 000 more: the same memory (a few pages of noise)
    ((rss_two - rss_one <= 256))
    # 9 000 more targets: at most 1.5 kB each. Under ASan every allocation carries redzones
    # and shadow memory, so only the check above (none per echo) holds there.
    [[ ${WPING_SANITIZE:-0} == 1 ]] || ((rss_one - rss_small <= 9000 * 3 / 2))
}
