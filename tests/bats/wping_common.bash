# shellcheck shell=bash
# Shared by the wping_*.bats files: bats libraries, the lab, and helpers that run the wping
# under test (the binary CMake built, $WPING, never one from PATH) inside the lab's client.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
# shellcheck source=../lab/lab.bash
source "${WPING_LAB:?WPING_LAB must point to tests/lab/lab.bash}"

# setup_file for every wping_*.bats: the binary exists and the lab can be built.
wping_setup_file() {
    if [[ ! -x ${WPING:-} ]]; then
        echo "WPING must be the path of the wping binary under test" >&2
        return 1
    fi
    lab_require
}

# A fresh lab for each test, datagram ICMP sockets unless the test says otherwise.
wping_setup() {
    lab_create
    lab_socket_kind dgram
}

# Kills a wping that wping_bg_start left running, then removes the lab.
wping_teardown() {
    if [[ -n ${BG_PID:-} ]]; then
        kill -KILL "$BG_PID" 2>/dev/null || true
        wait "$BG_PID" 2>/dev/null || true
    fi
    lab_destroy
}

# Starts wping with ARGS in the background in the client, its streams in $BG_OUT and
# $BG_ERR. `ip netns exec` execs wping, so $BG_PID is wping itself (a shell function in the
# background would be a subshell in between); fd 3 is closed so bats does not wait for it.
wping_bg_start() {
    BG_OUT="$BATS_TEST_TMPDIR/out" BG_ERR="$BATS_TEST_TMPDIR/err"
    ip netns exec "$LAB_C" "$WPING" "$@" >"$BG_OUT" 2>"$BG_ERR" 3>&- &
    BG_PID=$!
}

# Runs wping in the client with ARGS: run --separate-stderr, so $status, $output and
# $stderr are what wping gave.
wping_run() {
    run --separate-stderr lab_client "$WPING" "$@"
}

# $output with the variable fields masked: every RTT becomes time=RTT (so time<1ms and
# time=3ms both read time=RTT), every Minimum/Maximum/Average value N.
wping_masked() {
    sed -E -e 's/time(<1|=[0-9]+)ms/time=RTT/' \
        -e 's/(Minimum|Maximum|Average) = [0-9]+ms/\1 = Nms/g' <<<"$output"
}

# Asserts that wping's masked stdout is exactly the text on stdin.
assert_wping_output() {
    local expected
    expected=$(cat)
    assert_equal "$(wping_masked)" "$expected"
}

# Milliseconds on CLOCK_MONOTONIC-like time (date's nanoseconds are enough here).
wping_now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# Runs wping with ARGS in the client ($status, $output, $lines, $stderr as wping_run) and
# sets two durations in ms: WALL_MS, the whole run, start-up included, which is never less
# than the schedule took (for lower bounds); RUN_MS, from the header line (printed before the
# first request) to the end of the output, as the lines arrive here: without start-up, which
# load stretches most, and never more than the run took after its start (for upper bounds).
timed_run() {
    local line stamp header=0 wall=0 start=0 text=()
    lab_stamped_run "$WPING" "$@"
    for line in "${lines[@]}"; do
        stamp=${line%% *}
        if [[ $stamp == wall ]]; then
            read -r _ wall start <<<"$line"
            continue
        fi
        line=${line#"$stamp"}
        line=${line# }
        [[ $header != 0 || $line != Pinging* ]] || header=$stamp
        text+=("$line")
    done
    output=$(printf '%s\n' "${text[@]}")
    # As bats' run: $lines without the empty ones.
    mapfile -t lines < <(grep -v '^$' <<<"$output")
    WALL_MS=$((wall / 1000))
    RUN_MS=$(((start + wall - header) / 1000))
    ((header != 0)) || RUN_MS=$WALL_MS
}

# Asserts WALL_MS >= LOW and RUN_MS <= HIGH. Each HIGH is just under the least time the
# behaviour the test rules out would take (a wait after the last request, a second timeout,
# an interval added after a timeout), so that load cannot make a correct run fail it.
assert_elapsed() {
    ((WALL_MS >= $1 && RUN_MS <= $2)) ||
        fail "took ${WALL_MS} ms (${RUN_MS} ms from the header on), expected ${1}..${2} ms"
}
