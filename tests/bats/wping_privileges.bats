#!/usr/bin/env bats
# Privileges (docs/design.md, Privileges): an unprivileged datagram socket when ping_group_range allows it,
# else a raw socket through CAP_NET_RAW (file capability, root, or set-user-ID root), else a
# message naming the fixes. Whatever wping started with, nothing is left once it runs.
# The unprivileged user is nobody (65534); copies of the binary with capabilities or the
# set-user-ID bit live in a private directory and are removed by teardown.

load wping_common

setup_file() { wping_setup_file; }
setup() {
    wping_setup
    COPY_DIR=
    BG_PID=
}
teardown() {
    if [[ -n $BG_PID ]]; then
        kill -KILL "$BG_PID" 2>/dev/null || true
        wait "$BG_PID" 2>/dev/null || true
    fi
    [[ -z $COPY_DIR ]] || rm -rf "$COPY_DIR"
    wping_teardown
}

# Runs CMD in the client namespace as nobody, without any capability; every step execs the
# next, so a background job's PID is wping's. LeakSanitizer cannot trace a process that
# changed its IDs, so sanitizer builds skip only the leak check here.
as_nobody() {
    env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        ip netns exec "$LAB_C" setpriv --reuid=65534 --regid=65534 --clear-groups \
        --inh-caps=-all "$@"
}

# Copies the binary under test to $COPY (a directory everyone may enter).
make_copy() {
    COPY_DIR=$(mktemp -d /tmp/wping-priv.XXXXXX)
    chmod 755 "$COPY_DIR"
    COPY="$COPY_DIR/wping"
    cp "$WPING" "$COPY"
    chmod 755 "$COPY"
}

# Starts wping in the client (as nobody when the first argument is --nobody) in the
# background, waits for its first reply, and sets STATUS_LINES to the Uid, Gid and Cap* lines
# of its /proc status while it runs; then ends it with Ctrl-C.
privileges_while_running() {
    local out="$BATS_TEST_TMPDIR/out" i
    if [[ $1 == --nobody ]]; then
        shift
        env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
            ip netns exec "$LAB_C" setpriv --reuid=65534 --regid=65534 --clear-groups \
            --inh-caps=-all "$@" >"$out" 2>&1 &
    else
        ip netns exec "$LAB_C" "$@" >"$out" 2>&1 &
    fi
    BG_PID=$!
    for ((i = 0; i < 250; i++)); do
        grep -q '^Reply from' "$out" && break
        sleep 0.02
    done
    grep -q '^Reply from' "$out" || fail "no reply within 5 s: $(cat "$out")"
    STATUS_LINES=$(grep -E '^(Uid|Gid|CapInh|CapPrm|CapEff|CapAmb):' "/proc/$BG_PID/status")
    kill -INT "$BG_PID"
    wait "$BG_PID" || true
    BG_PID=
}

# Asserts that STATUS_LINES show no capability in any set.
assert_no_capabilities() {
    local set
    for set in CapInh CapPrm CapEff CapAmb; do
        grep -qE "^$set:[[:space:]]+0+\$" <<<"$STATUS_LINES" ||
            fail "capabilities left while running: $STATUS_LINES"
    done
}

@test "nobody with neither datagram nor raw sockets is told the sysctl and the setcap fix" {
    lab_socket_kind raw
    run --separate-stderr as_nobody "$WPING" -n 1 -w 500 "$LAB_S4"
    assert_failure 2
    assert_output ""
    assert_equal "${stderr_lines[0]%% (*}" "wping: no permission to open an ICMP socket"
    assert_regex "$stderr" 'sysctl -w net\.ipv4\.ping_group_range="0 2147483647"'
    assert_regex "$stderr" "setcap cap_net_raw\+p $WPING"
}

@test "nobody pings through a datagram socket when ping_group_range allows it" {
    lab_socket_kind dgram
    run --separate-stderr as_nobody "$WPING" -n 1 -w 500 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 1 --regexp '^Reply from 198\.18\.1\.2: bytes=32 time(<1|=[0-9]+)ms TTL=63$'
}

@test "with cap_net_raw+p nobody gets a raw socket and keeps no capability while running" {
    command -v setcap >/dev/null || fail "setcap (libcap2-bin) is needed for this test"
    lab_socket_kind raw
    make_copy
    setcap cap_net_raw+p "$COPY"
    run --separate-stderr as_nobody "$COPY" -n 1 -w 500 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 1 --regexp '^Reply from 198\.18\.1\.2: '
    privileges_while_running --nobody "$COPY" -t -w 500 "$LAB_S4"
    assert_no_capabilities
}

@test "set-user-ID root: a raw socket, then nobody's own IDs for good and no capability" {
    lab_socket_kind raw
    make_copy
    chown root:root "$COPY"
    chmod 4755 "$COPY"
    run --separate-stderr as_nobody "$COPY" -n 1 -w 500 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 1 --regexp '^Reply from 198\.18\.1\.2: '
    privileges_while_running --nobody "$COPY" -t -w 500 "$LAB_S4"
    grep -qE $'^Uid:\t65534\t65534\t65534\t65534$' <<<"$STATUS_LINES" ||
        fail "IDs while running: $STATUS_LINES"
    assert_no_capabilities
}

@test "root keeps no capability once its raw socket is open" {
    lab_socket_kind raw
    privileges_while_running "$WPING" -t -w 500 "$LAB_S4"
    assert_no_capabilities
}
