#!/usr/bin/env bats
# --traceroute (docs/design.md, Traceroute) on the router chain of tests/lab/lab.bash: tracert.exe's
# transcript line for line (times masked) for both families and socket kinds, silent and
# rate-limited routers, an error row that ends the trace, --max-hops, -a, -w, -S, and the
# JSON hop events with their statistics, every line checked against the schema.

load path_common

# $output with every probe time ("  <1 ms  ", "   3 ms  ") as "   T ms  ", so rows compare.
trace_masked() {
    sed -E -e 's/(  <1|[ 0-9]{4}) ms  /   T ms  /g' <<<"$output"
}

assert_trace() {
    assert_equal "$(trace_masked)" "$(cat)"
}

@test "--traceroute prints tracert.exe's transcript for both families and both socket kinds" {
    lab_chain_warm6
    local kind
    for kind in dgram raw; do
        lab_socket_kind "$kind"
        wping_run --traceroute -w 1000 "$LAB_S4"
        assert_success
        assert_equal "$stderr" ""
        assert_trace <<EOF

Tracing route to $LAB_S4 over a maximum of 30 hops

  1     T ms     T ms     T ms  $LAB_HOP1_4
  2     T ms     T ms     T ms  $LAB_HOP2_4
  3     T ms     T ms     T ms  $LAB_HOP3_4
  4     T ms     T ms     T ms  $LAB_S4

Trace complete.
EOF
        wping_run --traceroute -w 1000 "$LAB_S6"
        assert_success
        assert_trace <<EOF

Tracing route to $LAB_S6 over a maximum of 30 hops

  1     T ms     T ms     T ms  $LAB_HOP1_6
  2     T ms     T ms     T ms  $LAB_HOP2_6
  3     T ms     T ms     T ms  $LAB_HOP3_6
  4     T ms     T ms     T ms  $LAB_S6

Trace complete.
EOF
    done
}

@test "a name gets tracert.exe's two-line header, and -a names the hops from the hosts file" {
    lab_hosts "chain-s.lab $LAB_S4" "r1.lab $LAB_HOP1_4" "r3.lab $LAB_HOP3_4"
    wping_run --traceroute chain-s.lab -a --max-hops=5
    assert_success
    assert_trace <<EOF

Tracing route to chain-s.lab [$LAB_S4]
over a maximum of 5 hops:

  1     T ms     T ms     T ms  r1.lab [$LAB_HOP1_4]
  2     T ms     T ms     T ms  $LAB_HOP2_4
  3     T ms     T ms     T ms  r3.lab [$LAB_HOP3_4]
  4     T ms     T ms     T ms  chain-s.lab [$LAB_S4]

Trace complete.
EOF
    # without -a the rows stay numeric, as ping.exe's default (tracert's -d)
    wping_run --traceroute chain-s.lab
    assert_success
    assert_line --index 2 --regexp "  $LAB_HOP1_4\$"
}

@test "a router that answers nothing is a Request timed out. row, and its probes wait together: about one -w for the whole trace" {
    lab_chain_warm6
    lab_chain_silent 2
    lab_chain_silent 3
    wping_run --traceroute -w 400 "$LAB_S6"
    assert_success
    assert_trace <<EOF

Tracing route to $LAB_S6 over a maximum of 30 hops

  1     T ms     T ms     T ms  $LAB_HOP1_6
  2     *        *        *     Request timed out.
  3     *        *        *     Request timed out.
  4     T ms     T ms     T ms  $LAB_S6

Trace complete.
EOF
    json_run --json --traceroute -w 400 "$LAB_S4"
    json_check trace
    local elapsed
    elapsed=$(json_get trace_end '.elapsed_ms | floor')
    # One after another, tracert.exe would wait 6 x 400 ms; all together it is one -w.
    ((elapsed >= 400 && elapsed < 1200)) || fail "the trace took $elapsed ms, expected 400..1199"
    assert_equal "$(json_get hop '[.sent, .answered, .lost, .loss_percent, .address]' 2)" '[3,0,3,100,null]'
}

@test "a router that rate-limits its TTL-expired errors answers the first probe only; JSON shows the loss per hop" {
    lab_chain_ratelimit 2
    lab_chain_warm6
    json_defer
    local family hop2
    for family in 4 6; do
        if [[ $family == 4 ]]; then hop2=$LAB_HOP2_4; else hop2=$LAB_HOP2_6; fi
        json_run --json --traceroute -w 300 "$(server "$family")"
        assert_equal "$status" 0
        json_check trace
        assert_equal "$(json_get hop '[.answered, .lost, .loss_percent, .address]' 2)" "[1,2,66.667,\"$hop2\"]"
        assert_equal "$(json_get hop '[.probes[] | .status]' 2)" '[11013,11010,11010]'
        assert_equal "$(json_get hop '[.answered, .loss_percent]' 1)" '[3,0]'
        assert_equal "$(json_get hop '.message' 2 | sed -E 's/(  <1|[ 0-9]{4}) ms  /   T ms  /')" \
            "\"  2     T ms     *        *     $hop2\""
    done
    json_check_deferred
}

@test "a router's Destination host unreachable ends the trace with its reports row and exit status 1" {
    lab_nft "$LAB_R3" <<'EOF'
    chain forward_reject {
        type filter hook forward priority 0; policy accept;
        ip daddr 198.18.13.9 reject with icmp type host-unreachable
        ip6 daddr 2001:db8:13::9 reject with icmpv6 type addr-unreachable
    }
EOF
    wping_run --traceroute -w 1000 198.18.13.9
    assert_failure 1
    assert_trace <<EOF

Tracing route to 198.18.13.9 over a maximum of 30 hops

  1     T ms     T ms     T ms  $LAB_HOP1_4
  2     T ms     T ms     T ms  $LAB_HOP2_4
  3     T ms     T ms     T ms  $LAB_HOP3_4
  4  $LAB_HOP3_4  reports: Destination host unreachable.

Trace complete.
EOF
    json_run --json --traceroute -w 1000 2001:db8:13::9
    assert_equal "$status" 1
    json_check trace
    assert_equal "$(json_get hop '[.reached, .status, .status_name]' 4)" '[false,11003,"IP_DEST_ADDR_UNREACHABLE"]'
    assert_equal "$(json_get trace_end '[.reached, .hops, .exit_status]')" '[false,4,1]'
}

@test "--max-hops ends a trace that does not reach the target, with exit status 1; -S and -c apply" {
    wping_run --traceroute --max-hops=2 -S "$LAB_C4" "$LAB_S4"
    assert_failure 1
    assert_trace <<EOF

Tracing route to $LAB_S4 over a maximum of 2 hops

  1     T ms     T ms     T ms  $LAB_HOP1_4
  2     T ms     T ms     T ms  $LAB_HOP2_4

Trace complete.
EOF
    wping_run --traceroute --max-hops 1 -c l0a "$LAB_S4"
    assert_failure 1
    assert_line --index 1 --regexp "^  1 .*  $LAB_HOP1_4\$"
    json_run --json --traceroute --max-hops=3 "$LAB_S4"
    json_check trace
    assert_equal "$(json_get trace_start '[.max_hops, .probes_per_hop, .socket, .family]')" '[3,3,"dgram",4]'
    assert_equal "$(json_get trace_end '[.reached, .hops, .exit_status]')" '[false,3,1]'
}

@test "--max-hops=0, out of range or without --traceroute is a usage error" {
    run --separate-stderr "$WPING" --traceroute --max-hops=0 "$LAB_S4"
    assert_failure 2
    assert_output ""
    assert_equal "$stderr" "Bad value for option --max-hops, valid range is from 1 to 255."
    run --separate-stderr "$WPING" --traceroute --max-hops=256 "$LAB_S4"
    assert_failure 2
    assert_equal "$stderr" "Bad value for option --max-hops, valid range is from 1 to 255."
    run --separate-stderr "$WPING" --max-hops=5 "$LAB_S4"
    assert_failure 2
    assert_equal "$stderr" "The option --max-hops needs --traceroute."
}

@test "a probe too big for a link gets the router's reports row; -4 and -6 pick the family of a name" {
    lab_hosts "chain-s.lab $LAB_S4" "chain-s.lab $LAB_S6"
    lab_chain_warm6
    # 1472 bytes of payload with -f: 1500 on the wire, and the first router's next link is 1480.
    wping_run --traceroute -f -l 1472 -w 1000 -4 chain-s.lab
    assert_failure 1
    assert_trace <<EOF

Tracing route to chain-s.lab [$LAB_S4]
over a maximum of 30 hops:

  1     T ms     T ms     T ms  $LAB_HOP1_4
  2  $LAB_HOP1_4  reports: Packet needs to be fragmented but DF set.

Trace complete.
EOF
    wping_run --traceroute -w 1000 -6 chain-s.lab
    assert_success
    assert_line --index 0 "Tracing route to chain-s.lab [$LAB_S6]"
    assert_line --index 5 --regexp "^  4 .*  $LAB_S6\$"
}
