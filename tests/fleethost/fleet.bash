# shellcheck shell=bash
#
# The fleet host in the network lab: one TUN device that answers every address of
# 198.18.64.0/18 (LAB_FLEET4) and 2001:db8:f::/112 (LAB_FLEET6). Source it after the lab:
#   source "$WPING_LAB"; source "$WPING_SOURCE_DIR/tests/fleethost/fleet.bash"
#   setup()    { lab_create; }
#   teardown() { fleet_stop; lab_destroy; }
#
# fleet_start WHERE [fleethost options]...   WHERE is router (behind R, one hop from C) or
#                                            client (in C itself: no forwarding in between)
# fleet_stats KEY                            a count of the fleet host (requests, answered,
#                                            dropped, ...), asked for now
# fleet_addresses4 N / fleet_addresses6 N    the first N addresses of the fleet, one a line
#                                            (from index 1: the all-zero host is left out,
#                                            in IPv6 it is the subnet-router anycast address)

export LAB_FLEET4=198.18.64.0/18 LAB_FLEET6=2001:db8:f::/112
FLEET_PID=

fleet_start() {
    local where=$1 ns i
    shift
    case $where in
    router) ns=$LAB_R ;;
    client) ns=$LAB_C ;;
    *)
        echo "fleet_start: router or client, not '$where'" >&2
        return 1
        ;;
    esac
    if [[ ! -x ${FLEETHOST:-} ]]; then
        echo "fleet_start: FLEETHOST must be the path of the fleethost binary" >&2
        return 1
    fi
    lab_tmp || return 1
    export FLEET_STATS="$LAB_TMP/fleet.stats"
    rm -f "$LAB_TMP/fleet.ready"
    # fd 3 closed: bats waits for every process holding it before it ends the test.
    ip netns exec "$ns" "$FLEETHOST" --tun fl0 --ready-file "$LAB_TMP/fleet.ready" \
        --stats "$FLEET_STATS" --max-seconds 300 "$@" \
        </dev/null >"$LAB_TMP/fleet.out" 2>&1 3>&- &
    FLEET_PID=$!
    for ((i = 0; i < 100; i++)); do
        [[ -e $LAB_TMP/fleet.ready ]] && break
        if ! kill -0 "$FLEET_PID" 2>/dev/null; then
            echo "fleet_start: fleethost exited before it was ready:" >&2
            cat "$LAB_TMP/fleet.out" >&2
            FLEET_PID=
            return 1
        fi
        sleep 0.05
    done
    [[ -e $LAB_TMP/fleet.ready ]] || {
        echo "fleet_start: fleethost not ready within 5 s" >&2
        return 1
    }
    # A long queue: a burst of thousands of requests must wait in it, not be dropped.
    ip -n "$ns" link set fl0 txqueuelen 65536 up &&
        ip -n "$ns" route add "$LAB_FLEET4" dev fl0 &&
        ip -n "$ns" -6 route add "$LAB_FLEET6" dev fl0
}

# Prints one count of the fleet host as it is now: fleet_stats KEY.
fleet_stats() {
    local i
    rm -f "$FLEET_STATS"
    kill -USR1 "$FLEET_PID" || return 1
    for ((i = 0; i < 100; i++)); do
        [[ -e $FLEET_STATS ]] && break
        sleep 0.02
    done
    sed -n "s/^$1=//p" "$FLEET_STATS"
}

fleet_stop() {
    if [[ -n ${FLEET_PID:-} ]]; then
        kill "$FLEET_PID" 2>/dev/null || true
        wait "$FLEET_PID" 2>/dev/null || true
        FLEET_PID=
    fi
}

fleet_addresses4() {
    awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) printf "198.18.%d.%d\n", 64 + int(i / 256), i % 256 }'
}

fleet_addresses6() {
    awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) printf "2001:db8:f::%x\n", i }'
}
