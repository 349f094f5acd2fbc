#!/usr/bin/env bats
# Neighbours (issue 6, item 3): two wping processes in the same client namespace ping at the
# same time, with the same sequence numbers (every run starts at 1), on datagram sockets (the
# kernel tells them apart by identifier) and on raw sockets (each sees every ICMP packet of the
# host and must sort out its own). Neither may take the other's replies or errors: each run's
# lines and statistics are exactly those of its own target.
#
# | pair (started together, 3 requests each, 200 ms apart)     | sockets, families | checked                      |
# | ---------------------------------------------------------- | ----------------- | ---------------------------- |
# | fake host answering 300 ms late / server answering at once | dgram+raw, v4+v6  | 3 replies each, the fake     |
# |                                                            |                   | host's >= 300 ms, the        |
# |                                                            |                   | server's < 300 ms            |
# | silent target (blackhole) / server                         | dgram+raw, v4+v6  | 3 timeouts / 3 replies       |
# | unreachable target (router's errors) / server              | dgram+raw, v4+v6  | 3 errors / 3 replies         |

load wping_common
load hostile_common

setup_file() { hostile_setup_file; }
setup() {
    hostile_setup
    PIDS=()
}
teardown() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    hostile_teardown
}

# Starts wping number N (1 or 2) in the client with ARGS, in the background.
start() {
    local n=$1
    shift
    lab_client timeout -s KILL 20 "$WPING" "$@" >"$BATS_TEST_TMPDIR/out$n" \
        2>"$BATS_TEST_TMPDIR/err$n" 3>&- &
    PIDS+=($!)
}

# Waits for both runs and checks each: number N's stdout must be exactly the lines given for
# TARGET (hostile_assert's rules), with nothing on stderr: finish N TARGET LINE... (call once
# for each run, in start order).
finish() {
    local n=$1 target=$2
    shift 2
    status=0
    wait "${PIDS[n - 1]}" || status=$?
    output=$(<"$BATS_TEST_TMPDIR/out$n")
    stderr=$(<"$BATS_TEST_TMPDIR/err$n")
    mapfile -t lines <"$BATS_TEST_TMPDIR/out$n"
    echo "# run $n (to $target)" >&2
    ((status < 128)) || fail "run $n died with status $status"
    [[ -z $stderr ]] || fail "run $n wrote to stderr: $stderr"
    hostile_assert "$target" 32 "$@"
}

# The server's address, an address R drops silently and one R has no route for, in FAMILY.
server() { if [[ $1 == 4 ]]; then echo "$LAB_S4"; else echo "$LAB_S6"; fi; }
silent() { if [[ $1 == 4 ]]; then echo 198.18.4.1; else echo 2001:db8:4::1; fi; }
noroute() { if [[ $1 == 4 ]]; then echo "$LAB_NOROUTE4"; else echo "$LAB_NOROUTE6"; fi; }
router() { if [[ $1 == 4 ]]; then echo "$LAB_R4"; else echo "$LAB_R6"; fi; }

# Three reply lines from TARGET (SIZE 32).
replies() {
    local line
    line=$(hostile_reply "$1" 32)
    printf '%s\n' "$line" "$line" "$line"
}

@test "a slow and a fast target pinged at once: each run shows only its own replies" {
    local c kind family server i rtt expected
    hostile_fakehost "* delay=300"
    for c in "${HOSTILE_CASES[@]}"; do
        read -r kind family <<<"$c"
        hostile_use "$kind" "$family" "fake host (300 ms) and server at once"
        [[ $family == 4 ]] || lab_warm6
        server=$(server "$family")
        PIDS=()
        start 1 -n 3 -w 1000 --interval=200 "$TARGET"
        start 2 -n 3 -w 1000 --interval=200 "$server"
        mapfile -t expected < <(replies "$TARGET")
        finish 1 "$TARGET" "${expected[@]}"
        for i in 2 3 4; do
            rtt=$(hostile_rtt_ms $i)
            ((rtt >= 300)) || fail "the fake host's reply $((i - 1)) took $rtt ms: not its own"
        done
        mapfile -t expected < <(replies "$server")
        finish 2 "$server" "${expected[@]}"
        for i in 2 3 4; do
            rtt=$(hostile_rtt_ms $i)
            ((rtt < 300)) || fail "the server's reply $((i - 1)) took $rtt ms: the fake host's?"
        done
    done
}

@test "a silent and an answering target pinged at once: timeouts for one, replies for the other" {
    local c kind family server expected
    lab_route_type 4 198.18.4.0/24 blackhole
    lab_route_type 6 2001:db8:4::/64 blackhole
    for c in "${HOSTILE_CASES[@]}"; do
        read -r kind family <<<"$c"
        lab_socket_kind "$kind"
        [[ $family == 4 ]] || lab_warm6
        echo "# case: $kind socket, IPv$family, silent target and server at once" >&2
        server=$(server "$family")
        PIDS=()
        start 1 -n 3 -w 500 --interval=200 "$(silent "$family")"
        start 2 -n 3 -w 500 --interval=200 "$server"
        finish 1 "$(silent "$family")" "Request timed out." "Request timed out." \
            "Request timed out."
        mapfile -t expected < <(replies "$server")
        finish 2 "$server" "${expected[@]}"
    done
}

@test "an unreachable and an answering target pinged at once: errors for one, replies for the other" {
    local c kind family server error expected
    lab_no_route
    for c in "${HOSTILE_CASES[@]}"; do
        read -r kind family <<<"$c"
        lab_socket_kind "$kind"
        [[ $family == 4 ]] || lab_warm6
        echo "# case: $kind socket, IPv$family, unreachable target and server at once" >&2
        server=$(server "$family")
        error="Reply from $(router "$family"): Destination net unreachable."
        PIDS=()
        start 1 -n 3 -w 500 --interval=200 "$(noroute "$family")"
        start 2 -n 3 -w 500 --interval=200 "$server"
        finish 1 "$(noroute "$family")" "$error" "$error" "$error"
        mapfile -t expected < <(replies "$server")
        finish 2 "$server" "${expected[@]}"
    done
}
