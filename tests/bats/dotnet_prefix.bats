#!/usr/bin/env bats
# C# programs that P/Invoke icmp.dll and iphlpapi.dll (tests/dotnet), compiled with Mono's mcs
# and run with mono against libicmpapi installed by `cmake --install` into a temporary
# prefix, with only the LD_LIBRARY_PATH that a user of such a prefix sets: the structure
# layouts, the names that do not load it (no LD_LIBRARY_PATH; "ICMP.DLL" without Mono's
# case-insensitive dllmap), then every program in the lab with datagram and with raw ICMP
# sockets. Without mcs or mono the file fails (tests/run installs them); without the lab, the
# lab tests skip (fail with WPING_REQUIRE_LAB=1). tests/bats/install_deb.bats runs the same
# programs from the Debian package.

# shellcheck source=../install/common.bash
source "${WPING_SOURCE_DIR:?}/tests/install/common.bash"
# shellcheck source=../dotnet/dotnet.bash
source "$WPING_SOURCE_DIR/tests/dotnet/dotnet.bash"

BUILD=$BATS_FILE_TMPDIR/build
PREFIX=$BATS_FILE_TMPDIR/prefix
DOTNET_BIN=$BATS_FILE_TMPDIR/bin
# shellcheck disable=SC2034 # read by dotnet_run
DOTNET_ENV=("LD_LIBRARY_PATH=$PREFIX/lib")

setup_file() {
    dotnet_require
    dotnet_compile "$DOTNET_BIN"
    install_build "$BUILD"
    cmake --install "$BUILD" --prefix "$PREFIX" >"$BATS_FILE_TMPDIR/install.log" 2>&1 || {
        cat "$BATS_FILE_TMPDIR/install.log" >&2
        return 1
    }
    lab_require
}

@test "Marshal lays out the C# declarations of the ICMP structures as the installed headers do" {
    dotnet_layouts -I"$PREFIX/include/wping/win32"
}

@test "DllImport(\"icmp.dll\") finds nothing without the prefix's library directory" {
    # The premise of the other tests: the programs load the library through the names in
    # PREFIX/lib, not through some other installed copy. install_deb.bats holds this lock
    # while its package is installed.
    local lock_fd
    exec {lock_fd}>/run/lock/wping-install-deb.lock
    flock -w 300 "$lock_fd" || fail "install_deb.bats held its lock for 300 s"
    if [[ -e /usr/lib/$(cc -print-multiarch)/libicmp.dll.so ]]; then
        exec {lock_fd}>&-
        skip "a libicmpapi is installed system-wide"
    fi
    run --separate-stderr env -u LD_LIBRARY_PATH timeout 60 "$MONO" "$DOTNET_BIN/SimplePing.exe" \
        127.0.0.1 1000
    exec {lock_fd}>&-
    assert_failure
    assert_equal "$output" ""
    assert_equal "$(grep -c 'System.DllNotFoundException: icmp.dll' <<<"$stderr")" 2
}

@test "DllImport(\"ICMP.DLL\") needs Mono's case-insensitive dllmap, which then loads the library" {
    local bare=$BATS_TEST_TMPDIR/bare
    mkdir "$bare"
    cp "$DOTNET_BIN/UpperCase.exe" "$bare/"
    run --separate-stderr env LD_LIBRARY_PATH="$PREFIX/lib" timeout 60 "$MONO" "$bare/UpperCase.exe"
    assert_failure
    assert_output ""
    assert_equal "$(grep -c 'System.DllNotFoundException: ICMP.DLL' <<<"$stderr")" 2
    # Beside its UpperCase.exe.config (i:icmp.dll → libicmpapi.so.1):
    run --separate-stderr env LD_LIBRARY_PATH="$PREFIX/lib" timeout 60 "$MONO" \
        "$DOTNET_BIN/UpperCase.exe"
    assert_success
    assert_equal "$stderr" ""
    assert_output "IcmpParseReplies: 0, last error 87"
}

@test "the C# programs ping, time out and get router errors from the prefix (dgram)" {
    lab_create
    dotnet_lab_conditions
    dotnet_lab_programs dgram "$PREFIX/lib"
}

@test "the C# programs ping, time out and get router errors from the prefix (raw)" {
    lab_create
    dotnet_lab_conditions
    dotnet_lab_programs raw "$PREFIX/lib"
}

teardown() { lab_destroy; }
