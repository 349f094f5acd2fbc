#!/usr/bin/env bats
# The network lab itself (tests/lab/lab.bash): it builds the three namespaces, packets get
# through the router, each condition changes what the client sees, and lab_destroy leaves
# nothing behind. Reachability is checked without any ICMP tool, from bash: a UDP datagram
# to port 9 (discard) of S comes back as "port unreachable", which the connected UDP socket
# reports as "Connection refused", so the path works both ways. The router's hard ICMP
# errors show the same way ("Protocol not available", "Permission denied", ...); soft ones
# (net and host unreachable) reach UDP sockets only with IP_RECVERR, so those are checked with
# a TCP connect, which Linux ends with the error only after retransmitting the SYN (1 s).

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
# shellcheck source=../lab/lab.bash
source "${WPING_LAB:?WPING_LAB must point to tests/lab/lab.bash}"

setup_file() { lab_require; }
setup() { lab_create; }
teardown() { lab_destroy; }

# Sends a UDP datagram from the client to port 9 of ADDR and reads, for at most SECONDS
# (default 1): run sets $status (142 when nothing came back) and $stderr (the error).
udp_from_client() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    run --separate-stderr lab_client timeout 5 bash -c \
        'exec 3<>"/dev/udp/$1/9" && echo >&3 && read -r -t "$2" -u 3' _ "$1" "${2:-1}"
}

# Connects from the client to TCP port 9 of ADDR, bounded to 3 s: run sets $status and
# $stderr (timeout's 124 when nothing came back).
tcp_from_client() {
    run --separate-stderr lab_client timeout 3 bash -c "exec 3<>/dev/tcp/$1/9"
}

# Names of namespaces that still exist for lab ID.
namespaces_of() {
    # `ip netns list` complains on stderr ("Peer netns reference is invalid") about a namespace
    # that another test deletes while it reads them: not ours, and not a name.
    ip netns list 2>/dev/null | awk '{print $1}' | grep -F -- "$1-" || true
}

@test "lab_create makes client, router and server namespaces with unique names" {
    assert_equal "$LAB_C" "$LAB_ID-c"
    assert_equal "$LAB_R" "$LAB_ID-r"
    assert_equal "$LAB_S" "$LAB_ID-s"
    assert_regex "$LAB_ID" "^wp[0-9]+-$BATS_TEST_NUMBER-[0-9]+$"
    run namespaces_of "$LAB_ID"
    assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "$LAB_C" "$LAB_R" "$LAB_S" | sort)"
}

@test "lab_create gives each namespace its addresses on the documented links" {
    run ip -n "$LAB_C" -br addr show dev c0
    assert_output --regexp "c0@.* UP +198\.18\.0\.2/24 2001:db8::2/64"
    run ip -n "$LAB_R" -br addr show dev r0
    assert_output --regexp "r0@.* UP +198\.18\.0\.1/24 2001:db8::1/64"
    run ip -n "$LAB_R" -br addr show dev r1
    assert_output --regexp "r1@.* UP +198\.18\.1\.1/24 2001:db8:1::1/64"
    run ip -n "$LAB_S" -br addr show dev s0
    assert_output --regexp "s0@.* UP +198\.18\.1\.2/24 2001:db8:1::2/64"
    assert_equal "$LAB_C4 $LAB_R4 $LAB_R4_S $LAB_S4" "198.18.0.2 198.18.0.1 198.18.1.1 198.18.1.2"
    assert_equal "$LAB_C6 $LAB_R6 $LAB_R6_S $LAB_S6" \
        "2001:db8::2 2001:db8::1 2001:db8:1::1 2001:db8:1::2"
}

@test "the router forwards both families and the client routes through it" {
    run ip netns exec "$LAB_R" sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding
    assert_output $'1\n1'
    run ip -n "$LAB_C" route get "$LAB_S4"
    assert_output --partial "via 198.18.0.1 dev c0"
    run ip -n "$LAB_C" -6 route get "$LAB_S6"
    assert_output --partial "via 2001:db8::1 dev c0"
}

@test "the client reaches the server through the router over IPv4" {
    udp_from_client "$LAB_S4"
    assert_failure 1
    assert_stderr_has "Connection refused"
}

@test "the client reaches the server through the router over IPv6 at once, no warm-up" {
    local start end
    start=$(date +%s%N)
    udp_from_client "$LAB_S6"
    end=$(date +%s%N)
    assert_failure 1
    assert_stderr_has "Connection refused"
    # Neighbour discovery on a fresh link must not need a retransmission (1 s).
    (((end - start) / 1000000 < 500))
}

@test "the lab is closed: R has no route out, and answers net unreachable (lab_no_route)" {
    run ip -n "$LAB_R" route show default
    assert_output ""
    run ip -n "$LAB_R" -6 route show default
    assert_output ""
    lab_no_route
    tcp_from_client "$LAB_NOROUTE4"
    assert_failure 1
    assert_stderr_has "Network is unreachable"
    tcp_from_client "$LAB_NOROUTE6"
    assert_failure 1
    assert_stderr_has "Network is unreachable"
}

@test "lab_reject: the router refuses with the ICMP error asked for, per family" {
    lab_reject 4 "$LAB_S4" prot-unreachable
    lab_reject 6 "$LAB_S6" admin-prohibited
    udp_from_client "$LAB_S4"
    assert_stderr_has "Protocol not available"
    udp_from_client "$LAB_S6"
    assert_stderr_has "Permission denied"
}

@test "the router's ICMP errors are not rate limited: 100 rejected datagrams, 100 errors" {
    lab_reject 4 198.18.1.3 prot-unreachable
    # shellcheck disable=SC2016 # expanded by the inner bash
    run lab_client timeout 20 bash -c 'for i in {1..100}; do
            (exec 3<>/dev/udp/198.18.1.3/9 && echo >&3 && read -r -t 1 -u 3) 2>&1
        done'
    assert_equal "$(grep -c 'Protocol not available' <<<"$output")" 100
}

@test "lab_reject puts each call in a table of its own, none named fwd" {
    lab_reject 4 "$LAB_S4" host-unreachable
    lab_reject 4 198.18.1.3 port-unreachable
    run ip netns exec "$LAB_R" nft list tables
    assert_output $'table inet lab1\ntable inet lab2'
    run ip netns exec "$LAB_R" nft list ruleset
    refute_output --regexp 'chain fwd '
}

@test "lab_route_type: unreachable, prohibit and blackhole routes in the router" {
    lab_route_type 4 198.18.4.0/24 unreachable
    lab_route_type 4 198.18.5.0/24 prohibit
    lab_route_type 4 198.18.6.0/24 blackhole
    lab_route_type 6 2001:db8:4::/64 unreachable
    lab_route_type 6 2001:db8:5::/64 prohibit
    tcp_from_client 198.18.4.1
    assert_stderr_has "No route to host"
    tcp_from_client 2001:db8:4::1
    assert_stderr_has "Network is unreachable"
    # Administratively prohibited is a hard error: UDP sees it at once.
    udp_from_client 198.18.5.1
    assert_stderr_has "No route to host"
    udp_from_client 2001:db8:5::1
    assert_stderr_has "Permission denied"
    # Nothing comes back: the read times out.
    udp_from_client 198.18.6.1 0.3
    assert_failure 142
}

@test "lab_route_type refuses an unknown route type" {
    run --separate-stderr lab_route_type 4 198.18.4.0/24 throw
    assert_failure
    assert_equal "$stderr" "lab_route_type: unreachable, prohibit or blackhole, not 'throw'"
}

@test "lab_mtu sets the MTU of the router's server-side link, both ends" {
    lab_mtu 1280
    run ip -n "$LAB_R" -o link show dev r1
    assert_output --partial "mtu 1280"
    run ip -n "$LAB_S" -o link show dev s0
    assert_output --partial "mtu 1280"
    run ip -n "$LAB_R" -o link show dev r0
    assert_output --partial "mtu 1500"
}

@test "lab_loss adds a numgen rule that drops every N-th echo request to the destination" {
    lab_loss 4 "$LAB_S4" 3
    run ip netns exec "$LAB_R" nft list ruleset
    assert_output --regexp 'ip daddr 198\.18\.1\.2 icmp type echo-request numgen inc mod 3 2 drop'
    # UDP is not an echo request: it passes, every time.
    udp_from_client "$LAB_S4"
    assert_stderr_has "Connection refused"
    udp_from_client "$LAB_S4"
    assert_stderr_has "Connection refused"
    udp_from_client "$LAB_S4"
    assert_stderr_has "Connection refused"
}

@test "lab_drop_output drops the client's own echo requests, and nothing else" {
    lab_drop_output 4
    run ip netns exec "$LAB_C" nft list ruleset
    assert_output --regexp 'hook output priority filter; policy accept;'
    assert_output --regexp 'icmp type echo-request drop'
    udp_from_client "$LAB_S4"
    assert_stderr_has "Connection refused"
}

@test "lab_socket_kind sets the client's ping_group_range, and only the client's" {
    run ip netns exec "$LAB_C" sysctl -n net.ipv4.ping_group_range
    assert_output $'1\t0'
    lab_socket_kind dgram
    run ip netns exec "$LAB_C" sysctl -n net.ipv4.ping_group_range
    assert_output $'0\t2147483647'
    run ip netns exec "$LAB_R" sysctl -n net.ipv4.ping_group_range
    assert_output $'1\t0'
    lab_socket_kind raw
    run ip netns exec "$LAB_C" sysctl -n net.ipv4.ping_group_range
    assert_output $'1\t0'
    run --separate-stderr lab_socket_kind udp
    assert_failure
    assert_equal "$stderr" "lab_socket_kind: dgram or raw, not 'udp'"
}

@test "lab_hosts resolves names in the client from its own file, never from DNS" {
    lab_hosts "server.lab $LAB_S4" "server6.lab $LAB_S6"
    run lab_client getent hosts server.lab
    assert_success
    assert_output "198.18.1.2      server.lab"
    run lab_client getent hosts server6.lab
    assert_output "2001:db8:1::2   server6.lab"
    run lab_client cat /etc/nsswitch.conf
    assert_output "hosts: files"
    run lab_client cat /etc/resolv.conf
    assert_output ""
    # An unknown name fails at once instead of asking a name server.
    run lab_client timeout 2 getent hosts unknown.example
    assert_failure 2
}

@test "lab_warm6 returns quickly once the IPv6 path is resolved" {
    local start end
    start=$(date +%s%N)
    lab_warm6
    end=$(date +%s%N)
    (((end - start) / 1000000 < 1500))
    run ip -n "$LAB_R" -6 neigh show "$LAB_S6"
    assert_output --regexp 'REACHABLE|STALE|DELAY'
}

@test "lab_fakehost routes the fake prefixes to a ready fake host in the router" {
    [[ -x ${FAKEHOST:-} ]] || lab_skip "FAKEHOST (the fakehost binary) is not built"
    printf '* reply\n' >"$BATS_TEST_TMPDIR/script"
    lab_fakehost "$BATS_TEST_TMPDIR/script"
    assert_equal "$LAB_FAKE4 $LAB_FAKE6" "198.18.2.2 2001:db8:2::2"
    run ip -n "$LAB_R" route get "$LAB_FAKE4"
    assert_output --partial "dev fh0"
    run ip -n "$LAB_R" -6 route get "$LAB_FAKE6"
    assert_output --partial "dev fh0"
    # A UDP datagram reaches the fake host, which logs it as not ICMP and stays silent.
    udp_from_client "$LAB_FAKE4" 0.3
    assert_failure 142
    run grep -c 'ignored family=4 .*reason=not-icmp' "$LAB_FAKEHOST_LOG"
    assert_success
    assert_equal "$(lab_fakehost_requests)" 0
}

@test "lab_destroy stops the fake host and leaves no namespace, file or process behind" {
    local id=$LAB_ID c=$LAB_C pid tmp
    [[ -x ${FAKEHOST:-} ]] || lab_skip "FAKEHOST (the fakehost binary) is not built"
    lab_hosts "server.lab $LAB_S4"
    printf '* reply\n' >"$BATS_TEST_TMPDIR/script"
    lab_fakehost "$BATS_TEST_TMPDIR/script"
    pid=$LAB_FAKEHOST_PID
    tmp=$LAB_TMP
    [[ -d /etc/netns/$c && -d $tmp ]]
    kill -0 "$pid"
    lab_destroy
    run namespaces_of "$id"
    assert_output ""
    [[ ! -e /etc/netns/$c ]]
    [[ ! -e $tmp ]]
    run kill -0 "$pid"
    assert_failure
}

@test "lab_destroy is idempotent and safe after a half-built lab" {
    lab_destroy
    lab_destroy
    # A lab whose namespaces were never made (lab_create failed early).
    LAB_C=$LAB_PREFIX$$-never-c LAB_R='' LAB_S=''
    run lab_destroy
    assert_success
}

@test "two labs at once get different names and do not disturb each other" {
    local first_id=$LAB_ID first_c=$LAB_C first_r=$LAB_R first_s=$LAB_S
    lab_create
    assert_not_equal "$LAB_ID" "$first_id"
    udp_from_client "$LAB_S4"
    assert_stderr_has "Connection refused"
    lab_destroy
    run namespaces_of "$first_id"
    assert_equal "$(wc -l <<<"$output")" 3
    LAB_ID=$first_id LAB_C=$first_c LAB_R=$first_r LAB_S=$first_s
    udp_from_client "$LAB_S4"
    assert_stderr_has "Connection refused"
}

# Runs lab_require as user nobody (env ARGS... first), from a copy of the lab library that
# user can read wherever the checkout is.
lab_require_as_nobody() {
    local copy
    copy=$(lab_readable_copy "$WPING_LAB")
    run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
        env "$@" WPING_LAB="$copy/lab.bash" bash -c \
        'source "$WPING_LAB"; skip() { echo "skip: $*"; }; lab_require'
    rm -rf -- "$copy"
}

@test "lab_require skips without root, with the reason" {
    command -v setpriv >/dev/null || lab_skip "setpriv (util-linux) is not installed"
    lab_require_as_nobody -u WPING_REQUIRE_LAB
    assert_success
    assert_output "skip: network lab needs root"
}

@test "lab_require fails instead of skipping when WPING_REQUIRE_LAB=1" {
    command -v setpriv >/dev/null || lab_skip "setpriv (util-linux) is not installed"
    lab_require_as_nobody WPING_REQUIRE_LAB=1
    assert_failure
    assert_output ""
    assert_equal "$stderr" \
        "lab required (WPING_REQUIRE_LAB=1) but unavailable: network lab needs root"
}

@test "lab_require passes as root with namespaces and nftables, leaving no probe namespace" {
    run --separate-stderr lab_require
    assert_success
    assert_equal "$stderr" ""
    run namespaces_of "$LAB_PREFIX$$-probe"
    assert_output ""
}

# Asserts that the last run's stderr contains TEXT.
assert_stderr_has() {
    if [[ $stderr != *"$1"* ]]; then
        fail "stderr does not contain '$1': $stderr"
    fi
}
