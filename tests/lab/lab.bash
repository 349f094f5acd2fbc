# shellcheck shell=bash
#
# The network lab: three network namespaces that a test creates for itself and deletes again.
#
#   client C --c0====r0-- router R --r1====s0-- server S
#       198.18.0.2/24   198.18.0.1 | 198.18.1.1   198.18.1.2/24
#      2001:db8::2/64  2001:db8::1 | 2001:db8:1::1 2001:db8:1::2/64
#
# R forwards both families and is where every network condition is made (nftables rules,
# special routes, a smaller MTU, the fake host on a TUN for 198.18.2.0/24 and 2001:db8:2::/64).
# Nothing is connected to the host's own namespace: packets from C reach only R and S.
#
# Use from bats:
#   source "$WPING_LAB"
#   setup_file() { lab_require; }
#   setup()      { lab_create; }
#   teardown()   { lab_destroy; }
#
# Functions return non-zero (and say why on stderr) when a step fails, so that a test running
# under bats' errexit fails at the step that broke.

# Prefix shared by every namespace this library creates (lab_self.bats checks none is left).
LAB_PREFIX=wp

# Skips the current test (or file, from setup_file) with REASON; with WPING_REQUIRE_LAB=1 the
# missing lab is a failure instead.
lab_skip() {
    if [[ ${WPING_REQUIRE_LAB:-0} == 1 ]]; then
        echo "lab required (WPING_REQUIRE_LAB=1) but unavailable: $*" >&2
        return 1
    fi
    # bats 1.8 fails a file whose setup_file skips; remember the reason instead, and let
    # lab_create skip each test of the file with it.
    if [[ -z ${BATS_TEST_NAME:-} ]]; then
        export LAB_SKIP_REASON="$*"
        return 0
    fi
    skip "$*"
}

# Skips (or, with WPING_REQUIRE_LAB=1, fails) unless this process can build the lab: root,
# ip, nft and sysctl present, a network namespace can be created and nftables works in it.
lab_require() {
    local tool ns ok=1
    if [[ $EUID -ne 0 ]]; then
        lab_skip "network lab needs root"
        return
    fi
    for tool in ip nft sysctl; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            lab_skip "network lab needs $tool"
            return
        fi
    done
    ns="$LAB_PREFIX$$-probe-$RANDOM"
    if ! ip netns add "$ns" 2>/dev/null; then
        lab_skip "network lab: ip netns add fails (no network namespaces)"
        return
    fi
    if ! ip netns exec "$ns" nft add table inet lab_probe 2>/dev/null; then
        ok=0
    fi
    ip netns del "$ns" 2>/dev/null || true
    if ((ok == 0)); then
        lab_skip "network lab: nftables is unusable in a network namespace"
        return
    fi
}

# Copies FILE... (symbolic links followed, modes kept) into a new directory under /tmp that
# every user can read, and prints its name; the caller removes it. For the steps that run as
# an unprivileged user (setpriv, nobody): they must never depend on the checkout's or the build
# tree's permissions (a clone under /root is mode 700).
lab_readable_copy() {
    local dir
    dir=$(mktemp -d /tmp/wping-readable.XXXXXX) || return
    chmod 755 "$dir" && cp -L --preserve=mode -- "$@" "$dir" && chmod -R a+rX "$dir" || {
        rm -rf -- "$dir"
        return 1
    }
    echo "$dir"
}

# Runs CMD in namespace NS (internal helper, also handy in tests): lab_in NS CMD...
lab_in() {
    local ns=$1
    shift
    ip netns exec "$ns" "$@"
}

# Sets sysctls in namespace NS: lab_sysctl NS key=value...
lab_sysctl() {
    local ns=$1
    shift
    ip netns exec "$ns" sysctl -q -w "$@" >/dev/null
}

# Adds namespace NS with loopback up and the lab's sysctls (internal helper of lab_create and
# lab_chain_create).
lab_ns_add() {
    ip netns add "$1" || {
        echo "lab: ip netns add $1 failed" >&2
        return 1
    }
    # Before any interface exists, so that every new one inherits it: addresses are usable
    # at once (no duplicate address detection) and no ICMP error is rate limited away,
    # per destination or per namespace. (R's routing errors for IPv4 still are: see
    # README.md.) The rate mask must be empty, not just the limit 0: the per-destination
    # limit shares its token bucket with those routing errors, and a limit of 0 empties
    # it, so one TTL-expired error would silence the next second of route errors.
    lab_sysctl "$1" net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
        net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_ratemask=0 net.ipv6.icmp.ratelimit=0 \
        net.ipv4.icmp_msgs_per_sec=1000000 net.ipv4.icmp_msgs_burst=1000000 \
        net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 || return 1
    ip -n "$1" link set lo up
}

# Creates C, R and S with their links, addresses and routes, and exports their names
# (LAB_C, LAB_R, LAB_S) and addresses: LAB_C4, LAB_R4 (router, client side), LAB_R4_S (router,
# server side), LAB_S4 and the IPv6 equivalents LAB_C6, LAB_R6, LAB_R6_S, LAB_S6, written
# the way inet_ntop prints them (2001:db8::2), so that they compare with program output.
lab_create() {
    local id ns
    [[ -z ${LAB_SKIP_REASON:-} ]] || skip "$LAB_SKIP_REASON"
    id="$LAB_PREFIX$$-${BATS_TEST_NUMBER:-0}-$RANDOM"
    export LAB_ID=$id
    export LAB_C="$id-c" LAB_R="$id-r" LAB_S="$id-s"
    export LAB_C4=198.18.0.2 LAB_R4=198.18.0.1 LAB_R4_S=198.18.1.1 LAB_S4=198.18.1.2
    export LAB_C6=2001:db8::2 LAB_R6=2001:db8::1 LAB_R6_S=2001:db8:1::1 LAB_S6=2001:db8:1::2
    export LAB_FAKE4=198.18.2.2 LAB_FAKE6=2001:db8:2::2
    export LAB_NOROUTE4=198.18.3.9 LAB_NOROUTE6=2001:db8:3::9
    LAB_FAKEHOST_PID=
    LAB_TABLES=0
    LAB_TMP=

    for ns in "$LAB_C" "$LAB_R" "$LAB_S"; do
        lab_ns_add "$ns" || return 1
    done
    lab_sysctl "$LAB_R" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return 1

    ip link add c0 netns "$LAB_C" type veth peer name r0 netns "$LAB_R" || return 1
    ip link add r1 netns "$LAB_R" type veth peer name s0 netns "$LAB_S" || return 1

    # Links up before any address: addresses added to a link that is already up are usable
    # for neighbour discovery at once; added before, the first IPv6 neighbour solicitation
    # goes unanswered and the first packet waits a second for the retransmission.
    ip -n "$LAB_C" link set c0 up &&
        ip -n "$LAB_R" link set r0 up &&
        ip -n "$LAB_R" link set r1 up &&
        ip -n "$LAB_S" link set s0 up || return 1

    ip -n "$LAB_C" addr add "$LAB_C4/24" dev c0 &&
        ip -n "$LAB_C" addr add "$LAB_C6/64" dev c0 nodad &&
        ip -n "$LAB_R" addr add "$LAB_R4/24" dev r0 &&
        ip -n "$LAB_R" addr add "$LAB_R6/64" dev r0 nodad &&
        ip -n "$LAB_R" addr add "$LAB_R4_S/24" dev r1 &&
        ip -n "$LAB_R" addr add "$LAB_R6_S/64" dev r1 nodad &&
        ip -n "$LAB_S" addr add "$LAB_S4/24" dev s0 &&
        ip -n "$LAB_S" addr add "$LAB_S6/64" dev s0 nodad || return 1

    ip -n "$LAB_C" route add default via "$LAB_R4" &&
        ip -n "$LAB_C" -6 route add default via "$LAB_R6" &&
        ip -n "$LAB_S" route add default via "$LAB_R4_S" &&
        ip -n "$LAB_S" -6 route add default via "$LAB_R6_S" || return 1
}

# Stops the fake host, deletes the namespaces and their /etc/netns files. Safe to call twice,
# or when lab_create failed half-way.
lab_destroy() {
    local ns
    if [[ -n ${LAB_FAKEHOST_PID:-} ]]; then
        kill "$LAB_FAKEHOST_PID" 2>/dev/null || true
        wait "$LAB_FAKEHOST_PID" 2>/dev/null || true
        LAB_FAKEHOST_PID=
    fi
    # shellcheck disable=SC2086 # LAB_CHAIN_NS is a list of names
    for ns in "${LAB_C:-}" "${LAB_R:-}" "${LAB_S:-}" ${LAB_CHAIN_NS:-}; do
        [[ -n $ns ]] || continue
        ip netns del "$ns" 2>/dev/null || true
        rm -rf "/etc/netns/$ns"
    done
    if [[ -n ${LAB_TMP:-} ]]; then
        rm -rf "$LAB_TMP"
        LAB_TMP=
    fi
    LAB_CHAIN_NS=
    rmdir /etc/netns 2>/dev/null || true
    return 0
}

# Lets C open datagram ICMP sockets (dgram) or only raw ones (raw) through
# net.ipv4.ping_group_range (which covers both families).
lab_socket_kind() {
    case $1 in
    dgram) lab_sysctl "$LAB_C" "net.ipv4.ping_group_range=0 2147483647" ;;
    raw) lab_sysctl "$LAB_C" "net.ipv4.ping_group_range=1 0" ;;
    *)
        echo "lab_socket_kind: dgram or raw, not '$1'" >&2
        return 1
        ;;
    esac
}

# Runs CMD in the client namespace.
lab_client() {
    ip netns exec "$LAB_C" "$@"
}

# Loads nftables rules (read from stdin) into a table of its own in namespace NS:
# lab_nft NS (internal helper). Each call makes a new table, so rules of one call never mix
# with another's.
lab_nft() {
    local ns=$1
    LAB_TABLES=$((${LAB_TABLES:-0} + 1))
    { echo "table inet lab$LAB_TABLES {"; cat; echo "}"; } | ip netns exec "$ns" nft -f -
}

# Prints the nft match for "destination is DEST" in FAMILY (4|6): lab_match FAMILY DEST
# (internal helper).
lab_match() {
    case $1 in
    4) echo "ip daddr $2" ;;
    6) echo "ip6 daddr $2" ;;
    *)
        echo "lab: family is 4 or 6, not '$1'" >&2
        return 1
        ;;
    esac
}

# Makes R answer every packet forwarded to DEST with an ICMP error:
# lab_reject FAMILY DEST TYPE, TYPE as nft names it: IPv4 net-unreachable, host-unreachable,
# prot-unreachable, port-unreachable, net-prohibited, host-prohibited, admin-prohibited;
# IPv6 no-route, admin-prohibited, addr-unreachable, port-unreachable.
lab_reject() {
    local match proto
    match=$(lab_match "$1" "$2") || return 1
    if [[ $1 == 4 ]]; then proto=icmp; else proto=icmpv6; fi
    lab_forward_rule "$match reject with $proto type $3"
}

# Adds a route of TYPE (unreachable | prohibit | blackhole) for PREFIX in R:
# lab_route_type FAMILY PREFIX TYPE. IPv4: unreachable → host unreachable, prohibit →
# communication administratively prohibited (code 13); IPv6: unreachable → no route,
# prohibit → administratively prohibited; blackhole drops silently.
lab_route_type() {
    case $3 in
    unreachable | prohibit | blackhole) ;;
    *)
        echo "lab_route_type: unreachable, prohibit or blackhole, not '$3'" >&2
        return 1
        ;;
    esac
    ip -n "$LAB_R" "-$1" route add "$3" "$2"
}

# Exports destinations for which R has no route (R answers net unreachable / no route):
# LAB_NOROUTE4 and LAB_NOROUTE6. lab_create already set them; this checks that R really has
# no route there.
lab_no_route() {
    if ip -n "$LAB_R" -4 route get "$LAB_NOROUTE4" >/dev/null 2>&1 ||
        ip -n "$LAB_R" -6 route get "$LAB_NOROUTE6" >/dev/null 2>&1; then
        echo "lab_no_route: R has a route for $LAB_NOROUTE4 or $LAB_NOROUTE6" >&2
        return 1
    fi
}

# Sets MTU on R's server-side link (both ends), so that larger packets towards S need
# fragmenting: with DF R answers fragmentation needed (IPv6: packet too big). IPv6 needs an
# MTU of at least 1280 on the link or it is switched off there.
lab_mtu() {
    ip -n "$LAB_R" link set r1 mtu "$1" && ip -n "$LAB_S" link set s0 mtu "$1"
}

# Lets IPv4 source-routed packets (loose and strict source route options) through: R forwards
# them and C and S accept them (net.ipv4.conf.*.accept_source_route, off by default).
lab_source_route() {
    lab_sysctl "$LAB_C" net.ipv4.conf.all.accept_source_route=1 \
        net.ipv4.conf.c0.accept_source_route=1 &&
        lab_sysctl "$LAB_R" net.ipv4.conf.all.accept_source_route=1 \
            net.ipv4.conf.r0.accept_source_route=1 net.ipv4.conf.r1.accept_source_route=1 &&
        lab_sysctl "$LAB_S" net.ipv4.conf.all.accept_source_route=1 \
            net.ipv4.conf.s0.accept_source_route=1
}

# Makes R drop exactly every N-th echo request forwarded to DEST (the N-th, 2N-th, ...):
# lab_loss FAMILY DEST N. The counter lives in the rule, which is new for every call.
lab_loss() {
    local match type
    match=$(lab_match "$1" "$2") || return 1
    if [[ $1 == 4 ]]; then type="icmp type echo-request"; else type="icmpv6 type echo-request"; fi
    # numgen inc counts 0, 1, ..., N-1, 0, ...: the N-th packet sees N-1.
    lab_forward_rule "$match $type numgen inc mod $3 $(($3 - 1)) drop"
}

# Drops every echo request of FAMILY (4|6) in C's own output hook, so that sendto fails
# with EPERM there. Linux's datagram ICMPv6 socket does not report it (ping_v6_sendmsg ignores
# the push result): there the request is just lost; IPv6 raw and both IPv4 kinds get EPERM.
lab_drop_output() {
    local type
    case $1 in
    4) type="icmp type echo-request" ;;
    6) type="icmpv6 type echo-request" ;;
    *)
        echo "lab_drop_output: family is 4 or 6, not '$1'" >&2
        return 1
        ;;
    esac
    lab_nft "$LAB_C" <<EOF
    chain output_drop {
        type filter hook output priority 0; policy accept;
        $type drop
    }
EOF
}

# Writes a private hosts file for C, plus an nsswitch.conf that reads only it and an empty
# resolv.conf; `ip netns exec` mounts them over /etc, so names never reach DNS:
# lab_hosts "NAME ADDR"...
lab_hosts() {
    local dir="/etc/netns/$LAB_C" entry
    mkdir -p "$dir" || return 1
    {
        echo "127.0.0.1 localhost"
        echo "::1 localhost ip6-localhost ip6-loopback"
        for entry in "$@"; do
            # shellcheck disable=SC2086 # "NAME ADDR" → "ADDR NAME"
            set -- $entry
            echo "$2 $1"
        done
    } >"$dir/hosts"
    printf 'hosts: files\n' >"$dir/nsswitch.conf"
    : >"$dir/resolv.conf"
}

# Waits (bounded, about 3 s) until the IPv6 neighbours on the path C→R→S are resolved, so
# that the first timed IPv6 echo does not include neighbour discovery.
lab_warm6() {
    local i
    for ((i = 0; i < 30; i++)); do
        # One UDP datagram each way (discard port; S answers port unreachable) makes every
        # hop resolve its next neighbour.
        ip netns exec "$LAB_C" bash -c "echo >/dev/udp/$LAB_S6/9" 2>/dev/null || true
        ip netns exec "$LAB_S" bash -c "echo >/dev/udp/$LAB_C6/9" 2>/dev/null || true
        if lab_neigh_ok "$LAB_C" "$LAB_R6" && lab_neigh_ok "$LAB_R" "$LAB_C6" &&
            lab_neigh_ok "$LAB_R" "$LAB_S6" && lab_neigh_ok "$LAB_S" "$LAB_R6_S"; then
            return 0
        fi
        sleep 0.1
    done
    echo "lab_warm6: IPv6 neighbours C→R→S not resolved within 3 s" >&2
    return 1
}

# True when NS has a usable neighbour entry for ADDR (internal helper).
lab_neigh_ok() {
    ip -n "$1" -6 neigh show "$2" | grep -qE 'REACHABLE|STALE|DELAY|PROBE|PERMANENT'
}

# Adds one nftables RULE (a single string) to a chain of its own on R's forward hook:
# lab_forward_rule RULE. For conditions the other functions do not cover, e.g.
# lab_forward_rule "ip daddr $LAB_S4 ip dscp 0x0a reject with icmp type admin-prohibited".
lab_forward_rule() {
    lab_nft "$LAB_R" <<EOT
    chain forward_rule {
        type filter hook forward priority 0; policy accept;
        $1
    }
EOT
}

# Starts the fake host ($FAKEHOST, tests/fakehost/README.md) in R on TUN device fh0 with the
# rules in SCRIPT_FILE, routes 198.18.2.0/24 and 2001:db8:2::/64 to it and waits (bounded,
# 5 s) until it is ready. Every address there answers; LAB_FAKE4=198.18.2.2 and
# LAB_FAKE6=2001:db8:2::2 are the usual targets. Its per-request log is $LAB_FAKEHOST_LOG, the
# timing of its delayed answers (its own error) $LAB_FAKEHOST_TIMING.
# Call it directly, not under `run`: lab_destroy stops it by the pid kept here.
lab_fakehost() {
    local script=$1 i
    if [[ ! -x ${FAKEHOST:-} ]]; then
        echo "lab_fakehost: FAKEHOST must be the path of the fakehost binary" >&2
        return 1
    fi
    if [[ -n ${LAB_FAKEHOST_PID:-} ]]; then
        echo "lab_fakehost: a fake host is already running in this lab" >&2
        return 1
    fi
    lab_tmp || return 1
    export LAB_FAKEHOST_LOG="$LAB_TMP/fakehost.log" LAB_FAKEHOST_TIMING="$LAB_TMP/fakehost.timing"
    rm -f "$LAB_TMP/fakehost.ready"
    # fd 3 closed: bats waits for every process holding it before it ends the test.
    ip netns exec "$LAB_R" "$FAKEHOST" --tun fh0 --script "$script" --log "$LAB_FAKEHOST_LOG" \
        --timing "$LAB_FAKEHOST_TIMING" --ready-file "$LAB_TMP/fakehost.ready" --max-seconds 120 \
        </dev/null >"$LAB_TMP/fakehost.out" 2>&1 3>&- &
    LAB_FAKEHOST_PID=$!
    for ((i = 0; i < 100; i++)); do
        [[ -e $LAB_TMP/fakehost.ready ]] && break
        if ! kill -0 "$LAB_FAKEHOST_PID" 2>/dev/null; then
            echo "lab_fakehost: fakehost exited before it was ready:" >&2
            cat "$LAB_TMP/fakehost.out" >&2
            LAB_FAKEHOST_PID=
            return 1
        fi
        sleep 0.05
    done
    if [[ ! -e $LAB_TMP/fakehost.ready ]]; then
        echo "lab_fakehost: fakehost not ready within 5 s" >&2
        return 1
    fi
    ip -n "$LAB_R" link set fh0 up &&
        ip -n "$LAB_R" route add 198.18.2.0/24 dev fh0 &&
        ip -n "$LAB_R" -6 route add 2001:db8:2::/64 dev fh0
}

# Requests seen by the fake host so far (lines of its log that start with seq=).
lab_fakehost_requests() {
    grep -c '^seq=' "$LAB_FAKEHOST_LOG" 2>/dev/null || true
}

# Makes LAB_TMP, a directory of this lab's files that lab_destroy removes (internal helper).
lab_tmp() {
    if [[ -z ${LAB_TMP:-} ]]; then
        LAB_TMP=$(mktemp -d "${BATS_TEST_TMPDIR:-${TMPDIR:-/tmp}}/lab.XXXXXX") || return 1
    fi
}

# ---- Driving the engine: echo-probe ($ECHO_PROBE, tests/lab/echo-probe.c) in the client ----

# Skips (or, with WPING_REQUIRE_LAB=1, fails) unless $ECHO_PROBE is the built echo-probe.
lab_probe_require() {
    if [[ ! -x ${ECHO_PROBE:-} ]]; then
        lab_skip "ECHO_PROBE (the echo-probe binary) is not built"
    fi
}

# Lets the client use socket KIND (dgram | raw, as lab_socket_kind) and makes the following
# lab_probe calls ask for it explicitly (-k KIND).
lab_probe_kind() {
    lab_socket_kind "$1" || return 1
    LAB_KIND=$1
}

# Runs CMD... in the client under bats' run (--separate-stderr) with each line of its stdout
# as "STAMP LINE", STAMP the time it arrived here (EPOCHREALTIME, in us), then a last line
# "wall US START": how long the whole run took, and when it started (us).
lab_stamped_run() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    run --separate-stderr lab_client bash -c \
        'start=${EPOCHREALTIME/[.,]/}
         "$@" | while IFS= read -r line || [[ -n $line ]]; do
             printf "%s %s\n" "${EPOCHREALTIME/[.,]/}" "$line"
         done
         rc=${PIPESTATUS[0]}
         echo "wall $((${EPOCHREALTIME/[.,]/} - start)) $start"
         exit "$rc"' \
        lab_stamped "$@"
}

# Runs echo-probe in the client with ARGS (plus -k for the kind chosen by lab_probe_kind),
# bounded to 10 s, under bats' run: sets $status, $output (stdout), $lines and $stderr, and
# two durations in milliseconds for lab_assert_elapsed:
# - LAB_WALL_MS, the whole run inside the client, start-up included: never less than the
#   time the engine took, so right for lower bounds;
# - LAB_ELAPSED_MS, from the opening of the handle to the last outcome, on the probe's own
#   clock (at_us): without start-up (slow under AddressSanitizer or load) and without the
#   delay of the pipe that stamps the lines here, so right for upper bounds; without an
#   outcome, from the probe's first line to its last as stamped here (0 for at most one).
lab_probe() {
    local kind=() line stamp wall first=0 last=0 text=()
    [[ -n ${LAB_KIND:-} ]] && kind=(-k "$LAB_KIND")
    lab_stamped_run timeout 10 "$ECHO_PROBE" "${kind[@]}" "$@"
    LAB_WALL_MS=0
    for line in "${lines[@]}"; do
        stamp=${line%% *}
        if [[ $stamp == wall ]]; then
            read -r _ wall _ <<<"$line"
            LAB_WALL_MS=$((wall / 1000))
            continue
        fi
        ((first == 0)) && first=$stamp
        last=$stamp
        text+=("${line#* }")
    done
    lines=("${text[@]}")
    output=$(printf '%s\n' "${lines[@]}")
    [[ ${#lines[@]} -gt 0 ]] || output=
    LAB_ELAPSED_MS=$(((last - first) / 1000))
    line=$(grep -E '^seq=' <<<"$output" | tail -n 1)
    [[ -z $line ]] || LAB_ELAPSED_MS=$(($(lab_field "$line" at_us) / 1000))
    return 0
}

# Asserts that the last lab_probe took MIN..MAX ms: at least MIN in all (LAB_WALL_MS), at
# most MAX from its first line to its last (LAB_ELAPSED_MS).
lab_assert_elapsed() {
    ((LAB_WALL_MS >= $1)) ||
        lab_fail "the probe ran $LAB_WALL_MS ms in all, expected at least $1 ms" || return 1
    ((LAB_ELAPSED_MS <= $2)) ||
        lab_fail "the probe took $LAB_ELAPSED_MS ms from first to last line, expected at most $2 ms"
}

# Fails the current test with MESSAGE and the last probe's output (internal helper).
lab_fail() {
    {
        echo "$*"
        echo "-- probe stdout --"
        echo "$output"
        echo "-- probe stderr --"
        echo "${stderr:-}"
    } >&2
    return 1
}

# Asserts that the last lab_probe ran every request: exit 0, nothing on stderr, first line
# kind=KIND (the kind lab_probe_kind chose, unless given).
lab_assert_probe_ran() {
    local want=${1:-${LAB_KIND:-}}
    # shellcheck disable=SC2154 # $status, $stderr and $lines come from bats' run
    ((status == 0)) || lab_fail "echo-probe exited $status, expected 0" || return 1
    [[ -z $stderr ]] || lab_fail "echo-probe wrote to stderr" || return 1
    [[ -z $want || ${lines[0]:-} == "kind=$want" ]] ||
        lab_fail "first line is not kind=$want" || return 1
}

# Prints the N-th outcome line (1-based, in printed order) of the last lab_probe.
lab_outcome() {
    grep -E '^seq=[0-9]+ status=' <<<"$output" | sed -n "$1p"
}

# Prints the value of KEY in LINE (a line of key=value words): lab_field LINE KEY.
lab_field() {
    local word
    for word in $1; do
        if [[ $word == "$2="* ]]; then
            echo "${word#*=}"
            return 0
        fi
    done
    return 1
}

# Asserts that the last lab_probe printed COUNT outcome lines.
lab_assert_outcome_count() {
    local count
    count=$(grep -cE '^seq=[0-9]+ status=' <<<"$output")
    ((count == $1)) || lab_fail "expected $1 outcome lines, got $count"
}

# Asserts that the N-th outcome of the last lab_probe has every KEY=VALUE given (exact words):
# lab_assert_outcome N status=0 from=198.18.1.2 ...
lab_assert_outcome() {
    local n=$1 line pair
    shift
    line=$(lab_outcome "$n")
    [[ -n $line ]] || lab_fail "there is no outcome $n" || return 1
    for pair in "$@"; do
        [[ " $line " == *" $pair "* ]] || lab_fail "outcome $n lacks $pair: $line" || return 1
    done
}

# Asserts MIN <= VALUE <= MAX for integers, naming WHAT in the message:
# lab_assert_range WHAT VALUE MIN MAX.
lab_assert_range() {
    [[ $2 =~ ^-?[0-9]+$ ]] || lab_fail "$1 is not a number: '$2'" || return 1
    (($2 >= $3 && $2 <= $4)) || lab_fail "$1 = $2, expected $3..$4"
}

# Asserts that outcome N of the last lab_probe took at least MIN_US (rtt_us) and no longer
# than the probe had been running when it printed the outcome (at_us, counted from before the
# first request): an upper bound that no load can break, and that a round trip taken from a
# request answered later exceeds. lab_assert_rtt N MIN_US.
lab_assert_rtt() {
    local line rtt at
    line=$(lab_outcome "$1")
    rtt=$(lab_field "$line" rtt_us)
    at=$(lab_field "$line" at_us)
    [[ $rtt =~ ^[0-9]+$ && $at =~ ^[0-9]+$ ]] ||
        lab_fail "outcome $1 has no rtt_us and at_us: $line" || return 1
    ((rtt >= $2)) || lab_fail "rtt_us of outcome $1 = $rtt, expected at least $2" || return 1
    ((rtt <= at)) ||
        lab_fail "rtt_us of outcome $1 = $rtt, longer than the probe had run (at_us=$at)"
}

# Asserts that the outcomes of the last lab_probe were in flight together: the last came
# sooner after the start (its at_us) than their round trips add up to, which requests made
# one after the other can never do, however fast or slow the machine.
lab_assert_overlap() {
    local line sum=0 at=0
    while IFS= read -r line; do
        [[ $line == seq=* ]] || continue
        sum=$((sum + $(lab_field "$line" rtt_us)))
        at=$(lab_field "$line" at_us)
    done <<<"$output"
    ((at > 0 && at < sum)) ||
        lab_fail "the last outcome came at $at us, the round trips add up to $sum us: not in flight together"
}

# Prints the notice lines of the last lab_probe (notice=KIND seq=N from=ADDR len=N match=M).
lab_notices() {
    grep -E '^notice=' <<<"$output" || true
}

# ---- The router chain: a path of three routers with an MTU of their own per link ----
#
#   C --l0-- R1 --l1-- R2 --l2-- R3 --l3-- S
#
# Link k joins node k (C = 0) and node k + 1; its near end is 198.18.1k.1 / 2001:db8:1k::1,
# its far end 198.18.1k.2 / 2001:db8:1k::2. The client's link is 1500; links 1 to 3 have
# LAB_CHAIN_MTU4 (1480 1400 1320) for IPv4 and, through net.ipv6.conf.*.mtu on the same
# devices, LAB_CHAIN_MTU6 (1420 1360 1280) for IPv6, so each router reports a limit of its
# own and each family meets other numbers. The path MTU is thus 1320 (IPv4) and 1280 (IPv6).

# Creates the chain instead of lab_create's three namespaces (use one or the other in a
# test; lab_destroy removes either). Exports LAB_C and LAB_S (client and server namespaces,
# so that lab_client, lab_socket_kind and lab_hosts work), LAB_R1..LAB_R3, LAB_C4/LAB_C6 and
# LAB_S4/LAB_S6 (the ends), LAB_HOP1_4..LAB_HOP3_4 and LAB_HOP1_6..LAB_HOP3_6 (each router's
# address towards the client: the one its ICMP errors come from).
lab_chain_create() {
    local id ns k j nodes
    [[ -z ${LAB_SKIP_REASON:-} ]] || skip "$LAB_SKIP_REASON"
    id="$LAB_PREFIX$$-${BATS_TEST_NUMBER:-0}-$RANDOM"
    export LAB_ID=$id
    export LAB_C="$id-c" LAB_R1="$id-r1" LAB_R2="$id-r2" LAB_R3="$id-r3" LAB_S="$id-s"
    export LAB_R=
    export LAB_CHAIN_MTU4="1480 1400 1320" LAB_CHAIN_MTU6="1420 1360 1280"
    export LAB_C4=198.18.10.1 LAB_C6=2001:db8:10::1 LAB_S4=198.18.13.2 LAB_S6=2001:db8:13::2
    export LAB_HOP1_4=198.18.10.2 LAB_HOP2_4=198.18.11.2 LAB_HOP3_4=198.18.12.2
    export LAB_HOP1_6=2001:db8:10::2 LAB_HOP2_6=2001:db8:11::2 LAB_HOP3_6=2001:db8:12::2
    LAB_FAKEHOST_PID=
    LAB_TABLES=0
    LAB_TMP=
    nodes=("$LAB_C" "$LAB_R1" "$LAB_R2" "$LAB_R3" "$LAB_S")
    LAB_CHAIN_NS="$LAB_R1 $LAB_R2 $LAB_R3"
    for ns in "${nodes[@]}"; do
        lab_ns_add "$ns" || return 1
    done
    for k in 1 2 3; do
        lab_sysctl "${nodes[k]}" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return 1
    done
    local mtu4 mtu6
    read -r -a mtu4 <<<"1500 $LAB_CHAIN_MTU4"
    read -r -a mtu6 <<<"1500 $LAB_CHAIN_MTU6"
    for k in 0 1 2 3; do
        ip link add "l${k}a" netns "${nodes[k]}" type veth peer name "l${k}b" \
            netns "${nodes[k + 1]}" || return 1
        ip -n "${nodes[k]}" link set "l${k}a" mtu "${mtu4[k]}" up &&
            ip -n "${nodes[k + 1]}" link set "l${k}b" mtu "${mtu4[k]}" up || return 1
        lab_sysctl "${nodes[k]}" "net.ipv6.conf.l${k}a.mtu=${mtu6[k]}" &&
            lab_sysctl "${nodes[k + 1]}" "net.ipv6.conf.l${k}b.mtu=${mtu6[k]}" || return 1
        ip -n "${nodes[k]}" addr add "198.18.1$k.1/24" dev "l${k}a" &&
            ip -n "${nodes[k]}" addr add "2001:db8:1$k::1/64" dev "l${k}a" nodad &&
            ip -n "${nodes[k + 1]}" addr add "198.18.1$k.2/24" dev "l${k}b" &&
            ip -n "${nodes[k + 1]}" addr add "2001:db8:1$k::2/64" dev "l${k}b" nodad || return 1
    done
    # Towards S: the next node; towards C: each farther link through the previous node.
    for k in 0 1 2 3; do
        ip -n "${nodes[k]}" route add default via "198.18.1$k.2" &&
            ip -n "${nodes[k]}" -6 route add default via "2001:db8:1$k::2" || return 1
    done
    for k in 2 3 4; do
        for ((j = 0; j < k - 1; j++)); do
            ip -n "${nodes[k]}" route add "198.18.1$j.0/24" via "198.18.1$((k - 1)).1" &&
                ip -n "${nodes[k]}" -6 route add "2001:db8:1$j::/64" \
                    via "2001:db8:1$((k - 1))::1" || return 1
        done
    done
}

# Runs nftables rules (stdin) in a chain on the output hook of router K (1..3): what the
# router itself sends, its ICMP errors included (internal helper).
lab_chain_output() {
    local ns
    case $1 in
    1) ns=$LAB_R1 ;;
    2) ns=$LAB_R2 ;;
    3) ns=$LAB_R3 ;;
    *)
        echo "lab_chain: router is 1, 2 or 3, not '$1'" >&2
        return 1
        ;;
    esac
    { echo "chain output_errors {"; echo "type filter hook output priority 0; policy accept;"
      cat; echo "}"; } | lab_nft "$ns"
}

# Router K drops its fragmentation needed / packet too big errors: an MTU black hole.
lab_chain_blackhole() {
    lab_chain_output "$1" <<'EOT'
icmp type destination-unreachable icmp code frag-needed drop
icmpv6 type packet-too-big drop
EOT
}

# Router K sends at most one TTL-expired (hop limit exceeded) error a minute per family:
# the first probe that expires there is answered, the next ones are not.
lab_chain_ratelimit() {
    lab_chain_output "$1" <<'EOT'
icmp type time-exceeded limit rate over 1/minute burst 1 packets drop
icmpv6 type time-exceeded limit rate over 1/minute burst 1 packets drop
EOT
}

# Router K answers nothing: it drops every ICMP error it would send, so a traceroute sees
# "Request timed out." there, while it still forwards.
lab_chain_silent() {
    lab_chain_output "$1" <<'EOT'
icmp type { destination-unreachable, time-exceeded, parameter-problem } drop
icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem } drop
EOT
}

# Waits (bounded, about 3 s) until every IPv6 neighbour along the chain is resolved.
lab_chain_warm6() {
    local i
    for ((i = 0; i < 30; i++)); do
        ip netns exec "$LAB_C" bash -c "echo >/dev/udp/$LAB_S6/9" 2>/dev/null || true
        ip netns exec "$LAB_S" bash -c "echo >/dev/udp/$LAB_C6/9" 2>/dev/null || true
        if lab_neigh_ok "$LAB_C" "$LAB_HOP1_6" && lab_neigh_ok "$LAB_R3" "$LAB_S6" &&
            lab_neigh_ok "$LAB_S" 2001:db8:13::1 && lab_neigh_ok "$LAB_R1" "$LAB_C6" &&
            lab_neigh_ok "$LAB_R1" "$LAB_HOP2_6" && lab_neigh_ok "$LAB_R2" "$LAB_HOP3_6"; then
            return 0
        fi
        sleep 0.1
    done
    echo "lab_chain_warm6: IPv6 neighbours along the chain not resolved within 3 s" >&2
    return 1
}
