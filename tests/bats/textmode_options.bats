#!/usr/bin/env bats
# The text-mode additions in the lab: --timestamp (local ISO 8601 time with milliseconds
# before each reply line), --quiet (header and statistics only), --interval (on the absolute
# schedule, 0 included, and its 2 ms floor for users without CAP_NET_RAW) and --deadline.
# Times are asserted with tolerances for a busy machine, never exactly.

load wping_common

setup_file() { wping_setup_file; }
setup() {
    wping_setup
    COPY_DIR=
}
teardown() {
    [[ -z $COPY_DIR ]] || rm -rf "$COPY_DIR"
    wping_teardown
}

# The --timestamp stamps of $output (a TZ=UTC0 run), in ms after the first, one per line.
stamp_offsets() {
    sed -n 's/^\[[0-9-]*T\([0-9]*\):\([0-9]*\):\([0-9.]*\)+00:00\] .*/\1 \2 \3/p' <<<"$output" |
        awk '{ t = int((($1 * 60 + $2) * 60 + $3) * 1000 + 0.5) }
             NR == 1 { first = t }
             { d = t - first; if (d < 0) d += 86400000; print d }'
}

# Runs CMD in the client namespace as nobody without any capability.
as_nobody() {
    env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        ip netns exec "$LAB_C" setpriv --reuid=65534 --regid=65534 --clear-groups \
        --inh-caps=-all "$@"
}

@test "--timestamp puts the local time with milliseconds and offset before each reply line" {
    local before after
    before=$(date +%s)
    run --separate-stderr lab_client env TZ=UTC0 "$WPING" --timestamp -n 2 --interval=100 "$LAB_S4"
    after=$(date +%s)
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 0 "Pinging 198.18.1.2 with 32 bytes of data:"
    assert_line --index 1 --regexp '^\[20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{3}\+00:00\] Reply from 198\.18\.1\.2: bytes=32 time(<1|=[0-9]+)ms TTL=63$'
    assert_line --index 2 --regexp '^\[[-0-9T:.]+\+00:00\] Reply from 198\.18\.1\.2: '
    assert_line --index 3 "Ping statistics for 198.18.1.2:"
    # The stamp is the time of the reply: within the run, on this machine's clock.
    local stamp=${lines[1]:1:23} stamp_s
    stamp_s=$(date -u -d "$stamp" +%s)
    ((before <= stamp_s && stamp_s <= after)) ||
        fail "stamp $stamp is not within the run ($before..$after s)"
}

@test "--timestamp follows TZ: +05:30 and -03:00, also on timeouts" {
    lab_route_type 4 198.18.4.0/24 blackhole
    run --separate-stderr lab_client env 'TZ=<+0530>-5:30' "$WPING" --timestamp -n 1 "$LAB_S4"
    assert_success
    assert_line --index 1 --regexp '^\[[-0-9T:.]{23}\+05:30\] Reply from 198\.18\.1\.2: '
    run --separate-stderr lab_client env 'TZ=<-03>3' "$WPING" --timestamp -n 1 -w 200 198.18.4.1
    assert_failure 1
    assert_line --index 1 --regexp '^\[[-0-9T:.]{23}-03:00\] Request timed out\.$'
}

@test "--quiet prints the header and the statistics only" {
    wping_run --quiet -n 3 --interval=100 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_wping_output <<EOF

Pinging 198.18.1.2 with 32 bytes of data:

Ping statistics for 198.18.1.2:
    Packets: Sent = 3, Received = 3, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
EOF
}

@test "--interval=200: four requests take about 600 ms" {
    timed_run -n 4 --interval=200 -w 1000 "$LAB_S4"
    assert_success
    assert_equal "$(grep -c '^Reply from' <<<"$output")" 4
    # A wait after the last would make it 800 ms.
    assert_elapsed 580 799
}

@test "--interval keeps the absolute schedule: 30 ms replies do not stretch 100 ms intervals" {
    if [[ ! -x ${FAKEHOST:-} ]]; then
        lab_skip "FAKEHOST (the fakehost binary) is not built"
    fi
    printf '%s\n' "* delay=30" >"$BATS_TEST_TMPDIR/script"
    lab_fakehost "$BATS_TEST_TMPDIR/script"
    lab_client "$WPING" -n 1 -w 1000 "$LAB_FAKE4" >/dev/null # neighbours, out of the timing
    # Sends at 0, 100, ..., 1000 ms, each answered 30 ms later (more under load). On the
    # absolute schedule the last reply comes 1000 ms after the first, give or take the
    # difference of their RTTs and how late the last request went out. Waiting the interval
    # after each answer instead, it could not come sooner than 1000 ms plus the other ten RTTs
    # (300 ms or more): the bound is that sum, from this run's own RTTs, so load cannot
    # break it. The reply stamps, not the run's wall time: start-up is not in them.
    run --separate-stderr lab_client env TZ=UTC0 "$WPING" --timestamp -n 11 --interval=100 -w 1000 "$LAB_FAKE4"
    assert_success
    assert_equal "$(grep -c '^\[.*\] Reply from' <<<"$output")" 11
    local rtts span first rest
    rtts=$(grep -o ' time=[0-9]*ms' <<<"$output" | tr -dc '0-9\n')
    first=$(head -n 1 <<<"$rtts")
    rest=$(tail -n +2 <<<"$rtts" | awk '{ s += $1 } END { print s + 0 }')
    span=$(stamp_offsets | tail -n 1)
    # Stamps and RTTs are whole milliseconds (RTTs rounded down): 2 ms of slack each way.
    ((span >= 1000 - first - 2)) || fail "the last reply came $span ms after the first: too soon"
    ((span < 1000 + rest - 2)) ||
        fail "the last reply came $span ms after the first, not sooner than the interval plus the RTTs ($rest ms): the schedule stretched"
}

@test "--interval=0 sends the next request as soon as the last timed out" {
    lab_route_type 4 198.18.4.0/24 blackhole
    run --separate-stderr lab_client env TZ=UTC0 "$WPING" --timestamp -n 3 --interval=0 -w 200 198.18.4.1
    assert_failure 1
    assert_equal "$(grep -c '^\[.*\] Request timed out' <<<"$output")" 3
    # Each timeout stamp follows the last by the 200 ms timeout and no interval: well under
    # the 1000 ms a default interval would put between them, with room for a loaded machine.
    local gap last=0 offset
    for offset in $(stamp_offsets | tail -n +2); do
        gap=$((offset - last)) last=$offset
        ((gap >= 199 && gap < 500)) || fail "a timeout came $gap ms after the one before, expected 200 ms and no interval"
    done
}

@test "--interval below 2 ms is refused for nobody, 2 ms is allowed" {
    run --separate-stderr as_nobody "$WPING" -n 2 --interval=1 "$LAB_S4"
    assert_failure 2
    assert_output ""
    assert_equal "$stderr" "wping: an --interval below 2 ms needs CAP_NET_RAW (root, set-user-ID root or setcap cap_net_raw+p); other users may send every 2 ms at most."
    run --separate-stderr as_nobody "$WPING" -n 3 --interval=2 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 5 "    Packets: Sent = 3, Received = 3, Lost = 0 (0% loss),"
}

@test "--interval=0 is allowed for nobody with the file capability cap_net_raw+p" {
    if ! command -v setcap >/dev/null; then
        lab_skip "setcap is not installed"
    fi
    COPY_DIR=$(mktemp -d /tmp/wping-interval.XXXXXX)
    chmod 755 "$COPY_DIR"
    cp "$WPING" "$COPY_DIR/wping"
    chmod 755 "$COPY_DIR/wping"
    setcap cap_net_raw+p "$COPY_DIR/wping"
    run --separate-stderr as_nobody "$COPY_DIR/wping" -n 5 --interval=0 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 7 "    Packets: Sent = 5, Received = 5, Lost = 0 (0% loss),"
}

@test "--deadline without -n sends until the deadline, then the statistics" {
    timed_run -t --deadline=1 --interval=200 -w 1000 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    # Not past a second deadline.
    assert_elapsed 950 1999
    # Requests at 0, 200, ..., 800 ms: five.
    assert_line --index 7 "    Packets: Sent = 5, Received = 5, Lost = 0 (0% loss),"
    refute_line "Control-C"
}

@test "--deadline stops a count that would take longer" {
    timed_run -n 100 --deadline=0.5 --interval=100 -w 1000 "$LAB_S4"
    assert_success
    # Not past a second deadline (the count would take 10 s).
    assert_elapsed 450 999
    assert_regex "$output" 'Packets: Sent = [45], Received = [45], Lost = 0'
}

@test "a count that ends first does not wait for the deadline" {
    timed_run -n 2 --deadline=5 --interval=100 -w 1000 "$LAB_S4"
    assert_success
    # About 100 ms; waiting for the deadline would take 5000.
    assert_elapsed 80 999
}

@test "--deadline during a request: that request is not counted" {
    lab_route_type 4 198.18.4.0/24 blackhole
    timed_run -n 3 --deadline=0.5 -w 1000 198.18.4.1
    assert_failure 1
    # The request's own timeout would end it at 1000 ms.
    assert_elapsed 450 999
    assert_output "
Pinging 198.18.4.1 with 32 bytes of data:"
}
