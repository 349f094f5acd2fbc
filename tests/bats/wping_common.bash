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

wping_teardown() {
    lab_destroy
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
