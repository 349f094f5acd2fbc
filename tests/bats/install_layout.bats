#!/usr/bin/env bats
# `cmake --install` of a release-like build of this source tree into a temporary prefix: the
# installed files are exactly tests/install/expected-files.txt; a porter's Windows-style
# example builds against the installed libicmpapi with pkg-config and with find_package and
# answers on 127.0.0.1; each shell finds its installed completion in its standard place.

# shellcheck source=../install/common.bash
source "${WPING_SOURCE_DIR:?}/tests/install/common.bash"

EXAMPLE=$WPING_SOURCE_DIR/examples/icmp_send_echo.c
BUILD=$BATS_FILE_TMPDIR/build
PREFIX=$BATS_FILE_TMPDIR/prefix

setup_file() {
    install_build "$BUILD"
    cmake --install "$BUILD" --prefix "$PREFIX" >"$BATS_FILE_TMPDIR/install.log" 2>&1 || {
        cat "$BATS_FILE_TMPDIR/install.log" >&2
        return 1
    }
}

# The project's version, from the top-level CMakeLists.txt.
project_version() {
    sed -nE 's/^project\(wping VERSION ([0-9.]+).*/\1/p' "$WPING_SOURCE_DIR/CMakeLists.txt"
}

# Paths of the regular files and symbolic links under DIR, relative and sorted.
installed_files() {
    (cd "$1" && find . \( -type f -o -type l \) -printf '%P\n' | LC_ALL=C sort)
}

# Runs the example PROGRAM against 127.0.0.1 ($status, $output with the RTT masked). Skips
# (fails with WPING_REQUIRE_LAB=1) when this user may open neither kind of ICMP socket.
run_example() {
    run --separate-stderr timeout 20 "$@" 127.0.0.1
    if [[ $status -ne 0 && $output == *"Could not open an ICMP handle"* && $EUID -ne 0 ]]; then
        lab_skip "no ICMP socket for uid $EUID (net.ipv4.ping_group_range) and not root"
    fi
    output=$(sed -E 's/Round trip: [0-9]+ ms/Round trip: N ms/' <<<"$output")
}

# The example's whole output for one answered echo from loopback.
assert_example_answered() {
    assert_equal "$status" 0
    assert_equal "$stderr" ""
    assert_equal "$output" "Echo request sent to 127.0.0.1
Replies received: 1
First reply:
  From:       127.0.0.1
  Status:     0
  Round trip: N ms
  Data bytes: 32
  TTL:        $(cat /proc/sys/net/ipv4/ip_default_ttl)"
}

@test "cmake --install installs exactly the files of tests/install/expected-files.txt" {
    run installed_files "$PREFIX"
    assert_success
    assert_equal "$output" "$(LC_ALL=C sort "$INSTALL_TESTS/expected-files.txt")"
}

@test "the Windows-style headers are only under include/wping/win32, never in the include root" {
    run find "$PREFIX/include" -mindepth 1 -maxdepth 1
    assert_output "$PREFIX/include/wping"
    run find "$PREFIX/include/wping" -mindepth 1 -maxdepth 1
    assert_output "$PREFIX/include/wping/win32"
    run diff -r "$WPING_SOURCE_DIR/src/icmpapi/include" "$PREFIX/include/wping/win32"
    assert_success
}

@test "libicmpapi.so is a symbolic link chain to the versioned library with SONAME libicmpapi.so.1" {
    assert_equal "$(readlink "$PREFIX/lib/libicmpapi.so")" libicmpapi.so.1
    assert_equal "$(readlink "$PREFIX/lib/libicmpapi.so.1")" libicmpapi.so.1.0.0
    run readelf -d "$PREFIX/lib/libicmpapi.so.1.0.0"
    assert_success
    assert_line --regexp 'SONAME.*\[libicmpapi\.so\.1\]'
}

@test "the names .NET and Mono load for icmp.dll and iphlpapi.dll are links to the SONAME" {
    local name
    for name in libicmp.so libicmp.dll.so libiphlpapi.so libiphlpapi.dll.so; do
        assert_equal "$name -> $(readlink "$PREFIX/lib/$name")" "$name -> libicmpapi.so.1"
    done
}

@test "libicmpapi.a holds the engine too, so that -licmpapi alone links statically" {
    run nm --defined-only "$PREFIX/lib/libicmpapi.a"
    assert_success
    assert_line --regexp ' T IcmpSendEcho$'
    assert_line --regexp ' T echo_open$'
    # What the members leave undefined is the C library's, nothing of the engine.
    run comm -23 <(nm --undefined-only --format=posix "$PREFIX/lib/libicmpapi.a" |
        awk 'NF >= 2 {print $1}' | sort -u) <(nm --defined-only --format=posix \
        "$PREFIX/lib/libicmpapi.a" | awk 'NF >= 2 {print $1}' | sort -u)
    assert_success
    assert_line socket
    refute_line --regexp '^echo_'
}

@test "icmpapi.pc gives the installed include directory and -licmpapi" {
    # pkg-config ends its output with a space: xargs trims it.
    run env PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" pkg-config --cflags icmpapi
    assert_success
    assert_equal "$(xargs <<<"$output")" "-I$PREFIX/include/wping/win32"
    run env PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" pkg-config --libs icmpapi
    assert_success
    assert_equal "$(xargs <<<"$output")" "-L$PREFIX/lib -licmpapi"
    run env PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" pkg-config --modversion icmpapi
    assert_output "$(project_version)"
}

@test "with DESTDIR, icmpapi.pc names the prefix, not the staging directory" {
    local stage=$BATS_TEST_TMPDIR/stage
    DESTDIR=$stage run cmake --install "$BUILD" --prefix /opt/wping-test
    assert_success
    run grep -x 'prefix=/opt/wping-test' "$stage/opt/wping-test/lib/pkgconfig/icmpapi.pc"
    assert_success
    run installed_files "$stage/opt/wping-test"
    assert_equal "$output" "$(LC_ALL=C sort "$INSTALL_TESTS/expected-files.txt")"
}

@test "a Windows-style example built with pkg-config's flags only answers on 127.0.0.1" {
    local flags exe=$BATS_TEST_TMPDIR/icmp_send_echo
    flags=$(PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig pkg-config --cflags --libs icmpapi)
    # shellcheck disable=SC2086 # the flags are words
    run cc -std=c17 -Wall -Wextra -Wpedantic -Werror "$EXAMPLE" $flags -o "$exe"
    assert_success
    assert_output ""
    run readelf -d "$exe"
    assert_line --regexp 'NEEDED.*\[libicmpapi\.so\.1\]'
    LD_LIBRARY_PATH=$PREFIX/lib run_example "$exe"
    assert_example_answered
}

@test "find_package(icmpapi) builds the example with the shared and the static library" {
    local porter=$BATS_TEST_TMPDIR/porter
    run cmake -S "$INSTALL_TESTS/find-package" -B "$porter" -DCMAKE_PREFIX_PATH="$PREFIX" \
        -DPORTER_SOURCE="$EXAMPLE"
    assert_success
    run cmake --build "$porter"
    assert_success
    run readelf -d "$porter/porter_shared"
    assert_line --regexp 'NEEDED.*\[libicmpapi\.so\.1\]'
    run readelf -d "$porter/porter_static"
    refute_line --partial libicmpapi
    # The shared one finds the library by the RPATH CMake gives build-tree programs.
    run_example "$porter/porter_shared"
    assert_example_answered
    run_example "$porter/porter_static"
    assert_example_answered
}

@test "find_package(icmpapi) refuses a different major version" {
    local porter=$BATS_TEST_TMPDIR/porter
    mkdir -p "$porter"
    printf '%s\n' 'cmake_minimum_required(VERSION 3.25)' 'project(v LANGUAGES C)' \
        'find_package(icmpapi 99 REQUIRED)' >"$porter/CMakeLists.txt"
    run cmake -S "$porter" -B "$porter/build" -DCMAKE_PREFIX_PATH="$PREFIX"
    assert_failure
    assert_output --partial 'compatible with requested version "99"'
    assert_output --partial "$PREFIX/lib/cmake/icmpapi/icmpapiConfig.cmake, version: $(project_version)"
}

@test "man finds wping(1) and the section-3 pages under the installed share/man" {
    run man -M "$PREFIX/share/man" -w wping
    assert_success
    assert_output "$PREFIX/share/man/man1/wping.1"
    run man -M "$PREFIX/share/man" -w 3 IcmpSendEcho
    assert_success
    assert_output "$PREFIX/share/man/man3/IcmpSendEcho.3"
}

@test "zsh finds the installed completion in share/zsh/site-functions" {
    require_shell zsh
    run --separate-stderr timeout 30 zsh -f "$INSTALL_TESTS/complete.zsh" \
        "$PREFIX/share/zsh/site-functions" 'wping --cou'
    assert_success
    assert_output -- '--count'
}

@test "fish finds the installed completion in share/fish/vendor_completions.d" {
    require_shell fish
    mkdir -p "$BATS_TEST_TMPDIR/home"
    run --separate-stderr env HOME="$BATS_TEST_TMPDIR/home" XDG_CONFIG_HOME= XDG_DATA_HOME= \
        XDG_DATA_DIRS="$PREFIX/share:/usr/share" PATH="$PREFIX/bin:$PATH" \
        timeout 30 fish -c 'complete -C "wping --cou"'
    assert_success
    assert_output $'--count\tNumber of echo requests to send'
}

@test "bash-completion loads the installed completion from share/bash-completion/completions" {
    [[ -r /usr/share/bash-completion/bash_completion ]] ||
        lab_skip "bash-completion is not installed (apt-get install bash-completion)"
    run --separate-stderr env HOME="$BATS_TEST_TMPDIR" XDG_DATA_DIRS="$PREFIX/share:/usr/share" \
        PATH="$PREFIX/bin:$PATH" bash --norc -c '
        source /usr/share/bash-completion/bash_completion
        _completion_loader wping
        complete -p wping'
    assert_success
    assert_output 'complete -F _wping wping'
}
