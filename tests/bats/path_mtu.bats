#!/usr/bin/env bats
# --mtu (docs/design.md, Path MTU) on the router chain of tests/lab/lab.bash: the path MTU found exactly
# for each family and socket kind, with the number of probes it took when every router
# reports its limit, through an MTU black hole, past a stale path-MTU cache, and the runs
# that cannot find it. Every JSON line is checked against the schema.

load path_common

# ceil(log2(N)) for N >= 1.
ceil_log2() {
    local n=$1 bits=0
    while (((1 << bits) < n)); do bits=$((bits + 1)); done
    echo "$bits"
}

@test "--mtu jumps to each router's reported MTU: 4 probes for 3 limiting hops, both families, both socket kinds" {
    lab_chain_warm6
    json_defer
    local kind
    for kind in dgram raw; do
        lab_socket_kind "$kind"
        wping_run --mtu -w 1000 "$LAB_S4"
        assert_success
        assert_output "Path MTU to $LAB_S4 is 1320 bytes: -f -l 1292 is the largest payload that passes, limited by $LAB_HOP3_4 (fragmentation needed)."
        assert_equal "$stderr" ""
        wping_run --mtu -w 1000 "$LAB_S6"
        assert_success
        assert_output "Path MTU to $LAB_S6 is 1280 bytes: -l 1232 is the largest payload that passes unfragmented, limited by $LAB_HOP3_6 (packet too big)."

        json_run --json --mtu -w 1000 "$LAB_S4"
        json_check mtu
        assert_equal "$(json_get mtu '[.found, .mtu, .payload, .limit, .limited_by, .probes, .family]')" \
            "[true,1320,1292,\"reported\",\"$LAB_HOP3_4\",4,4]"
        assert_equal "$(jq -c -s '[.[] | select(.type == "mtu_probe") | [.size, .next_hop_mtu, .from]]' "$JSON_OUT")" \
            "[[1500,1480,\"$LAB_HOP1_4\"],[1480,1400,\"$LAB_HOP2_4\"],[1400,1320,\"$LAB_HOP3_4\"],[1320,null,\"$LAB_S4\"]]"
        json_run --json --mtu -w 1000 "$LAB_S6"
        json_check mtu
        assert_equal "$(jq -c -s '[.[] | select(.type == "mtu_probe") | [.size, .payload, .next_hop_mtu, .from]]' "$JSON_OUT")" \
            "[[1500,1452,1420,\"$LAB_HOP1_6\"],[1420,1372,1360,\"$LAB_HOP2_6\"],[1360,1312,1280,\"$LAB_HOP3_6\"],[1280,1232,null,\"$LAB_S6\"]]"
    done
    json_check_deferred
}

@test "the payload --mtu names passes with -f -l, and one byte more does not" {
    wping_run --mtu -w 1000 "$LAB_S4"
    assert_success
    wping_run -f -l 1292 -n 1 -w 1000 "$LAB_S4"
    assert_success
    assert_line --index 1 --regexp "^Reply from $LAB_S4: bytes=1292 "
    wping_run -f -l 1293 -n 1 -w 1000 "$LAB_S4"
    assert_failure 1
    assert_line --index 1 --regexp "Packet needs to be fragmented but DF set\.$"
}

@test "--mtu through an MTU black hole (the last router drops its errors) bisects to the exact MTU in at most ceil(log2(range)) + 2 probes after the silence" {
    lab_chain_warm6
    lab_chain_blackhole 3
    json_defer
    local family want min first silent bound probes
    for family in 4 6; do
        if [[ $family == 4 ]]; then want=1320 min=68 first=1400; else want=1280 min=1280 first=1360; fi
        json_run --json --mtu -w 200 "$(server "$family")"
        json_check mtu
        assert_equal "$(json_get mtu '[.found, .mtu, .limit, .limited_by]')" "[true,$want,\"silent\",null]"
        # The first two routers report (2 probes); the probe of `first` bytes goes unanswered.
        silent=$(jq -s '[.[] | select(.type == "mtu_probe" and .status == 11010)][0].size' "$JSON_OUT")
        assert_equal "$silent" "$first"
        probes=$(json_get mtu .probes)
        bound=$((2 + $(ceil_log2 $((first - min))) + 2))
        ((probes <= bound)) || fail "IPv$family: $probes probes, the target is at most $bound"
        echo "# IPv$family black hole: $probes probes (bound $bound)" >&3
    done
    wping_run --mtu -w 200 "$LAB_S4"
    assert_success
    assert_output "Path MTU to $LAB_S4 is 1320 bytes: -f -l 1292 is the largest payload that passes, limited by a hop that reports nothing (found by bisection: an MTU black hole)."
    json_check_deferred
}

@test "a stale path-MTU cache does not fool --mtu: the probes bypass it when the path grows" {
    lab_chain_warm6
    wping_run --mtu -w 1000 "$LAB_S4"
    assert_output --partial " is 1320 bytes"
    wping_run --mtu -w 1000 "$LAB_S6"
    assert_output --partial " is 1280 bytes"
    run lab_client ip route get "$LAB_S4"
    assert_output --partial "mtu 1320"
    # The last link grows to 1500 for both families: now the second router limits.
    ip -n "$LAB_R3" link set l3a mtu 1500
    ip -n "$LAB_S" link set l3b mtu 1500
    lab_sysctl "$LAB_R3" net.ipv6.conf.l3a.mtu=1500
    lab_sysctl "$LAB_S" net.ipv6.conf.l3b.mtu=1500
    wping_run --mtu -w 1000 "$LAB_S4"
    assert_success
    assert_output "Path MTU to $LAB_S4 is 1400 bytes: -f -l 1372 is the largest payload that passes, limited by $LAB_HOP2_4 (fragmentation needed)."
    wping_run --mtu -w 1000 "$LAB_S6"
    assert_success
    assert_output "Path MTU to $LAB_S6 is 1360 bytes: -l 1312 is the largest payload that passes unfragmented, limited by $LAB_HOP2_6 (packet too big)."
}

@test "--mtu to a target that never answers exits 1 and says so, in text and JSON" {
    lab_nft "$LAB_S" <<'EOF'
    chain input_drop {
        type filter hook input priority 0; policy accept;
        icmp type echo-request drop
        icmpv6 type echo-request drop
    }
EOF
    lab_chain_warm6
    wping_run --mtu -w 150 "$LAB_S4"
    assert_failure 1
    assert_output "Path MTU to $LAB_S4 not found: the target does not answer (Request timed out.)"
    json_run --json --mtu -w 150 "$LAB_S6"
    assert_equal "$status" 1
    json_check mtu
    assert_equal "$(json_get mtu '[.found, .mtu, .payload, .exit_status]')" '[false,null,null,1]'
    # the three routers' reports, then 1280: the limit and the smallest size in one, unanswered
    assert_equal "$(jq -c -s '[.[] | select(.type == "mtu_probe") | .status]' "$JSON_OUT")" \
        '[11009,11009,11009,11010]'
    json_run --json --mtu -w 150 "$LAB_S4"
    json_check mtu
    # IPv4: the limit 1320 goes unanswered, then the smallest size, 68
    assert_equal "$(jq -c -s '[.[] | select(.type == "mtu_probe") | [.size, .status]]' "$JSON_OUT")" \
        '[[1500,11009],[1480,11009],[1400,11009],[1320,11010],[68,11010]]'
}

@test "--mtu takes -S, -c, -4 and -6 and a name from the hosts file, and stops at -w per probe" {
    lab_hosts "chain-s.lab $LAB_S4" "chain-s.lab $LAB_S6"
    lab_chain_warm6
    wping_run --mtu -S "$LAB_C4" "$LAB_S4"
    assert_success
    assert_output --partial "Path MTU to $LAB_S4 is 1320 bytes"
    wping_run --mtu -c l0a -6 chain-s.lab
    assert_success
    assert_output "Path MTU to chain-s.lab [$LAB_S6] is 1280 bytes: -l 1232 is the largest payload that passes unfragmented, limited by $LAB_HOP3_6 (packet too big)."
    wping_run --mtu -4 chain-s.lab
    assert_success
    assert_output --partial "Path MTU to chain-s.lab [$LAB_S4] is 1320 bytes"
    # A source that is not this host's: nothing can be sent.
    wping_run --mtu -S 198.18.10.99 "$LAB_S4"
    assert_failure 1
    assert_output "Path MTU to $LAB_S4 not found: the target does not answer (General failure.)"
}

@test "--mtu with -f or -l, or with --traceroute, is a usage error" {
    run --separate-stderr "$WPING" --mtu -f "$LAB_S4"
    assert_failure 2
    assert_output ""
    assert_equal "$stderr" "The option -f cannot be used with --mtu: --mtu chooses the size of every probe and sets Don't Fragment itself."
    run --separate-stderr "$WPING" -l 1000 "$LAB_S4" --mtu
    assert_failure 2
    assert_equal "$stderr" "The option -l cannot be used with --mtu: --mtu chooses the size of every probe and sets Don't Fragment itself."
    run --separate-stderr "$WPING" /l 1000 --mtu "$LAB_S4"
    assert_failure 2
    assert_equal "$stderr" "The option /l cannot be used with --mtu: --mtu chooses the size of every probe and sets Don't Fragment itself."
    run --separate-stderr "$WPING" --mtu --traceroute "$LAB_S4"
    assert_failure 2
    assert_equal "$stderr" "The options --mtu and --traceroute cannot be used together."
    run --separate-stderr "$WPING" --json --mtu --size=10 "$LAB_S4"
    assert_failure 2
    assert_equal "$(jq -r .message <<<"$stderr")" "The option --size cannot be used with --mtu: --mtu chooses the size of every probe and sets Don't Fragment itself."
}

@test "when this host's own link is the narrowest, --mtu names its interface after one probe" {
    ip -n "$LAB_C" link set l0a mtu 1300
    ip -n "$LAB_R1" link set l0b mtu 1300
    wping_run --mtu -w 1000 "$LAB_S4"
    assert_success
    assert_output "Path MTU to $LAB_S4 is 1300 bytes: -f -l 1272 is the largest payload that passes, limited by this host's interface l0a."
    json_run --json --mtu -w 1000 "$LAB_S4"
    json_check mtu
    assert_equal "$(json_get mtu '[.mtu, .limit, .limited_by, .probes]')" '[1300,"local","l0a",1]'
}
