#!/usr/bin/env bats
# Diagnostics with --format=json: one error object per line on stderr ({"type":"error",
# "kind":...,"message":...,"exit_status":2}), nothing on stdout, exit 2: usage errors (also
# when --json comes after the bad option), names that do not resolve, no permission for an
# ICMP socket, an --interval below 2 ms without CAP_NET_RAW, a missing interface, and a
# stdout that cannot be written. The usage errors send nothing and need no lab.

load json_common

setup_file() {
    if [[ ! -x ${WPING:-} ]]; then
        echo "WPING must be the path of the wping binary under test" >&2
        return 1
    fi
    json_require_validator
}
# Only the tests that send call lab_setup: usage errors need no namespaces.
lab_setup() {
    lab_require
    wping_setup
}
teardown() {
    wping_teardown
    json_teardown
}

# Runs wping (outside any namespace: for command lines refused before anything is sent).
json_run_here() {
    JSON_OUT="$BATS_TEST_TMPDIR/json.out" JSON_ERR="$BATS_TEST_TMPDIR/json.err"
    status=0
    "$WPING" "$@" >"$JSON_OUT" 2>"$JSON_ERR" || status=$?
    json_load
}

# Runs CMD in the client namespace as nobody without any capability.
as_nobody() {
    env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        ip netns exec "$LAB_C" setpriv --reuid=65534 --regid=65534 --clear-groups \
        --inh-caps=-all "$@"
}

# Asserts that stderr is exactly one error object of KIND with MESSAGE.
assert_one_error() {
    json_check errors
    assert_equal "$(wc -l <"$JSON_ERR")" 1
    assert_equal "$(jq -c '[.kind, .message, .exit_status]' "$JSON_ERR")" \
        "$(jq -c -n --arg k "$1" --arg m "$2" '[$k, $m, 2]')"
}

@test "usage errors are error objects of kind usage, without the usage text" {
    json_run_here --json --bogus 127.0.0.1
    assert_failure 2
    assert_one_error usage "Bad option --bogus."
    json_run_here -n 0 127.0.0.1 --format=json
    assert_failure 2
    assert_one_error usage "Bad value for option -n, valid range is from 1 to 4294967295."
    json_run_here --json
    assert_failure 2
    assert_one_error usage "IP address must be specified."
    json_run_here --json -6 -f ::1
    assert_failure 2
    assert_one_error usage "The option -f is only supported for IPv4."
    json_run_here --js --interval=x 127.0.0.1
    assert_failure 2
    assert_one_error usage "Bad value for option --interval, valid range is from 0 to 4294967295."
}

@test "a bad option before --json is reported in JSON too; --format=text after it is not" {
    json_run_here -x 127.0.0.1 --json
    assert_failure 2
    assert_one_error usage "Bad option -x."
    json_run_here -x 127.0.0.1 --json --format=text
    assert_failure 2
    assert_equal "${stderr%%$'\n'*}" "Bad option -x."
    assert_regex "$stderr" 'Usage: wping'
}

@test "--help and --version stay text on stdout with --json" {
    json_run_here --json --help
    assert_success
    assert_equal "$stderr" ""
    assert_regex "$output" 'Usage: wping'
    json_run_here --json --version
    assert_success
    assert_regex "$output" '^wping [0-9]'
}

@test "a name that does not resolve: kind resolution, ping.exe's message" {
    lab_setup
    lab_hosts "server.lab $LAB_S4"
    json_run --json -n 1 nosuch.lab
    assert_failure 2
    assert_one_error resolution \
        "Ping request could not find host nosuch.lab. Please check the name and try again."
}

@test "no ICMP socket for nobody: kind permission, the whole advice in one message" {
    lab_setup
    lab_socket_kind raw
    JSON_OUT="$BATS_TEST_TMPDIR/json.out" JSON_ERR="$BATS_TEST_TMPDIR/json.err"
    status=0
    as_nobody "$WPING" --json -n 1 -w 500 "$LAB_S4" >"$JSON_OUT" 2>"$JSON_ERR" || status=$?
    json_load
    assert_failure 2
    json_check errors
    assert_equal "$(jq -r .kind "$JSON_ERR")" permission
    assert_regex "$(jq -r .message "$JSON_ERR")" \
        $'^wping: no permission to open an ICMP socket \\(.*\\)\\.\nAllow unprivileged'
    assert_regex "$(jq -r .message "$JSON_ERR")" "setcap cap_net_raw\\+p $WPING\$"
}

@test "--interval below 2 ms without CAP_NET_RAW: kind permission, before anything is sent" {
    lab_setup
    JSON_OUT="$BATS_TEST_TMPDIR/json.out" JSON_ERR="$BATS_TEST_TMPDIR/json.err"
    status=0
    as_nobody "$WPING" --json -n 2 --interval=1 "$LAB_S4" >"$JSON_OUT" 2>"$JSON_ERR" || status=$?
    json_load
    assert_failure 2
    assert_one_error permission \
        "wping: an --interval below 2 ms needs CAP_NET_RAW (root, set-user-ID root or setcap cap_net_raw+p); other users may send every 2 ms at most."
}

@test "an interface that does not exist: kind system" {
    lab_setup
    json_run --json -n 1 -c nosuch0 "$LAB_S4"
    assert_failure 2
    json_check errors
    assert_equal "$(jq -r .kind "$JSON_ERR")" system
    assert_regex "$(jq -r .message "$JSON_ERR")" '^wping: there is no interface or VRF named nosuch0 \(-c\): '
}

@test "a full stdout: kind output on stderr, exit 2" {
    lab_setup
    JSON_OUT="$BATS_TEST_TMPDIR/json.out" JSON_ERR="$BATS_TEST_TMPDIR/json.err"
    status=0
    lab_client "$WPING" --json -n 2 -w 500 "$LAB_S4" >/dev/full 2>"$JSON_ERR" || status=$?
    : >"$JSON_OUT"
    json_load
    assert_failure 2
    assert_one_error output "wping: cannot write to standard output: No space left on device"
}
