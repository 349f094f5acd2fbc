#!/usr/bin/env bats
# Self-test of the lab's scripted fake host (tests/fakehost). Each test makes a network namespace
# of its own, runs fakehost there with a small script, sends echo requests from a raw socket
# (tests/fakehost/rawping.py, so the wping engine is not needed) and checks the answers, the
# log and fakehost's exit. Addresses: 198.18.0.0/15 and 2001:db8::/32 only, inside our namespaces.

bats_require_minimum_version 1.7.0
# Found through BATS_LIB_PATH (default /usr/lib/bats, where Debian installs them).
bats_load_library bats-support
bats_load_library bats-assert

RAWPING="$BATS_TEST_DIRNAME/../fakehost/rawping.py"

setup() {
    [ -n "${FAKEHOST:-}" ] && [ -x "$FAKEHOST" ] ||
        fail "FAKEHOST must name the fakehost binary (ctest passes it)"
    NS="wping-fh-$$-$BATS_TEST_NUMBER"
    RNS="$NS-r"
    FH_PID=""
    MADE_NS=()
}

teardown() {
    if [ -n "$FH_PID" ]; then
        kill "$FH_PID" 2>/dev/null || true
        wait "$FH_PID" 2>/dev/null || true
    fi
    local ns
    for ns in "${MADE_NS[@]}"; do
        ip netns del "$ns" 2>/dev/null || true
    done
    if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -e "$BATS_TEST_TMPDIR/fakehost.log" ]; then
        echo "# fakehost log:"
        sed 's/^/#   /' "$BATS_TEST_TMPDIR/fakehost.log"
        echo "# fakehost stderr:"
        sed 's/^/#   /' "$BATS_TEST_TMPDIR/fakehost.err"
    fi
}

# Skips (or fails under WPING_REQUIRE_LAB=1) unless we can make namespaces and TUN devices.
require_lab() {
    local why=""
    if [ "$(id -u)" -ne 0 ]; then
        why="needs root for network namespaces and TUN devices"
    elif [ ! -c /dev/net/tun ]; then
        why="/dev/net/tun is missing"
    elif ! command -v python3 >/dev/null; then
        why="python3 (for the raw-socket probe) is missing"
    elif ! ip netns add "$NS" 2>/dev/null; then
        why="cannot create network namespaces"
    fi
    if [ -n "$why" ]; then
        [ "${WPING_REQUIRE_LAB:-0}" != 1 ] || fail "lab required (WPING_REQUIRE_LAB=1) but $why"
        skip "$why"
    fi
    MADE_NS+=("$NS")
    ip -n "$NS" link set lo up
}

# Runs fakehost in namespace $1 with the script read from stdin; returns once its TUN exists.
start_fakehost_in() {
    local ns=$1 i
    cat >"$BATS_TEST_TMPDIR/script"
    ip netns exec "$ns" "$FAKEHOST" --tun fh0 --script "$BATS_TEST_TMPDIR/script" \
        --log "$BATS_TEST_TMPDIR/fakehost.log" --ready-file "$BATS_TEST_TMPDIR/ready" \
        --timing "$BATS_TEST_TMPDIR/fakehost.timing" --max-seconds 60 >"$BATS_TEST_TMPDIR/fakehost.out" 2>"$BATS_TEST_TMPDIR/fakehost.err" &
    FH_PID=$!
    for ((i = 0; i < 100; i++)); do
        [ -e "$BATS_TEST_TMPDIR/ready" ] && return 0
        kill -0 "$FH_PID" 2>/dev/null || break
        sleep 0.05
    done
    cat "$BATS_TEST_TMPDIR/fakehost.err"
    fail "fakehost did not become ready"
}

# The simplest lab: the probe and the TUN in one namespace, fh0 owning 198.18.2.1 and
# 2001:db8:2::1; every other address of 198.18.2.0/24 and 2001:db8:2::/64 is the fake host.
start_fakehost() {
    require_lab
    start_fakehost_in "$NS"
    ip -n "$NS" link set fh0 up
    ip -n "$NS" addr add 198.18.2.1/24 dev fh0
    ip -n "$NS" -6 addr add 2001:db8:2::1/64 dev fh0 nodad
}

rawping() {
    ip netns exec "$NS" python3 "$RAWPING" --wait 300 "$@"
}

# Stops fakehost and checks it ended well.
stop_fakehost() {
    kill -TERM "$FH_PID"
    local status=0
    wait "$FH_PID" || status=$?
    FH_PID=""
    [ "$status" -eq 0 ] || fail "fakehost exited with $status: $(cat "$BATS_TEST_TMPDIR/fakehost.err")"
}

# Field NAME=VALUE of the first output line matching a regular expression.
field() {
    local pattern=$1 name=$2
    grep -E -m1 -- "$pattern" <<<"$output" | tr ' ' '\n' | sed -n "s/^$name=//p"
}

@test "a bad script line stops fakehost at start-up with its line number and status 2" {
    printf '# fine\nseq=1 delay=5\n* frobnicate\n' >"$BATS_TEST_TMPDIR/bad"
    run --separate-stderr "$FAKEHOST" --tun fh-unused --script "$BATS_TEST_TMPDIR/bad"
    assert_equal "$status" 2
    assert_equal "$output" ""
    assert_equal "$stderr" "fakehost: $BATS_TEST_TMPDIR/bad:3: unknown action 'frobnicate'"
}

@test "a contradictory script line is refused with its reason" {
    printf 'seq=1 silent count=2\n' >"$BATS_TEST_TMPDIR/bad"
    run --separate-stderr "$FAKEHOST" --check --script "$BATS_TEST_TMPDIR/bad"
    assert_equal "$status" 2
    assert_equal "$output" ""
    assert_equal "$stderr" \
        "fakehost: $BATS_TEST_TMPDIR/bad:1: 'silent' cannot be combined with other actions"
}

@test "--check accepts a valid script without creating a device" {
    printf 'seq=1 delay=20.5 count=2\nnth=0%%3 silent\n* family=6 error=1/4 quote=truncated\n' \
        >"$BATS_TEST_TMPDIR/good"
    run --separate-stderr "$FAKEHOST" --check --script "$BATS_TEST_TMPDIR/good"
    assert_equal "$status" 0
    assert_equal "$output" ""
    assert_equal "$stderr" ""
}

@test "fakehost without --tun is a usage error" {
    printf '* reply\n' >"$BATS_TEST_TMPDIR/good"
    run --separate-stderr "$FAKEHOST" --script "$BATS_TEST_TMPDIR/good"
    assert_equal "$status" 2
    assert_equal "$output" ""
    assert_equal "${stderr_lines[0]}" "fakehost: --script and --tun are required"
    assert_equal "${stderr_lines[1]}" \
        "usage: fakehost --tun NAME --script FILE [--log FILE] [--ready-file FILE]"
}

@test "an IPv4 echo request gets a normal reply and a log line" {
    start_fakehost </dev/null
    run --separate-stderr rawping 198.18.2.5 --id 4660 --seq 3 --size 40
    assert_equal "$status" 0
    assert_equal "$stderr" ""
    assert_line --index 0 --regexp \
        '^reply from=198\.18\.2\.5 id=4660 seq=3 bytes=40 ttl=64 tos=0 rtt_ms=[0-9.]+ sum=ok data=ok$'
    assert_line --index 1 "sent=1 replies=1 errors=0"
    stop_fakehost
    run grep '^seq=' "$BATS_TEST_TMPDIR/fakehost.log"
    assert_output "seq=3 nth=1 family=4 id=4660 bytes=40 src=198.18.2.1 dst=198.18.2.5 rule=0 action=reply"
}

@test "an IPv6 echo request gets a normal reply with a valid checksum" {
    start_fakehost </dev/null
    run --separate-stderr rawping -6 2001:db8:2::77 --id 17 --seq 65535 --size 100
    assert_equal "$status" 0
    assert_equal "$stderr" ""
    assert_line --index 0 --regexp \
        '^reply from=2001:db8:2::77 id=17 seq=65535 bytes=100 ttl=64 tos=0 rtt_ms=[0-9.]+ sum=ok data=ok$'
    assert_line --index 1 "sent=1 replies=1 errors=0"
    stop_fakehost
    run grep '^seq=' "$BATS_TEST_TMPDIR/fakehost.log"
    assert_output --regexp '^seq=65535 nth=1 family=6 id=17 bytes=100 src=2001:db8:2::1 dst=2001:db8:2::77 rule=0 action=reply$'
}

@test "delay=20 holds the reply back 20 ms, within a tolerance" {
    start_fakehost <<<'seq=2 delay=20'
    # Warm up, then one plain and one delayed request, both families.
    run --separate-stderr rawping 198.18.2.5 --seq 1 --count 2 --interval 100
    assert_equal "$status" 0
    assert_line --index 2 "sent=2 replies=2 errors=0"
    local plain delayed
    plain=$(field ' seq=1 ' rtt_ms)
    delayed=$(field ' seq=2 ' rtt_ms)
    echo "plain=$plain delayed=$delayed"
    # Never early. Late only by what load adds (a timer that fires late, a path that is
    # slower, 9 ms for a plain reply under two busy loops): the bound is 100 ms past the
    # delay, which still catches a delay in the wrong unit (200 ms, 20 s), and holds on a
    # machine twice as slow or twice as loaded. The fake host's log says it asked for 20 ms.
    awk -v p="$plain" -v d="$delayed" 'BEGIN { exit !(p < 20.0 && d >= 20.0 && d < p + 120.0) }'
    run --separate-stderr rawping -6 2001:db8:2::5 --seq 2
    assert_equal "$status" 0
    delayed=$(field ' seq=2 ' rtt_ms)
    echo "IPv6 delayed=$delayed"
    awk -v d="$delayed" 'BEGIN { exit !(d >= 20.0 && d < 140.0) }'
    stop_fakehost
    run grep -c 'rule=1 action=reply delay_ms=20.000$' "$BATS_TEST_TMPDIR/fakehost.log"
    assert_output 2
}

@test "a delay counts from the kernel's arrival of the request; --timing gives fakehost's own error" {
    start_fakehost <<<'* delay=5'
    # The first request may come before the kernel stamps packets (it turns stamping on
    # lazily): that one is timed from the read, which the timing line says.
    run --separate-stderr rawping 198.18.2.5 --seq 1
    assert_equal "$status" 0
    run --separate-stderr rawping 198.18.2.5 --seq 2 --count 2 --interval 50
    assert_equal "$status" 0
    run --separate-stderr rawping -6 2001:db8:2::5 --seq 7
    assert_equal "$status" 0
    stop_fakehost
    cat "$BATS_TEST_TMPDIR/fakehost.timing"
    # One line per delayed answer: its read came at or after the arrival, its write at or
    # after the due time; after the first, each is timed from the packet socket's stamp.
    run grep -cE '^seq=[0-9]+ arrival=(kernel|read) read_after_ns=[0-9]+ late_ns=[0-9]+ write_ns=[0-9]+$' \
        "$BATS_TEST_TMPDIR/fakehost.timing"
    assert_output 4
    run grep -cE '^seq=(2|3|7) arrival=kernel ' "$BATS_TEST_TMPDIR/fakehost.timing"
    assert_output 3
}

@test "count=3 answers one request with three identical replies" {
    start_fakehost <<<'* count=3'
    run --separate-stderr rawping 198.18.2.5 --seq 9
    assert_equal "$status" 0
    assert_equal "$(grep -c '^reply from=198.18.2.5 id=20823 seq=9 bytes=32 .* sum=ok data=ok$' <<<"$output")" 3
    assert_line --index 3 "sent=1 replies=3 errors=0"
    stop_fakehost
    run grep -c 'action=reply copies=3$' "$BATS_TEST_TMPDIR/fakehost.log"
    assert_output 1
}

@test "corrupt=5 flips payload byte 5 and keeps the checksum valid" {
    start_fakehost <<<'* corrupt=5'
    run --separate-stderr rawping 198.18.2.5
    assert_equal "$status" 0
    assert_line --index 0 --regexp '^reply .* bytes=32 .* sum=ok data=bad diff=5$'
    assert_line --index 1 "sent=1 replies=1 errors=0"
}

@test "truncate=4 cuts the reply payload to 4 bytes with a valid checksum" {
    start_fakehost <<<'* truncate=4'
    run --separate-stderr rawping -6 2001:db8:2::5
    assert_equal "$status" 0
    assert_line --index 0 --regexp '^reply .* bytes=4 .* sum=ok data=bad diff=4$'
}

@test "oversize=50 pads the reply with the payload pattern" {
    start_fakehost <<<'* oversize=50'
    run --separate-stderr rawping 198.18.2.5 --size 23
    assert_equal "$status" 0
    assert_line --index 0 --regexp '^reply .* bytes=50 .* sum=ok data=bad diff=23$'
}

@test "badsum sends an IPv4 reply whose ICMP checksum is wrong" {
    start_fakehost <<<'* badsum'
    run --separate-stderr rawping 198.18.2.5
    assert_equal "$status" 0
    assert_line --index 0 --regexp '^reply from=198\.18\.2\.5 .* sum=bad data=ok$'
}

@test "silent drops the request: no reply, and the log says so" {
    start_fakehost <<<'seq=2 silent'
    run --separate-stderr rawping 198.18.2.5 --count 3 --interval 20
    assert_equal "$status" 0
    assert_line --index 0 --partial ' seq=1 '
    assert_line --index 1 --partial ' seq=3 '
    assert_line --index 2 "sent=3 replies=2 errors=0"
    stop_fakehost
    run grep -c '^seq=2 .* rule=1 action=silent$' "$BATS_TEST_TMPDIR/fakehost.log"
    assert_output 1
}

@test "nth=0%2 silent loses every second request of both families" {
    start_fakehost <<<'nth=0%2 silent'
    run --separate-stderr rawping 198.18.2.5 --count 3 --interval 20
    assert_line --index 2 "sent=3 replies=2 errors=0"
    refute_line --partial ' seq=2 '
    # The count goes on across families: requests 4, 5, 6 are IPv6 seq 1, 2, 3.
    run --separate-stderr rawping -6 2001:db8:2::5 --count 3 --interval 20
    assert_line --index 0 --partial ' seq=2 '
    assert_line --index 1 "sent=3 replies=1 errors=0"
}

@test "id=+1 and seq=+100 change the reply's identifier and sequence" {
    start_fakehost <<<'* id=+1 seq=+100'
    run --separate-stderr rawping 198.18.2.5 --id 65535 --seq 7
    assert_line --index 0 --regexp '^reply from=198\.18\.2\.5 id=0 seq=107 .* rtt_ms=- sum=ok data=ok$'
}

@test "ttl and tos set the reply's TTL / hop limit and TOS / traffic class" {
    start_fakehost <<<'* ttl=9 tos=184'
    run --separate-stderr rawping 198.18.2.5
    assert_line --index 0 --regexp '^reply .* ttl=9 tos=184 .* sum=ok data=ok$'
    run --separate-stderr rawping -6 2001:db8:2::5
    assert_line --index 0 --regexp '^reply .* ttl=9 tos=184 .* sum=ok data=ok$'
}

@test "error=3/1 answers with host unreachable quoting the request's header and 8 bytes" {
    start_fakehost <<<'* family=4 error=3/1 from=198.18.2.200'
    run --separate-stderr rawping 198.18.2.5 --id 4321 --seq 6
    assert_equal "$status" 0
    assert_line --index 0 "error from=198.18.2.200 type=3 code=1 info=0 ttl=64 sum=ok quoted_len=28 quoted_ver=4 quoted_proto=1 quoted_dst=198.18.2.5 quoted_id=4321 quoted_seq=6"
    assert_line --index 1 "sent=1 replies=0 errors=1"
    stop_fakehost
    run grep -c '^seq=6 .* action=error$' "$BATS_TEST_TMPDIR/fakehost.log"
    assert_output 1
}

@test "an ICMPv6 error quotes the whole small request" {
    start_fakehost <<<'* family=6 error=1/4'
    run --separate-stderr rawping -6 2001:db8:2::5 --id 99 --seq 1 --size 32
    assert_line --index 0 "error from=2001:db8:2::5 type=1 code=4 info=0 ttl=64 sum=ok quoted_len=80 quoted_ver=6 quoted_proto=58 quoted_dst=2001:db8:2::5 quoted_id=99 quoted_seq=1"
}

@test "quote= modes spoil the quoted request as asked" {
    start_fakehost <<'EOF'
seq=1 error=3/3 quote=foreign-id quote=other-dst
seq=2 error=3/3 quote=truncated
seq=3 error=3/3 quote=bad-ip quote=foreign-seq
EOF
    run --separate-stderr rawping 198.18.2.5 --id 4660 --count 3 --interval 20
    assert_line --index 0 --partial 'quoted_len=28 quoted_ver=4 quoted_proto=1 quoted_dst=198.18.2.250 quoted_id=60875 quoted_seq=1'
    assert_line --index 1 --partial 'quoted_len=24 quoted_ver=4 quoted_proto=1 quoted_dst=198.18.2.5 quoted_id=- quoted_seq=-'
    assert_line --index 2 --partial 'quoted_len=28 quoted_ver=15 quoted_proto=17 quoted_dst=198.18.2.5 quoted_id=4660 quoted_seq=65532'
}

@test "mtu=500 answers larger requests with fragmentation needed / packet too big" {
    start_fakehost <<<'* mtu=500'
    run --separate-stderr rawping 198.18.2.5 --size 400 --seq 1
    assert_line --index 0 --regexp '^reply .* seq=1 bytes=400 .* sum=ok data=ok$'
    run --separate-stderr rawping 198.18.2.5 --size 600 --seq 2
    assert_line --index 0 --regexp '^error from=198\.18\.2\.5 type=3 code=4 info=500 .* quoted_seq=2$'
    run --separate-stderr rawping -6 2001:db8:2::5 --size 600 --seq 3
    assert_line --index 0 --regexp '^error from=2001:db8:2::5 type=2 code=0 info=500 .* quoted_len=648 .* quoted_seq=3$'
    stop_fakehost
    run grep -c 'action=too-big$' "$BATS_TEST_TMPDIR/fakehost.log"
    assert_output 2
}

@test "rr echoes record route with the fake host's address in the next slot" {
    start_fakehost <<<'* rr'
    run --separate-stderr rawping 198.18.2.5 --rr 4
    # The sender records itself, fakehost records 198.18.2.5, the receiving kernel itself again.
    assert_line --index 0 --regexp '^reply from=198\.18\.2\.5 .* sum=ok data=ok rr=198\.18\.2\.1,198\.18\.2\.5,198\.18\.2\.1$'
}

@test "fakehost answers through a router namespace in both families" {
    require_lab
    MADE_NS+=("$RNS")
    ip netns add "$RNS"
    ip -n "$RNS" link set lo up
    ip link add c0 netns "$NS" type veth peer name r0 netns "$RNS"
    ip -n "$NS" addr add 198.18.1.2/24 dev c0
    ip -n "$NS" -6 addr add 2001:db8:1::2/64 dev c0 nodad
    ip -n "$RNS" addr add 198.18.1.1/24 dev r0
    ip -n "$RNS" -6 addr add 2001:db8:1::1/64 dev r0 nodad
    ip -n "$NS" link set c0 up
    ip -n "$RNS" link set r0 up
    ip -n "$NS" route add default via 198.18.1.1
    ip -n "$NS" -6 route add default via 2001:db8:1::1
    ip netns exec "$RNS" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    start_fakehost_in "$RNS" <<<'seq=2 family=4 error=3/1 from=198.18.2.9'
    # As tests/fakehost/README.md says: only routes, no address on fh0.
    ip -n "$RNS" link set fh0 up
    ip -n "$RNS" route add 198.18.2.0/24 dev fh0
    ip -n "$RNS" -6 route add 2001:db8:2::/64 dev fh0
    run --separate-stderr rawping 198.18.2.5 --count 2 --interval 20
    assert_line --index 0 --regexp '^reply from=198\.18\.2\.5 id=20823 seq=1 bytes=32 ttl=63 .* sum=ok data=ok$'
    assert_line --index 1 --regexp '^error from=198\.18\.2\.9 type=3 code=1 info=0 ttl=63 .* quoted_seq=2$'
    # The first IPv6 exchange waits for neighbour discovery on the veth link.
    run --separate-stderr rawping -6 2001:db8:2::5 --count 2 --interval 20 --wait 3000 --expect 2
    assert_line --index 0 --regexp '^reply from=2001:db8:2::5 id=20823 seq=1 bytes=32 ttl=63 .* sum=ok data=ok$'
    assert_line --index 1 --regexp '^reply from=2001:db8:2::5 id=20823 seq=2 bytes=32 ttl=63 .* sum=ok data=ok$'
    assert_line --index 2 "sent=2 replies=2 errors=0"
    stop_fakehost
    run grep -c '^seq=.* src=198.18.1.2 dst=198.18.2.5 ' "$BATS_TEST_TMPDIR/fakehost.log"
    assert_output 2
}

@test "SIGTERM ends fakehost with status 0 and its device disappears" {
    start_fakehost </dev/null
    run ip -n "$NS" link show fh0
    assert_equal "$status" 0
    stop_fakehost
    run ip -n "$NS" link show fh0
    assert_equal "$status" 1
    assert_equal "$(cat "$BATS_TEST_TMPDIR/fakehost.err")" ""
}

@test "--max-seconds ends fakehost by itself" {
    require_lab
    printf '* reply\n' >"$BATS_TEST_TMPDIR/script"
    run --separate-stderr timeout 10 ip netns exec "$NS" "$FAKEHOST" --tun fh0 \
        --script "$BATS_TEST_TMPDIR/script" --max-seconds 1
    assert_equal "$status" 0
    assert_equal "$output" "ready"
    assert_equal "$stderr" "fakehost: --max-seconds 1 reached, exiting"
}
