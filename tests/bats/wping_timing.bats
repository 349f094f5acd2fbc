#!/usr/bin/env bats
# The schedule (docs/design.md, Schedule): the first request at once, then one a second; after an outcome
# that took longer than the interval the next request goes right away; no wait after the
# last; -w honoured to the millisecond. Times are asserted with tolerances (sanitizer builds
# start more slowly), never exactly.

load wping_common

setup_file() { wping_setup_file; }
setup() { wping_setup; }
teardown() { wping_teardown; }

@test "one request: no wait after the last" {
    timed_run -n 1 -w 1000 "$LAB_S4"
    assert_success
    # A wait of one interval after it would take 1000 ms.
    assert_elapsed 0 999
}

@test "three requests that are answered at once take about two seconds" {
    timed_run -n 3 -w 1000 "$LAB_S4"
    assert_success
    # A wait after the last would make it 3000 ms.
    assert_elapsed 1950 2999
}

@test "the requests leave one second apart" {
    local out="$BATS_TEST_TMPDIR/times"
    # Timestamp every line as it arrives, through the pipe that wping flushes per line.
    lab_client "$WPING" -n 3 -w 1000 "$LAB_S4" | while IFS= read -r line; do
        if [[ $line == Reply* ]]; then wping_now_ms; fi
    done >"$out"
    mapfile -t at <"$out"
    assert_equal "${#at[@]}" 3
    local gap1=$((at[1] - at[0])) gap2=$((at[2] - at[1]))
    ((gap1 >= 850 && gap1 <= 1250 && gap2 >= 850 && gap2 <= 1250)) ||
        fail "gaps between replies: $gap1 ms and $gap2 ms"
}

@test "-w 700 waits 700 ms for a reply that never comes" {
    lab_route_type 4 198.18.4.0/24 blackhole
    timed_run -n 1 -w 700 198.18.4.1
    assert_failure 1
    assert_line --index 1 "Request timed out."
    # Not a second timeout: 1400 ms.
    assert_elapsed 690 1399
}

@test "-w 250 is honoured below ping.exe's usual values" {
    lab_route_type 4 198.18.4.0/24 blackhole
    timed_run -n 1 -w 250 198.18.4.1
    assert_failure 1
    # Not ping.exe's usual 4000 ms, nor a second timeout: 500 ms.
    assert_elapsed 240 499
}

@test "after a timeout longer than the interval the next request goes at once" {
    lab_route_type 4 198.18.4.0/24 blackhole
    # Two 1200 ms timeouts back to back: about 2.4 s, not 3.4 s (timeout + 1 s pause).
    timed_run -n 2 -w 1200 198.18.4.1
    assert_failure 1
    assert_line --index 1 "Request timed out."
    assert_line --index 2 "Request timed out."
    assert_elapsed 2390 3399
}

@test "after a timeout shorter than the interval the next request keeps the 1 s schedule" {
    lab_route_type 4 198.18.4.0/24 blackhole
    timed_run -n 2 -w 300 198.18.4.1
    assert_failure 1
    # 1000 + 300 ms; a full interval after the first timeout would make it 1600 ms.
    assert_elapsed 1250 1599
}

@test "a non-local -S fails every request on the same one-second schedule" {
    timed_run -n 3 -S 198.18.0.77 "$LAB_S4"
    assert_failure 1
    # A wait after the last would make it 3000 ms.
    assert_elapsed 1950 2999
}

@test "an ICMP error does not shorten or stretch the schedule" {
    lab_reject 4 "$LAB_S4" host-unreachable
    timed_run -n 2 -w 1000 "$LAB_S4"
    assert_failure 1
    # An error that stretched the schedule by its timeout would make it 2000 ms.
    assert_elapsed 950 1999
}
