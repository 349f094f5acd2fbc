#!/usr/bin/env bats
# The zsh completion (completions/_wping) through zsh's own completion system: an interactive
# zsh on a pseudo-terminal loads compinit with completions/ in $fpath, a line is typed with a
# TAB, and the words handed to compadd are checked (tests/install/complete.zsh). Skipped,
# with the reason, when zsh is not installed. Host names come from the hosts zstyle.

# shellcheck source=../install/common.bash
source "${WPING_SOURCE_DIR:?}/tests/install/common.bash"

setup() {
    require_shell zsh
    export WPING_ZSH_SETUP="zstyle ':completion:*' hosts wping-alpha wping-beta other-host"
}

# Asserts the candidates for LINE are exactly the lines on stdin (in any order).
assert_candidates() {
    local expected
    expected=$(sort)
    run --separate-stderr zsh_candidates "$1"
    assert_success
    assert_equal "$stderr" ""
    assert_equal "$output" "$expected"
}

@test "zsh: a prefix of long options offers the matching ones" {
    assert_candidates 'wping --co' <<<$'--compartment\n--count'
    assert_candidates 'wping --ip' <<<$'--ip-timestamp\n--ipv4\n--ipv6'
}

@test "zsh: counts, sizes, TTL, TOS and timeout values are offered after their option" {
    assert_candidates 'wping -n ' <<<$'1\n4\n10\n100'
    assert_candidates 'wping -l 6' <<<$'64\n65500'
    assert_candidates 'wping --ttl ' <<<$'1\n2\n8\n32\n64\n128\n255'
    assert_candidates 'wping -v ' <<<$'0\n4\n8\n16\n32\n184'
    assert_candidates 'wping --timeout=' <<<$'200\n500\n1000\n4000\n10000'
}

@test "zsh: -r offers 1 to 9 hops and -s 1 to 4" {
    assert_candidates 'wping -r ' < <(seq 1 9)
    assert_candidates 'wping --ip-timestamp=' < <(seq 1 4)
}

@test "zsh: -c, --compartment and --interface offer this namespace's interfaces" {
    assert_candidates 'wping -c ' < <(expected_interfaces)
    assert_candidates 'wping --interface=' < <(expected_interfaces)
    assert_candidates 'wping -n 2 --compartment ' < <(expected_interfaces)
}

@test "zsh: -S offers the local addresses, of the family -4 or -6 asks for" {
    assert_candidates 'wping -S ' < <(expected_addresses)
    assert_candidates 'wping -6 -S ' < <(expected_addresses inet6)
    assert_candidates 'wping --ipv4 --source=' < <(expected_addresses inet)
    assert_candidates 'wping -S 127.' <<<'127.0.0.1'
}

@test "zsh: -4 and -6 exclude each other, and --help excludes everything else" {
    run zsh_candidates 'wping -4 -'
    assert_success
    refute_line -- -6
    refute_line -- --ipv6
    refute_line -- -4
    assert_line -- -n
    assert_candidates 'wping --help -' </dev/null
}

@test "zsh: the target and the hosts after -j and -k are host names" {
    assert_candidates 'wping wping-' <<<$'wping-alpha\nwping-beta'
    assert_candidates 'wping -n 2 wping-b' <<<'wping-beta'
    assert_candidates 'wping -j wping-alpha wping-' <<<$'wping-alpha\nwping-beta'
    assert_candidates 'wping --strict-route oth' <<<'other-host'
}

@test "zsh: options are completed after the target as well" {
    assert_candidates 'wping wping-alpha --t' <<<$'--targets\n--targets-required\n--timeout\n--timestamp\n--tos\n--traceroute\n--ttl'
    assert_candidates 'wping wping-alpha -n ' <<<$'1\n4\n10\n100'
}
