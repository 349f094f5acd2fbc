#!/usr/bin/env bats
# The bash completion (completions/wping.bash) driven without a terminal: the file is sourced,
# COMP_WORDS/COMP_CWORD are set as readline would, the function runs, COMPREPLY is checked.
# Interfaces and addresses are compared with what `ip -j` reports for this namespace; host
# names come from a private hosts file ($HOSTFILE), never from DNS.

# shellcheck source=../install/common.bash
source "${WPING_SOURCE_DIR:?}/tests/install/common.bash"

setup() {
    export HOSTFILE=$BATS_TEST_TMPDIR/hosts
    printf '%s\n' '198.18.0.1 wping-alpha wping-beta' '2001:db8::1 other-host' >"$HOSTFILE"
}

# Asserts the candidates for WORDS... are exactly the lines on stdin (in any order).
assert_candidates() {
    local expected
    expected=$(sort)
    run --separate-stderr bash_candidates "$@"
    assert_success
    assert_equal "$stderr" ""
    assert_equal "$output" "$expected"
}

@test "bash: a prefix of long options offers the matching ones, with = for a value" {
    assert_candidates wping --co <<<$'--compartment=\n--count='
    assert_candidates wping --ip <<<$'--ip-timestamp=\n--ipv4\n--ipv6'
    assert_candidates wping --v <<<'--version'
}

@test "bash: counts, sizes, TTL, TOS and timeout values are offered after their option" {
    assert_candidates wping -n '' <<<$'1\n4\n10\n100'
    assert_candidates wping -l '' <<<$'0\n32\n64\n512\n1472\n8192\n65500'
    assert_candidates wping -l 6 <<<$'64\n65500'
    assert_candidates wping --ttl '' <<<$'1\n2\n8\n32\n64\n128\n255'
    assert_candidates wping -v '' <<<$'0\n4\n8\n16\n32\n184'
    assert_candidates wping -w '' <<<$'200\n500\n1000\n4000\n10000'
}

@test "bash: -r offers 1 to 9 hops and -s 1 to 4, the ranges wping accepts" {
    assert_candidates wping -r '' < <(seq 1 9)
    assert_candidates wping --ip-timestamp '' < <(seq 1 4)
}

@test "bash: --count=VALUE completes both when = splits words and when it does not" {
    assert_candidates wping --count = '' <<<$'1\n4\n10\n100'
    assert_candidates wping --count = 1 <<<$'1\n10\n100'
    WPING_COMP_WORDBREAKS=$' \t\n' assert_candidates wping --count=1 \
        <<<$'--count=1\n--count=10\n--count=100'
}

@test "bash: -c, --compartment and --interface offer this namespace's interfaces" {
    assert_candidates wping -c '' < <(expected_interfaces)
    assert_candidates wping --interface = '' < <(expected_interfaces)
    assert_candidates wping -n 2 --compartment '' < <(expected_interfaces)
    assert_candidates wping -c lo <<<'lo'
}

@test "bash: -S offers the local addresses, of the family -4 or -6 asks for" {
    assert_candidates wping -S '' < <(expected_addresses)
    assert_candidates wping -6 -S '' < <(expected_addresses inet6)
    assert_candidates wping --ipv4 --source '' < <(expected_addresses inet)
    assert_candidates wping -4 -6 -S '' < <(expected_addresses inet6)
    assert_candidates wping -S 127. <<<'127.0.0.1'
}

@test "bash: the target and the hosts of -j and -k come from the hosts file" {
    assert_candidates wping wping- <<<$'wping-alpha\nwping-beta'
    assert_candidates wping -n 2 wping-b <<<'wping-beta'
    assert_candidates wping -j wping-alpha wping- <<<$'wping-alpha\nwping-beta'
    assert_candidates wping --strict-route oth <<<'other-host'
    assert_candidates wping nothing-like-this </dev/null
}

@test "bash: options are completed after the target as well" {
    assert_candidates wping wping-alpha --t <<<$'--targets-required=\n--targets=\n--timeout=\n--timestamp\n--tos=\n--traceroute\n--ttl='
    assert_candidates wping wping-alpha -n '' <<<$'1\n4\n10\n100'
}

@test "bash: options without a value do not swallow the next word" {
    assert_candidates wping -4 wping-a <<<'wping-alpha'
    assert_candidates wping -t --ipv6 wping-a <<<'wping-alpha'
}

@test "bash: the file registers _wping for wping and survives set -u" {
    run bash --norc -uc "source '$COMPLETIONS/wping.bash' && complete -p wping"
    assert_success
    assert_output 'complete -F _wping wping'
    run --separate-stderr bash --norc -uc "source '$COMPLETIONS/wping.bash'
        COMP_WORDS=(wping -n ''); COMP_CWORD=2; _wping; echo \${COMPREPLY[*]}"
    assert_success
    assert_equal "$stderr" ""
    assert_output '1 4 10 100'
}
