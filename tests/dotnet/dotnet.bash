# shellcheck shell=bash
#
# The C# programs of tests/dotnet, compiled with Mono's mcs and run with mono in the lab's
# client namespace against an installed libicmpapi, as a porter runs them: sourced by
# tests/bats/dotnet_prefix.bats (a `cmake --install` prefix, with LD_LIBRARY_PATH) and
# tests/bats/install_deb.bats (the Debian package, nothing set). Needs tests/lab/lab.bash and
# bats-assert loaded first.

DOTNET_SOURCES=${WPING_SOURCE_DIR:?}/tests/dotnet
# Mono's compiler and runtime: as tests/bats/CMakeLists.txt found them, else from PATH.
MCS=${MCS:-mcs}
MONO=${MONO:-mono}

# Fails, never skips, unless mcs and mono are installed: tests/run installs them (Debian's
# mono-mcs and mono-runtime), so a machine without them has not been set up.
dotnet_require() {
    local tool
    for tool in "$MCS" "$MONO"; do
        if ! command -v "$tool" >/dev/null; then
            echo "the .NET tests need $tool: apt-get install mono-mcs mono-runtime" \
                "(tests/run installs them)" >&2
            return 1
        fi
    done
}

# Compiles every program of tests/dotnet, with the shared Structs.cs, into DIR/NAME.exe
# (warnings are errors) and puts the .exe.config files beside them: dotnet_compile DIR
dotnet_compile() {
    local dir=$1 source name
    mkdir -p "$dir"
    for source in "$DOTNET_SOURCES"/*.cs; do
        name=$(basename "${source%.cs}")
        [[ $name != Structs ]] || continue
        "$MCS" -nologo -warnaserror+ -out:"$dir/$name.exe" "$source" \
            "$DOTNET_SOURCES/Structs.cs" || return 1
    done
    cp "$DOTNET_SOURCES"/*.exe.config "$dir/"
}

# Runs a program of DOTNET_BIN in the client namespace with the environment DOTNET_ENV (an
# array of NAME=VALUE, maybe empty): dotnet_run PROGRAM ARGS... ($status, $output, $stderr)
dotnet_run() {
    local program=$1
    shift
    run --separate-stderr lab_client env "${DOTNET_ENV[@]}" timeout 60 \
        "$MONO" "$DOTNET_BIN/$program.exe" "$@"
}

# Asserts that the last dotnet_run exited 0 and printed nothing on stderr.
dotnet_assert_ran() {
    assert_success
    assert_equal "$stderr" ""
}

# Compares the structure layouts that Marshal gives the C# declarations with the C layouts
# of the installed headers: dotnet_layouts CFLAGS... (the flags that find the headers).
dotnet_layouts() {
    local c_layouts=$BATS_TEST_TMPDIR/layouts
    cc -std=c17 -Wall -Wextra -Wpedantic -Werror "$@" "$DOTNET_SOURCES/layouts.c" \
        -o "$c_layouts" || return 1
    run --separate-stderr "$MONO" "$DOTNET_BIN/Layouts.exe"
    assert_success
    assert_equal "$stderr" ""
    # 64-bit Windows' numbers (icmpapi(3), Types and layouts), so that both sides cannot agree on
    # something else.
    assert_line 'ICMP_ECHO_REPLY 40'
    assert_line 'ICMP_ECHO_REPLY.Options 24'
    assert_line 'ICMP_ECHO_REPLY_WITH_DATA.Data 40'
    assert_line 'IP_OPTION_INFORMATION 16'
    assert_line 'ICMPV6_ECHO_REPLY 36'
    assert_line 'ICMPV6_ECHO_REPLY.Status 28'
    assert_line 'sockaddr_in6 28'
    assert_equal "$output" "$("$c_layouts")"
}

# The lab's conditions for dotnet_lab_programs, once per lab: S answers, 198.18.6.0/24 and
# 2001:db8:6::/64 are blackholes in R, and R has no route for LAB_NOROUTE4 / LAB_NOROUTE6.
dotnet_lab_conditions() {
    lab_warm6
    lab_no_route
    lab_route_type 4 198.18.6.0/24 blackhole
    lab_route_type 6 2001:db8:6::/64 blackhole
}

# Every C# program in the lab, with socket KIND (dgram | raw), the library loaded from LIBDIR
# (checked in /proc/self/maps): dotnet_lab_programs KIND LIBDIR. An answering host, a
# blackhole (a timeout: 11010 in Status and in GetLastWin32Error) and a net without a route,
# for IcmpSendEcho; IcmpSendEcho2 with an event and with an APC, IcmpParseReplies;
# Icmp6SendEcho2.
dotnet_lab_programs() {
    local kind=$1 libdir=$2 start elapsed
    lab_socket_kind "$kind"

    dotnet_run SocketKind
    dotnet_assert_ran
    assert_output "$kind"

    dotnet_run SimplePing "$LAB_S4" 1000
    dotnet_assert_ran
    assert_line 'replies: 1'
    assert_line 'last error: 0'
    assert_line 'status: 0'
    assert_line "from: $LAB_S4"
    assert_line 'data size: 32'
    assert_line 'data same: True'
    assert_line 'ttl: 63' # S's 64, less R's hop
    assert_line 'round trip below timeout: True'

    start=$(date +%s%N)
    dotnet_run SimplePing 198.18.6.1 300
    elapsed=$((($(date +%s%N) - start) / 1000000))
    dotnet_assert_ran
    assert_line 'replies: 0'
    assert_line 'last error: 11010'
    assert_line 'status: 11010'
    assert_line 'data size: 0'
    # It waited its 300 ms (the upper bound is generous: mono starts slowly under load).
    assert [ "$elapsed" -ge 300 ]

    dotnet_run SimplePing "$LAB_NOROUTE4" 1000
    dotnet_assert_ran
    # An ICMP error is a reply: the call succeeds, Status says what the router said.
    assert_line 'replies: 1'
    assert_line 'last error: 0'
    assert_line 'status: 11002'
    assert_line "from: $LAB_R4"

    dotnet_run AsyncPing "$LAB_S4" 1000
    dotnet_assert_ran
    assert_equal "$output" "event created: True last error 0
event send: 0 last error 997
event wait: signalled
event reserved before parse: 1
event parse: 1
event reserved after parse: 0
event status: 0
event from: $LAB_S4
event data offset: 40
event data same: True
apc send: 0 last error 997
apc sleep: io completion
apc calls: 1
apc information: 72
apc reserved before parse: 1
apc parse: 1
apc reserved after parse: 0
apc status: 0
apc from: $LAB_S4
apc data offset: 40
apc data same: True
managed event send: 0 last error 6
managed event signalled: False
libicmpapi loaded from: $libdir/libicmpapi.so.1.0.0
libicmpapi copies: 1"

    dotnet_run AsyncPing 198.18.6.1 300
    dotnet_assert_ran
    assert_line 'event send: 0 last error 997'
    assert_line 'event parse: 0'
    assert_line 'event parse last error: 11010'
    assert_line 'event status: 11010'
    assert_line 'apc parse last error: 11010'

    dotnet_run Ping6 "$LAB_S6" 1000
    dotnet_assert_ran
    local form
    for form in bytes struct; do
        assert_line "$form replies: 1"
        assert_line "$form last error: 0"
        assert_line "$form status: 0"
        assert_line "$form from: $LAB_S6"
        assert_line "$form data same: True"
        assert_line "$form parse: 1"
    done

    dotnet_run Ping6 2001:db8:6::1 300
    dotnet_assert_ran
    assert_line 'bytes replies: 0'
    assert_line 'bytes last error: 11010'
    assert_line 'bytes status: 11010'
    assert_line 'bytes parse last error: 11010'

    dotnet_run Ping6 "$LAB_NOROUTE6" 1000
    dotnet_assert_ran
    # Icmp6ParseReplies counts only echo replies (as Wine's does): an ICMPv6 error makes the
    # call return 0, the status in GetLastWin32Error, the router in the reply.
    for form in bytes struct; do
        assert_line "$form replies: 0"
        assert_line "$form last error: 11002"
        assert_line "$form status: 11002"
        assert_line "$form from: $LAB_R6"
    done
}
