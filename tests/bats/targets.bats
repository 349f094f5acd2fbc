#!/usr/bin/env bats
# Many targets at once (--targets, docs/design.md): the list forms, resolution before the
# first send, IPv4 and IPv6 mixed, duplicates, the tagged text and JSON output, per-target
# options, --pace, signals, and the exit status, in the lab and against the fleet host.
# About 25 s.

load targets_common

setup_file() { wping_setup_file; }
setup() {
    wping_setup
    lab_hosts "s4name $LAB_S4" "s6name $LAB_S6"
}
teardown() {
    fleet_stop
    wping_teardown
}

# The names of a --targets list, one a line, for targets_check_json.
names_file() {
    tr ',' '\n' <<<"$1" >"$BATS_TEST_TMPDIR/names"
    echo "$BATS_TEST_TMPDIR/names"
}

@test "text: every line carries its target, the statistics follow in list order, then the count of targets" {
    lab_warm6
    wping_run -n 2 --interval=50 --targets="s4name,$LAB_S6,nohost,$LAB_S4"
    assert_equal "$status" 1
    assert_equal "$stderr" ""
    # the header: one line per target in list order, the name that did not resolve in its place
    assert_equal "$(head -5 <<<"$output")" "
[s4name] Pinging $LAB_S4 with 32 bytes of data:
[$LAB_S6] Pinging $LAB_S6 with 32 bytes of data:
[nohost] Ping request could not find host nohost. Please check the name and try again.
[$LAB_S4] Pinging $LAB_S4 with 32 bytes of data:"
    assert_equal "$(wping_masked | grep -cxF "[s4name] Reply from $LAB_S4: bytes=32 time=RTT TTL=63")" 2
    assert_equal "$(wping_masked | grep -cxF "[$LAB_S6] Reply from $LAB_S6: time=RTT")" 2
    assert_equal "$(wping_masked | grep -cxF "[$LAB_S4] Reply from $LAB_S4: bytes=32 time=RTT TTL=63")" 2
    assert_equal "$(grep -c '^\[nohost\]' <<<"$output")" 1
    assert_equal "$(wping_masked | sed -n '/^Ping statistics/,$p')" "Ping statistics for $LAB_S4:
    Packets: Sent = 2, Received = 2, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms

Ping statistics for $LAB_S6:
    Packets: Sent = 2, Received = 2, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms

Ping statistics for $LAB_S4:
    Packets: Sent = 2, Received = 2, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms

Targets: Total = 4, Passed = 3, Failed = 1 (1 not found)."
}

@test "--targets-required=N passes with N targets that pass; an unresolved name counts as failed" {
    wping_run -n 1 --targets="$LAB_S4,nohost,$LAB_NOROUTE4" --targets-required=1 --quiet
    assert_equal "$status" 0
    assert_line "Targets: Total = 3, Passed = 1, Failed = 2 (1 not found)."
    wping_run -n 1 --targets="$LAB_S4,nohost,$LAB_NOROUTE4" --targets-required=2 --quiet
    assert_equal "$status" 1
    # the per-target policy decides each target: --require=all fails one lost request
    wping_run -n 1 --targets="$LAB_S4,$LAB_S4" --require=all --quiet
    assert_equal "$status" 0
    wping_run -n 1 --targets=nohost,nohost2 --quiet
    assert_equal "$status" 2 # not one name resolved: nothing was pinged
    assert_line "Targets: Total = 2, Passed = 0, Failed = 2 (2 not found)."
}

@test "JSON: every object names its target and index; summaries and run_summary count every outcome" {
    lab_warm6
    local list="s4name,$LAB_S6,nohost,$LAB_S4,$LAB_S4,$LAB_NOROUTE4,s6name"
    wping_run -n 3 --interval=20 -w 500 --json --targets="$list"
    assert_equal "$status" 1
    assert_equal "$stderr" ""
    echo "$output" >"$BATS_TEST_TMPDIR/out.jsonl"
    run targets_check_json "$BATS_TEST_TMPDIR/out.jsonl" "$(names_file "$list")"
    assert_success
    assert_line "targets=7 passed=5 failed=2 unresolved=1 sent=18 replies=15 exit=1"
    assert_line "reply=15"
    assert_line "icmp_error=3" # net unreachable from R
    assert_line "start=6"
    assert_line "summary=6"
}

@test "@FILE with comments and blank lines, and @- from standard input, name the same targets as a comma list" {
    local file="$BATS_TEST_TMPDIR/fleet.txt"
    printf '# the lab\n%s\n\n  s4name   # by name\n%s,%s\n' "$LAB_S4" "$LAB_S6" "$LAB_S4" >"$file"
    wping_run -n 1 --json --quiet "--targets=@$file"
    assert_success
    assert_equal "$(jq -r 'select(.type == "start") | .target' <<<"$output" | paste -sd,)" \
        "$LAB_S4,s4name,$LAB_S6,$LAB_S4"
    run --separate-stderr bash -c 'ip netns exec "$1" "$2" -n 1 --json --quiet --targets=@- "$3" <"$4"' \
        _ "$LAB_C" "$WPING" "$LAB_S6" "$file"
    assert_success
    # the positional target comes first
    assert_equal "$(jq -r 'select(.type == "start") | "\(.index):\(.target)"' <<<"$output" | paste -sd,)" \
        "0:$LAB_S6,1:$LAB_S4,2:s4name,3:$LAB_S6,4:$LAB_S4"
}

@test "usage errors: --pace without --targets, an unreadable @FILE, a list without hosts, -a with --targets" {
    wping_run --pace=1 "$LAB_S4"
    assert_equal "$status" 2
    assert_equal "$stderr" "The option --pace needs --targets."
    wping_run --targets=@/nonexistent/list
    assert_equal "$status" 2
    assert_equal "$stderr" "wping: cannot read the target list /nonexistent/list: No such file or directory"
    wping_run --targets=,
    assert_equal "$status" 2
    assert_equal "$stderr" "The list of --targets , names no host."
    wping_run --targets="$LAB_S4" -a
    assert_equal "$status" 2
    assert_equal "$stderr" "The option -a cannot be used with --targets."
    wping_run --targets=,, --json
    assert_equal "$status" 2
    assert_equal "$(jq -r .kind <<<"$stderr")" usage
}

@test "fleet host: each address's delay and loss give exact counts for its target, by -n and -w" {
    fleet_start router --rule 198.18.64.1/32,delay=400 --rule 198.18.64.2/32,loss=2 \
        --rule 2001:db8:f::3/128,loss=1 --rule 198.18.64.5/32,delay=30
    local list="198.18.64.1,198.18.64.2,2001:db8:f::3,2001:db8:f::4,198.18.64.5"
    wping_run -n 4 --interval=50 -w 200 --json --targets="$list"
    assert_equal "$status" 1
    echo "$output" >"$BATS_TEST_TMPDIR/out.jsonl"
    run targets_check_json "$BATS_TEST_TMPDIR/out.jsonl" "$(names_file "$list")"
    assert_success
    assert_line "targets=5 passed=3 failed=2 unresolved=0 sent=20 replies=10 exit=1"
    counts() {
        jq -r "select(.type == \"summary\" and .index == $1) | \"\(.replies) \(.timeouts)\"" \
            "$BATS_TEST_TMPDIR/out.jsonl"
    }
    assert_equal "$(counts 0)" "0 4" # every answer later than -w
    assert_equal "$(counts 1)" "2 2" # every second request lost
    assert_equal "$(counts 2)" "0 4" # all lost
    assert_equal "$(counts 3)" "4 0"
    assert_equal "$(counts 4)" "4 0"
    # 30 ms held back: the RTTs say so (never less; the upper bound only keeps out the absurd)
    jq -se '.[] | select(.type == "summary" and .index == 4) | .rtt_ms.min >= 30 and .rtt_ms.max < 1000' \
        "$BATS_TEST_TMPDIR/out.jsonl"
    assert_equal "$(fleet_stats requests)" 20
}

@test "--pace spaces any two sends of the run, --interval each target's own" {
    fleet_start client
    local list
    list=$(fleet_addresses4 4 | paste -sd,)
    wping_run -n 3 --interval=120 --pace=25 --json --targets="$list"
    assert_success
    python3 - "$output" <<'PY'
import datetime, json, sys
def t(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp() * 1000
sends = sorted((t(o["timestamp"]), o["index"]) for o in map(json.loads, sys.argv[1].splitlines())
               if o["type"] == "reply")
assert len(sends) == 12, len(sends)
gaps = [b[0] - a[0] for a, b in zip(sends, sends[1:])]
assert min(gaps) >= 24.99, f"two sends {min(gaps):.3f} ms apart, --pace=25"
for index in range(4):
    # each target on its own absolute schedule: the k-th send never before first + k * 120
    own = [s for s, i in sends if i == index]
    late = [s - own[0] - k * 120 for k, s in enumerate(own)]
    assert min(late) >= -0.01, f"target {index}: sends {late} ms from its schedule"
PY
}

@test "SIGQUIT shows every target's statistics and goes on; SIGINT ends every target" {
    wping_bg_start -t --interval=50 --targets="$LAB_S4,$LAB_NOROUTE4"
    local i
    for ((i = 0; i < 100; i++)); do
        (($(grep -c "^\[$LAB_S4\] Reply" "$BG_OUT") >= 2)) && break
        sleep 0.05
    done
    kill -QUIT "$BG_PID"
    for ((i = 0; i < 100; i++)); do
        grep -q '^Control-Break$' "$BG_OUT" && break
        sleep 0.05
    done
    local before
    before=$(grep -c "^\[$LAB_S4\] Reply" "$BG_OUT")
    for ((i = 0; i < 100; i++)); do
        (($(grep -c "^\[$LAB_S4\] Reply" "$BG_OUT") > before)) && break
        sleep 0.05
    done
    kill -INT "$BG_PID"
    status=0
    wait "$BG_PID" || status=$?
    BG_PID=
    assert_equal "$status" 1 # the unreachable target fails
    output=$(<"$BG_OUT")
    assert_equal "$(grep -c "^Ping statistics for $LAB_S4:" <<<"$output")" 2
    assert_equal "$(grep -c "^Ping statistics for $LAB_NOROUTE4:" <<<"$output")" 2
    assert_equal "$(grep -c '^Targets: Total = 2, Passed = 1, Failed = 1 (0 not found).$' <<<"$output")" 2
    assert_equal "$(grep -xc 'Control-Break' <<<"$output")" 1
    assert_equal "$(tail -1 <<<"$output")" "Control-C"
    # requests went on after Control-Break
    (($(grep -c "^\[$LAB_S4\] Reply" <<<"$output") > before))
}

@test "--deadline ends every target; -t runs until then" {
    wping_run -t --interval=100 --deadline=0.5 --json --quiet --targets="$LAB_S4,$LAB_S6"
    assert_success
    assert_equal "$(jq -r 'select(.type == "run_summary") | .reason' <<<"$output")" deadline
    # 0.5 s at one request every 100 ms: 5 or 6 each, whatever the machine's speed
    jq -se '[.[] | select(.type == "summary")] | length == 2 and all(.sent >= 4 and .sent <= 6)' \
        <<<"$output"
}

@test "--pace below 1 ms needs CAP_NET_RAW; the default pace does not" {
    run --separate-stderr ip netns exec "$LAB_C" setpriv --reuid=65534 --regid=65534 \
        --clear-groups --inh-caps=-all "$WPING" -n 1 --pace=0.5 --targets="$LAB_S4"
    assert_equal "$status" 2
    assert_equal "$stderr" "wping: a --pace below 1 ms needs CAP_NET_RAW (root, set-user-ID root or setcap cap_net_raw+p)."
    run --separate-stderr ip netns exec "$LAB_C" setpriv --reuid=65534 --regid=65534 \
        --clear-groups --inh-caps=-all "$WPING" -n 1 --quiet --targets="$LAB_S4,$LAB_S4"
    assert_success
    assert_line "Targets: Total = 2, Passed = 2, Failed = 0 (0 not found)."
}

@test "one target without --targets prints exactly what it always has" {
    wping_run -n 1 "$LAB_S4"
    assert_success
    refute_output --partial "["
    refute_output --partial "Targets:"
    wping_run -n 1 --json "$LAB_S4"
    assert_success
    refute_output --partial '"index"'
    refute_output --partial run_summary
}
