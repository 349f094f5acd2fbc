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
