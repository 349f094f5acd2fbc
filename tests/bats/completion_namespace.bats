#!/usr/bin/env bats
# The value hints of all three completions against known values: in a network namespace of
# this file's own (interfaces lo, wpcomp0 and wpcomp1; addresses from 198.18.0.0/15 and
# 2001:db8::/32; a private hosts file), `ip netns exec` shows each shell only that namespace's
# /sys/class/net, addresses and /etc/hosts. Needs root (skips without it; fails with
# WPING_REQUIRE_LAB=1); zsh and fish cases skip when the shell is not installed. No packet
# is sent.

# shellcheck source=../install/common.bash
source "${WPING_SOURCE_DIR:?}/tests/install/common.bash"

# The namespace's name, the same in every test of this run of the file.
NS_FILE=$BATS_FILE_TMPDIR/namespace
[[ -f $NS_FILE ]] && NS=$(cat "$NS_FILE")

setup_file() {
    [[ $EUID -eq 0 ]] || return 0
    NS=wpcomp$$
    echo "$NS" >"$NS_FILE"
    if ! make_namespace; then
        remove_namespace
        return 1
    fi
}

teardown_file() {
    remove_namespace
}

setup() {
    [[ $EUID -eq 0 ]] || lab_skip "network namespaces need root"
    [[ -n ${NS:-} && -e /run/netns/$NS ]] || fail "the namespace of this file was not created"
}

make_namespace() {
    ip netns add "$NS" &&
        ip -n "$NS" link set lo up &&
        ip -n "$NS" link add wpcomp0 type veth peer name wpcomp1 &&
        ip -n "$NS" link set wpcomp0 addrgenmode none &&
        ip -n "$NS" link set wpcomp1 addrgenmode none &&
        ip -n "$NS" link set wpcomp0 up &&
        ip -n "$NS" link set wpcomp1 up &&
        ip -n "$NS" addr add 198.18.40.1/24 dev wpcomp0 &&
        ip -n "$NS" addr add 2001:db8:40::1/64 dev wpcomp0 nodad &&
        ip -n "$NS" addr add fe80::40/64 dev wpcomp1 nodad &&
        mkdir -p "/etc/netns/$NS" &&
        printf '%s\n' '127.0.0.1 localhost' '198.18.40.2 wping-peer' \
            '198.18.40.3 wping-peer2' >"/etc/netns/$NS/hosts" &&
        printf 'hosts: files\n' >"/etc/netns/$NS/nsswitch.conf"
}

remove_namespace() {
    [[ -n ${NS:-} ]] || return 0
    ip netns del "$NS" 2>/dev/null || true
    rm -rf -- "/etc/netns/$NS"
}

# Candidates of SHELL (bash, zsh or fish) for LINE, run in the namespace, sorted.
candidates_in_namespace() {
    local shell=$1 line=$2
    case $shell in
    bash)
        local -a words
        read -r -a words <<<"$line"
        [[ $line == *' ' ]] && words+=('')
        ip netns exec "$NS" env -u HOSTFILE bash --norc --noprofile \
            "$INSTALL_TESTS/complete.bash" "$COMPLETIONS/wping.bash" "${words[@]}" | sort
        ;;
    zsh)
        ip netns exec "$NS" timeout 30 zsh -f "$INSTALL_TESTS/complete.zsh" "$COMPLETIONS" \
            "$line" | sort
        ;;
    fish)
        # shellcheck disable=SC2016 # fish expands $argv
        ip netns exec "$NS" timeout 30 fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
            "$COMPLETIONS/wping.fish" "$line" | cut -f1 | sort
        ;;
    esac
}

# Asserts that SHELL offers exactly the lines on stdin for LINE.
assert_candidates() {
    local expected
    expected=$(sort)
    [[ $1 == bash ]] || require_shell "$1"
    run --separate-stderr candidates_in_namespace "$1" "$2"
    assert_success
    assert_equal "$stderr" ""
    assert_equal "$output" "$expected"
}

interfaces_case() {
    assert_candidates "$1" 'wping -c ' <<<$'lo\nwpcomp0\nwpcomp1'
    assert_candidates "$1" 'wping -n 2 --compartment wp' <<<$'wpcomp0\nwpcomp1'
}

addresses_case() {
    assert_candidates "$1" 'wping -S ' \
        <<<$'127.0.0.1\n198.18.40.1\n::1\n2001:db8:40::1\nfe80::40%wpcomp1'
    assert_candidates "$1" 'wping -6 -S ' <<<$'::1\n2001:db8:40::1\nfe80::40%wpcomp1'
    assert_candidates "$1" 'wping -4 --source ' <<<$'127.0.0.1\n198.18.40.1'
    assert_candidates "$1" 'wping -S fe' <<<'fe80::40%wpcomp1'
}

hosts_case() {
    assert_candidates "$1" 'wping wping-' <<<$'wping-peer\nwping-peer2'
    assert_candidates "$1" 'wping -n 1 wping-peer2' <<<'wping-peer2'
    assert_candidates "$1" 'wping -j wping-peer wping-peer2' <<<'wping-peer2'
}

@test "bash: -c offers exactly the namespace's interfaces" { interfaces_case bash; }
@test "zsh: -c offers exactly the namespace's interfaces" { interfaces_case zsh; }
@test "fish: -c offers exactly the namespace's interfaces" { interfaces_case fish; }

@test "bash: -S offers exactly the namespace's addresses, link-local ones with their interface" {
    addresses_case bash
}
@test "zsh: -S offers exactly the namespace's addresses, link-local ones with their interface" {
    addresses_case zsh
}
@test "fish: -S offers exactly the namespace's addresses, link-local ones with their interface" {
    addresses_case fish
}

@test "bash: the target comes from the namespace's hosts file" { hosts_case bash; }
@test "zsh: the target comes from the namespace's hosts file" { hosts_case zsh; }
@test "fish: the target comes from the namespace's hosts file" { hosts_case fish; }
