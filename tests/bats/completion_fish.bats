#!/usr/bin/env bats
# The fish completion (completions/wping.fish) through fish's own engine: `complete -C LINE`
# after sourcing the file prints the candidates fish would offer. Skipped, with the reason,
# when fish is not installed. (Host names are tested in completion_namespace.bats, where
# /etc/hosts is a private file: fish reads that file and no other.)

# shellcheck source=../install/common.bash
source "${WPING_SOURCE_DIR:?}/tests/install/common.bash"

setup() {
    require_shell fish
}

# Asserts the candidates for LINE are exactly the lines on stdin (in any order).
assert_candidates() {
    local expected
    expected=$(sort)
    run --separate-stderr fish_candidates "$1"
    assert_success
    assert_equal "$stderr" ""
    assert_equal "$output" "$expected"
}

@test "fish: a prefix of long options offers the matching ones" {
    assert_candidates 'wping --co' <<<$'--compartment\n--count'
    assert_candidates 'wping --ip' <<<$'--ip-timestamp\n--ipv4\n--ipv6'
}

@test "fish: counts, sizes, TTL, TOS and timeout values are offered after their option" {
    assert_candidates 'wping -n ' <<<$'1\n4\n10\n100'
    assert_candidates 'wping -l 6' <<<$'64\n65500'
    assert_candidates 'wping --ttl ' <<<$'1\n2\n8\n32\n64\n128\n255'
    assert_candidates 'wping -v ' <<<$'0\n4\n8\n16\n32\n184'
    assert_candidates 'wping --timeout=' <<<$'--timeout=200\n--timeout=500\n--timeout=1000\n--timeout=4000\n--timeout=10000'
}

@test "fish: -r offers 1 to 9 hops and -s 1 to 4" {
    assert_candidates 'wping -r ' < <(seq 1 9)
    assert_candidates 'wping --ip-timestamp ' < <(seq 1 4)
}

@test "fish: -c, --compartment and --interface offer this namespace's interfaces" {
    assert_candidates 'wping -c ' < <(expected_interfaces)
    assert_candidates 'wping --interface ' < <(expected_interfaces)
    assert_candidates 'wping -n 2 --compartment ' < <(expected_interfaces)
}

@test "fish: -S offers the local addresses, of the family -4 or -6 asks for" {
    assert_candidates 'wping -S ' < <(expected_addresses)
    assert_candidates 'wping -6 -S ' < <(expected_addresses inet6)
    assert_candidates 'wping --ipv4 --source ' < <(expected_addresses inet)
    assert_candidates 'wping -4 -6 -S ' < <(expected_addresses inet6)
    assert_candidates 'wping -S 127.' <<<'127.0.0.1'
}

@test "fish: after -4 the IPv6 options are not offered, and after -6 the IPv4 ones" {
    run fish_candidates 'wping -4 -'
    assert_success
    refute_line -- -6
    refute_line -- --ipv6
    assert_line -- -n
    run fish_candidates 'wping --ipv6 --ip'
    assert_success
    assert_output $'--ip-timestamp\n--ipv6'
}

@test "fish: options are completed after the target as well" {
    assert_candidates 'wping 198.18.0.1 --t' <<<$'--targets\n--targets-required\n--timeout\n--timestamp\n--tos\n--traceroute\n--ttl'
    assert_candidates 'wping 198.18.0.1 -n ' <<<$'1\n4\n10\n100'
}
