# shellcheck shell=bash
# shellcheck disable=SC2154 # status, output, stderr and lines come from bats' run
# Shared by the hostile_*.bats files (issue 6, hostile replies): the fake host answers wping's
# requests with damaged, foreign or excessive packets, and each test checks what wping printed
# for every request, the exact statistics and the exit status, with nothing on stderr (so no
# sanitizer report either) and no death by a signal.
# Load after wping_common: `load wping_common` then `load hostile_common`.

# The socket kinds and families a test covers, as "KIND FAMILY" words.
# shellcheck disable=SC2034 # used by the test files
HOSTILE_CASES=("dgram 4" "dgram 6" "raw 4" "raw 6")

# setup_file: wping, the lab and the fake host are there.
hostile_setup_file() {
    wping_setup_file
    if [[ ! -x ${FAKEHOST:-} ]]; then
        lab_skip "FAKEHOST (the fakehost binary) is not built"
    fi
}

hostile_setup() {
    wping_setup
    HOSTILE_WARM6=0
}

hostile_teardown() {
    if [[ -z ${BATS_TEST_COMPLETED:-} && -n ${LAB_FAKEHOST_LOG:-} && -e $LAB_FAKEHOST_LOG ]]; then
        echo "# fake host log (last 40 lines):"
        tail -n 40 "$LAB_FAKEHOST_LOG" | sed 's/^/#   /'
    fi
    wping_teardown
}

# Starts the fake host with the script lines given as arguments.
hostile_fakehost() {
    printf '%s\n' "$@" >"$BATS_TEST_TMPDIR/fakehost.script"
    lab_fakehost "$BATS_TEST_TMPDIR/fakehost.script"
}

# The fake host's address in FAMILY (4 | 6).
hostile_target() {
    if [[ $1 == 4 ]]; then echo "$LAB_FAKE4"; else echo "$LAB_FAKE6"; fi
}

# Makes the client use socket KIND for FAMILY (warming the IPv6 path once), sets TARGET and
# says which case runs, so that a failure names it: hostile_use KIND FAMILY [WHAT].
hostile_use() {
    lab_socket_kind "$1"
    if [[ $2 == 6 && $HOSTILE_WARM6 == 0 ]]; then
        lab_warm6
        HOSTILE_WARM6=1
    fi
    # shellcheck disable=SC2034 # used by the test files
    TARGET=$(hostile_target "$2")
    echo "# case: $1 socket, IPv$2${3:+, $3}" >&2
}

# Runs wping in the client with ARGS (bounded to 20 s) and asserts that it survived: no death
# by a signal (status below 128) and nothing at all on stderr, where a sanitizer would report.
hostile_ping() {
    run --separate-stderr lab_client timeout -s KILL 20 "$WPING" "$@"
    if ((status >= 128)); then
        fail "wping died with status $status (signal $((status - 128))); stderr: $stderr"
    fi
    if [[ -n $stderr ]]; then
        fail "wping wrote to stderr: $stderr"
    fi
}

# A reply line as wping_masked shows it: hostile_reply TARGET SENT [GOT]. IPv4 lines carry
# the TTL the fake host's replies have at the client (64 minus the router); IPv6 lines show
# bytes only when the size differs, as ping.exe's do.
hostile_reply() {
    local target=$1 sent=$2 got=${3:-$2} bytes="" ttl=""
    if [[ $got != "$sent" ]]; then
        bytes="bytes=$got (sent $sent) "
    elif [[ $target != *:* ]]; then
        bytes="bytes=$got "
    fi
    [[ $target == *:* ]] || ttl=" TTL=63"
    echo "Reply from $target: ${bytes}time=RTT$ttl"
}

# The whole masked stdout of a run to TARGET with SIZE-byte requests whose lines are given,
# statistics worked out from them by ping.exe's rules (docs/design.md, Statistics): every "Reply from" line
# is received, echo replies ("bytes=" or "time=") are successes and bring the round-trip block.
# hostile_expected TARGET SIZE LINE...
hostile_expected() {
    local target=$1 size=$2 line sent=0 received=0 ok=0
    shift 2
    printf '\nPinging %s with %s bytes of data:\n' "$target" "$size"
    for line in "$@"; do
        printf '%s\n' "$line"
        case $line in
        "Request timed out.") sent=$((sent + 1)) ;;
        "Reply from "*": bytes="* | "Reply from "*": time="*)
            sent=$((sent + 1)) received=$((received + 1)) ok=$((ok + 1))
            ;;
        "Reply from "*) sent=$((sent + 1)) received=$((received + 1)) ;;
        esac
    done
    printf '\nPing statistics for %s:\n' "$target"
    printf '    Packets: Sent = %d, Received = %d, Lost = %d (%d%% loss),\n' \
        "$sent" "$received" $((sent - received)) $(((sent - received) * 100 / sent))
    if ((ok > 0)); then
        printf 'Approximate round trip times in milli-seconds:\n'
        printf '    Minimum = Nms, Maximum = Nms, Average = Nms\n'
    fi
}

# Asserts that the last hostile_ping printed exactly these lines (masked) with the statistics
# they imply, and exited 0 when one of them is an echo reply, else 1:
# hostile_assert TARGET SIZE LINE...
hostile_assert() {
    local expected want=1 line
    expected=$(hostile_expected "$@")
    for line in "${@:3}"; do
        [[ $line == "Reply from "*": bytes="* || $line == "Reply from "*": time="* ]] && want=0
    done
    assert_equal "$(wping_masked)" "$expected"
    assert_equal "$status" "$want"
}

# The RTT in whole ms of reply line N of the last run (time<1ms is 0): hostile_rtt_ms N.
hostile_rtt_ms() {
    local line=${lines[$1]}
    if [[ $line =~ time\<1ms ]]; then
        echo 0
    elif [[ $line =~ time=([0-9]+)ms ]]; then
        echo "${BASH_REMATCH[1]}"
    else
        fail "line $1 has no time: $line"
    fi
}
