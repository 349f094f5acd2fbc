#!/usr/bin/env bats
# The wping command line seen from outside: the usage text for --help, -? and /?, --version,
# and every usage error with its exact message, its stream (stderr) and exit status 2.
# Nothing here sends a packet: every command line is refused before the session starts.

bats_require_minimum_version 1.5.0
BATS_ASSERT_DIR=/usr/lib/bats
[ -d "$BATS_ASSERT_DIR/bats-support" ] || BATS_ASSERT_DIR=/usr/lib
load "$BATS_ASSERT_DIR/bats-support/load"
load "$BATS_ASSERT_DIR/bats-assert/load"

setup() {
    if [ -z "${WPING:-}" ] || [ ! -x "$WPING" ]; then
        if [ "${WPING_REQUIRE_LAB:-0}" = 1 ]; then
            fail "WPING must name the wping binary under test (ctest passes it)"
        fi
        skip "WPING is not set to the wping binary (run through ctest)"
    fi
}

# The usage text, byte for byte, as --help prints it.
usage_file() {
    "$WPING" --help >"$BATS_TEST_TMPDIR/usage"
    echo "$BATS_TEST_TMPDIR/usage"
}

# Runs wping with ARGS; expects exit 2, nothing on stdout and exactly MESSAGE + newline on
# stderr: refused MESSAGE ARGS...
refused() {
    local message=$1
    shift
    run --separate-stderr "$WPING" "$@"
    assert_equal "$status" 2
    assert_equal "$output" ""
    assert_equal "$stderr" "$message"
    # and nothing more: one line, newline-terminated
    "$WPING" "$@" 2>"$BATS_TEST_TMPDIR/err" >/dev/null || true
    printf '%s\n' "$message" >"$BATS_TEST_TMPDIR/want"
    cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/err"
}

@test "no arguments prints the usage on stderr and exits 2" {
    local usage
    usage=$(usage_file)
    run --separate-stderr "$WPING"
    assert_equal "$status" 2
    assert_equal "$output" ""
    "$WPING" 2>"$BATS_TEST_TMPDIR/err" >/dev/null || true
    cmp "$usage" "$BATS_TEST_TMPDIR/err"
}

@test "--help prints ping.exe's usage layout on stdout and exits 0" {
    run --separate-stderr "$WPING" --help
    assert_equal "$status" 0
    assert_equal "$stderr" ""
    # starts with an empty line, then ping.exe's synopsis with wping's name
    assert_equal "${lines[0]}" "Usage: wping [-t] [-a] [-n count] [-l size] [-f] [-i TTL] [-v TOS]"
    assert_equal "${lines[1]}" "            [-r count] [-s count] [[-j host-list] | [-k host-list]]"
    assert_equal "${lines[2]}" "            [-w timeout] [-R] [-S srcaddr] [-c compartment] [-p]"
    assert_equal "${lines[3]}" "            [-4] [-6] target_name"
    assert_line "Options:"
    assert_line "    -n count       Number of echo requests to send."
    assert_line "    -6             Force using IPv6."
    assert_line "Long options:"
    assert_line --partial "-n, --count=count"
    assert_line --partial "--version"
    local usage
    usage=$(usage_file)
    [ "$(head -c 1 "$usage" | od -An -c | tr -d ' ')" = '\n' ]
    [ "$(tail -c 2 "$usage" | od -An -c | tr -d ' ')" = '\n\n' ]
}

@test "-? and /? print the same usage as --help on stdout and exit 0" {
    local usage arg
    usage=$(usage_file)
    for arg in '-?' '/?'; do
        run --separate-stderr "$WPING" "$arg"
        assert_equal "$status" 0
        assert_equal "$stderr" ""
        "$WPING" "$arg" >"$BATS_TEST_TMPDIR/out"
        cmp "$usage" "$BATS_TEST_TMPDIR/out"
    done
}

@test "help wins over a valid command line, wherever it stands" {
    local usage
    usage=$(usage_file)
    "$WPING" 127.0.0.1 -n 1 /? >"$BATS_TEST_TMPDIR/out"
    cmp "$usage" "$BATS_TEST_TMPDIR/out"
}

@test "--version prints the version on stdout and exits 0" {
    run --separate-stderr "$WPING" --version
    assert_equal "$status" 0
    assert_equal "$stderr" ""
    assert_output --regexp '^wping [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "an unknown option is a bad option, followed by two empty lines and the usage on stderr" {
    local usage
    usage=$(usage_file)
    run --separate-stderr "$WPING" -d 127.0.0.1
    assert_equal "$status" 2
    assert_equal "$output" ""
    "$WPING" -d 127.0.0.1 2>"$BATS_TEST_TMPDIR/err" >/dev/null || true
    { printf 'Bad option -d.\n\n'; cat "$usage"; } >"$BATS_TEST_TMPDIR/want"
    cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/err"
    # ping.exe's own picture of it: the message, two empty lines, "Usage:"
    head -n 4 "$BATS_TEST_TMPDIR/err" >"$BATS_TEST_TMPDIR/head"
    printf 'Bad option -d.\n\n\nUsage: wping [-t] [-a] [-n count] [-l size] [-f] [-i TTL] [-v TOS]\n' |
        cmp - "$BATS_TEST_TMPDIR/head"
}

@test "a bad option is named as typed: /d, -N (options are case-sensitive), --bogus" {
    local arg
    for arg in /d -N -T --bogus --jsonl; do
        run --separate-stderr "$WPING" 127.0.0.1 "$arg"
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_equal "${stderr_lines[0]}" "Bad option $arg."
        assert_equal "${stderr_lines[1]}" "Usage: wping [-t] [-a] [-n count] [-l size] [-f] [-i TTL] [-v TOS]"
    done
}

@test "an option without its value says the value must be supplied, as typed" {
    refused "Value must be supplied for option -n." 127.0.0.1 -n
    refused "Value must be supplied for option /n." 127.0.0.1 /n
    refused "Value must be supplied for option --count." 127.0.0.1 --count
    refused "Value must be supplied for option -l." 127.0.0.1 -l
    refused "Value must be supplied for option -w." 127.0.0.1 -w
    refused "Value must be supplied for option /S." 127.0.0.1 /S
    refused "Value must be supplied for option -j." -j
}

@test "a value outside its range is a bad value with ping.exe's range" {
    refused "Bad value for option -n, valid range is from 1 to 4294967295." -n 0 127.0.0.1
    refused "Bad value for option -n, valid range is from 1 to 4294967295." -n 4294967296 127.0.0.1
    refused "Bad value for option -l, valid range is from 0 to 65500." -l 65501 127.0.0.1
    refused "Bad value for option -i, valid range is from 1 to 255." -i 0 127.0.0.1
    refused "Bad value for option -i, valid range is from 1 to 255." -i 256 127.0.0.1
    refused "Bad value for option -v, valid range is from 0 to 255." -v 256 127.0.0.1
    refused "Bad value for option -r, valid range is from 1 to 9." -r 10 127.0.0.1
    refused "Bad value for option -s, valid range is from 1 to 4." -s 5 127.0.0.1
    refused "Bad value for option -w, valid range is from 1 to 4294967295." -w 0 127.0.0.1
}

@test "numbers are strict decimal: garbage, signs and overflow are bad values" {
    local value
    for value in 1x abc '' ' 1' +1 -1 0x10 99999999999999999999; do
        refused "Bad value for option -n, valid range is from 1 to 4294967295." -n "$value" 127.0.0.1
    done
}

@test "a bad value names the option as typed: /n and --count" {
    refused "Bad value for option /n, valid range is from 1 to 4294967295." 127.0.0.1 /n 0
    refused "Bad value for option --count, valid range is from 1 to 4294967295." --count=0 127.0.0.1
}

@test "options without a target say an IP address must be specified" {
    refused "IP address must be specified." -n 1
    refused "IP address must be specified." -t -w 1000
}

@test "a second target is a bad parameter" {
    refused "Bad parameter 127.0.0.2." 127.0.0.1 127.0.0.2
    refused "Bad parameter 127.0.0.2." 127.0.0.1 -n 1 127.0.0.2
}

@test "-4 and -6 together are refused" {
    refused "The options -4 and -6 cannot be used together." -4 -6 127.0.0.1
}

@test "IPv4-only options with IPv6 are refused" {
    refused "The option -f is only supported for IPv4." -6 -f ::1
    refused "The option -f is only supported for IPv4." -f ::1
    refused "The option /v is only supported for IPv4." ::1 /v 8
    refused "The option -r is only supported for IPv4." -r 2 -6 ::1
    refused "The option -s is only supported for IPv4." -S ::1 -s 2 ::1
    refused "The option -j is only supported for IPv4." -j 2001:db8::1 ::1
}

@test "-R with IPv4 is refused" {
    refused "The option -R is only supported for IPv6." -R -4 127.0.0.1
    refused "The option -R is only supported for IPv6." -R 127.0.0.1
}

@test "a literal target or source of the other family is refused" {
    refused "The target ::1 is not an IPv4 address." -4 ::1
    refused "The target 127.0.0.1 is not an IPv6 address." -6 127.0.0.1
    refused "The source address 127.0.0.1 is not an IPv6 address." -6 -S 127.0.0.1 ::1
    refused "The source address 127.0.0.1 and the target ::1 are not of the same address family." \
        -S 127.0.0.1 ::1
}

@test "-S needs a numeric address" {
    refused "Bad value for option -S, an IPv4 or IPv6 address is required." -S not-an-address 127.0.0.1
}

@test "-c needs an interface name of 1 to 15 characters" {
    refused "Bad value for option -c, an interface or VRF name of 1 to 15 characters is required." \
        -c a-name-of-16-chr 127.0.0.1
}

@test "-p is refused: Hyper-V provider addresses mean nothing on Linux" {
    refused "The option -p is not supported: Hyper-V provider addresses have no meaning on Linux." \
        -p 127.0.0.1
    refused "The option /p is not supported: Hyper-V provider addresses have no meaning on Linux." \
        127.0.0.1 /p
}

@test "-j and -k: not together, at most 8 hops, at least one" {
    refused "The options -j and -k cannot be used together." -j 198.18.0.1 -k 198.18.0.2 127.0.0.1
    refused "The option -j accepts at most 8 hosts before the target." \
        -j 198.18.0.1 198.18.0.2 198.18.0.3 198.18.0.4 198.18.0.5 198.18.0.6 198.18.0.7 \
        198.18.0.8 198.18.0.9 127.0.0.1
    refused "The option -k needs a host-list before the target." -k 127.0.0.1
}
