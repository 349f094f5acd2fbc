#!/usr/bin/env bats
# The asynchronous form (echo_start + echo_wait, echo-probe -a) with several requests in
# flight (-p): each outcome belongs to its own request whatever order the answers come in,
# requests overlap in time, and stray packets are still never taken. Both socket kinds,
# both families. The fake host's log tells which sequence number the N-th request carried.

load engine_common

# Three requests in flight, answered after 300, 200 and 100 ms: the outcomes come in the
# reverse order, each with its own sequence number and RTT (at least its delay, and never
# more than the time the probe had run when the outcome came), and in flight together.
assert_out_of_order() {
    local kind=$1 dest
    dest=$(fake "$2")
    fake_script 'nth=1 delay=300' 'nth=2 delay=200' 'nth=3 delay=100'
    lab_probe_kind "$kind"
    lab_probe -a -p 3 -c 3 -W 1000 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 3
    lab_assert_outcome 1 status=0 "seq=$(fake_seq 3)" "from=$dest" match=1
    lab_assert_outcome 2 status=0 "seq=$(fake_seq 2)" "from=$dest" match=1
    lab_assert_outcome 3 status=0 "seq=$(fake_seq 1)" "from=$dest" match=1
    lab_assert_rtt 1 100000
    lab_assert_rtt 2 200000
    lab_assert_rtt 3 300000
    # In flight together: one after the other, the last would come after 600 ms of RTTs.
    lab_assert_overlap
}

@test "replies in reverse order each complete their own request (IPv4, dgram)" {
    assert_out_of_order dgram 4
}

@test "replies in reverse order each complete their own request (IPv4, raw)" {
    assert_out_of_order raw 4
}

@test "replies in reverse order each complete their own request (IPv6, dgram)" {
    assert_out_of_order dgram 6
}

@test "replies in reverse order each complete their own request (IPv6, raw)" {
    assert_out_of_order raw 6
}

# Three requests in flight: no answer, an ICMP error, a reply after 50 ms. The error comes
# first, then the reply, then the timeout, each on its own request.
assert_mixed_outcomes() {
    local kind=$1 family=$2 dest error code from
    dest=$(fake "$family")
    if [[ $family == 4 ]]; then
        error=3/1 code=11003 from=198.18.2.9
    else
        error=1/3 code=11003 from=2001:db8:2::9
    fi
    fake_script 'nth=1 silent' "nth=2 error=$error from=$from" 'nth=3 delay=50'
    lab_probe_kind "$kind"
    lab_probe -a -p 3 -c 3 -W 300 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 3
    lab_assert_outcome 1 "status=$code" "seq=$(fake_seq 2)" "from=$from"
    lab_assert_outcome 2 status=0 "seq=$(fake_seq 3)" "from=$dest" match=1
    lab_assert_outcome 3 status=11010 "seq=$(fake_seq 1)" from=-
    # The timeout at 300 ms, before a second 300 ms (the order above shows they overlapped).
    lab_assert_elapsed 300 599
}

@test "a timeout, an error and a reply in flight together, each on its request (IPv4, dgram)" {
    assert_mixed_outcomes dgram 4
}

@test "a timeout, an error and a reply in flight together, each on its request (IPv4, raw)" {
    assert_mixed_outcomes raw 4
}

@test "a timeout, an error and a reply in flight together, each on its request (IPv6, dgram)" {
    assert_mixed_outcomes dgram 6
}

@test "a timeout, an error and a reply in flight together, each on its request (IPv6, raw)" {
    assert_mixed_outcomes raw 6
}

# Eight requests, four in flight at a time, through a router that drops every 4th: the 4th
# and 8th sent time out, the others succeed, and every sequence number appears once.
assert_async_loss() {
    local kind=$1 family=$2 dest seqs first i line
    if [[ $family == 4 ]]; then dest=$LAB_S4; else dest=$LAB_S6 && lab_warm6; fi
    lab_loss "$family" "$dest" 4
    lab_probe_kind "$kind"
    lab_probe -a -p 4 -c 8 -W 300 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 8
    seqs=$(grep -oE '^seq=[0-9]+' <<<"$output" | cut -d= -f2 | sort -n)
    first=$(head -n 1 <<<"$seqs")
    [[ $seqs == "$(seq "$first" $((first + 7)))" ]] ||
        lab_fail "sequence numbers are not 8 distinct consecutive ones: $(echo $seqs)"
    for ((i = 0; i < 8; i++)); do
        line=$(grep -E "^seq=$((first + i)) " <<<"$output")
        if ((i == 3 || i == 7)); then
            [[ $line == *" status=11010 "* ]] || lab_fail "request $((i + 1)) did not time out"
        else
            [[ $line == *" status=0 "*" from=$dest "* ]] ||
                lab_fail "request $((i + 1)) did not succeed"
        fi
    done
}

@test "a loss pattern with four requests in flight: the 4th and 8th time out (IPv4, dgram)" {
    assert_async_loss dgram 4
}

@test "a loss pattern with four requests in flight: the 4th and 8th time out (IPv4, raw)" {
    assert_async_loss raw 4
}

@test "a loss pattern with four requests in flight: the 4th and 8th time out (IPv6, dgram)" {
    assert_async_loss dgram 6
}

@test "a loss pattern with four requests in flight: the 4th and 8th time out (IPv6, raw)" {
    assert_async_loss raw 6
}

# Asynchronously, one at a time: the first reply arrives 350 ms late, while the second
# request waits for an answer that never comes. It must not take the late reply.
assert_async_late() {
    local kind=$1 dest
    dest=$(fake "$2")
    fake_script 'nth=1 delay=350' 'nth=2 silent'
    lab_probe_kind "$kind"
    lab_probe -a -p 1 -c 2 -W 200 -x 100 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 2
    lab_assert_outcome 1 status=11010 "seq=$(fake_seq 1)"
    lab_assert_outcome 2 status=11010 "seq=$(fake_seq 2)"
    [[ $(lab_notices) == "notice=late seq=$(fake_seq 1) from=$dest len=32 match=1" ]] ||
        lab_fail "expected one late notice for the first request"
}

@test "asynchronous: a late reply is a notice, not the next request's answer (IPv4, dgram)" {
    assert_async_late dgram 4
}

@test "asynchronous: a late reply is a notice, not the next request's answer (IPv4, raw)" {
    assert_async_late raw 4
}

@test "asynchronous: a late reply is a notice, not the next request's answer (IPv6, dgram)" {
    assert_async_late dgram 6
}

@test "asynchronous: a late reply is a notice, not the next request's answer (IPv6, raw)" {
    assert_async_late raw 6
}

# Five requests in flight to a destination the router rejects: each gets its own port
# unreachable, exactly once, without waiting for any timeout.
assert_async_errors() {
    local kind=$1 family=$2 dest router i
    if [[ $family == 4 ]]; then
        dest=$LAB_S4 router=$LAB_R4
        lab_reject 4 "$dest" port-unreachable
    else
        dest=$LAB_S6 router=$LAB_R6
        lab_warm6
        lab_reject 6 "$dest" port-unreachable
    fi
    lab_probe_kind "$kind"
    lab_probe -a -p 5 -c 5 -W 300 "$dest"
    lab_assert_probe_ran
    lab_assert_outcome_count 5
    for i in 1 2 3 4 5; do
        lab_assert_outcome "$i" status=11005 "from=$router"
    done
    [[ $(grep -oE '^seq=[0-9]+' <<<"$output" | sort -u | wc -l) == 5 ]] ||
        lab_fail "an error was reported for the same request twice"
    # All before the 300 ms timeout, which waiting for any of them could not do.
    lab_assert_elapsed 0 299
}

@test "router errors for five requests in flight complete each request once (IPv4, dgram)" {
    assert_async_errors dgram 4
}

@test "router errors for five requests in flight complete each request once (IPv4, raw)" {
    assert_async_errors raw 4
}

@test "router errors for five requests in flight complete each request once (IPv6, dgram)" {
    assert_async_errors dgram 6
}

@test "router errors for five requests in flight complete each request once (IPv6, raw)" {
    assert_async_errors raw 6
}
