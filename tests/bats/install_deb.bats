#!/usr/bin/env bats
# The Debian package: cpack builds it from a release-like build of this source tree (prefix
# /usr) in this file's temporary directory; `dpkg -i` installs it on this machine, wping runs
# from PATH with its man page, the C# programs of tests/dotnet load its libicmpapi by the
# DllImport names (in the lab), and `dpkg -r` removes every file it installed. Needs root
# (skips without it; fails with WPING_REQUIRE_LAB=1). Every test that installs the package
# removes it again in teardown, also when it fails, and never touches a wping package that
# was installed before the test.

# shellcheck source=../install/common.bash
source "${WPING_SOURCE_DIR:?}/tests/install/common.bash"
# shellcheck source=../dotnet/dotnet.bash
source "$WPING_SOURCE_DIR/tests/dotnet/dotnet.bash"

BUILD=$BATS_FILE_TMPDIR/build
UNUSABLE=$BATS_FILE_TMPDIR/unusable
DOTNET_BIN=$BATS_FILE_TMPDIR/dotnet
# shellcheck disable=SC2034 # read by dotnet_run: nothing set
DOTNET_ENV=()
# Serialises this file's tests with those of another run on the same machine.
LOCK=/run/lock/wping-install-deb.lock

setup_file() {
    local tool
    if [[ $EUID -ne 0 ]]; then
        echo "installing a Debian package needs root" >"$UNUSABLE"
        return 0
    fi
    for tool in dpkg dpkg-deb cpack man; do
        if ! command -v "$tool" >/dev/null; then
            echo "the Debian package test needs $tool" >"$UNUSABLE"
            return 0
        fi
    done
    install_build "$BUILD" -DCMAKE_INSTALL_PREFIX=/usr
    # The C# programs, for the tests that run them from the package (which fail without mcs).
    if dotnet_require 2>/dev/null; then
        dotnet_compile "$DOTNET_BIN"
    fi
    (cd "$BUILD" && cpack -G DEB) >"$BATS_FILE_TMPDIR/cpack.log" 2>&1 || {
        cat "$BATS_FILE_TMPDIR/cpack.log" >&2
        return 1
    }
}

setup() {
    if [[ -e $UNUSABLE ]]; then
        lab_skip "$(cat "$UNUSABLE")"
    fi
    DEB=$(echo "$BUILD"/wping_*.deb)
    [[ -f $DEB ]] || fail "cpack made no wping_*.deb in $BUILD"
    exec {lock_fd}>"$LOCK"
    flock -w 300 "$lock_fd" || fail "another run held $LOCK for 300 s"
    if [[ $(package_status) != not-installed ]]; then
        exec {lock_fd}>&-
        lab_skip "a wping package is already installed ($(package_status)): this test does not" \
            "replace it (dpkg -r wping first)"
    fi
    OURS=1
}

teardown() {
    lab_destroy
    if [[ ${OURS:-0} == 1 && $(package_status) != not-installed ]]; then
        dpkg_retry --purge wping >&2 || true
    fi
    [[ -n ${lock_fd:-} ]] && exec {lock_fd}>&-
    return 0
}

# dpkg's status of wping: e.g. "install ok installed", or not-installed.
package_status() {
    local status
    status=$(dpkg-query -W -f='${Status}' wping 2>/dev/null) || status=
    case $status in
    '' | *not-installed) echo not-installed ;;
    *) echo "$status" ;;
    esac
}

# dpkg ARGS..., retried (at most 60 s) while another dpkg or apt holds dpkg's lock.
dpkg_retry() {
    local i out
    for ((i = 0; i < 60; i++)); do
        if out=$(dpkg "$@" 2>&1); then
            printf '%s\n' "$out"
            return 0
        fi
        if [[ $out != *lock* ]]; then
            printf '%s\n' "$out" >&2
            return 1
        fi
        sleep 1
    done
    printf '%s\n' "$out" >&2
    return 1
}

# The multiarch library directory of this machine (x86_64-linux-gnu).
multiarch() {
    dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || cc -print-multiarch
}

@test "the package is wping, depends on the C library and says who maintains it and what it is" {
    run dpkg-deb -f "$DEB" Package Version Section Maintainer
    assert_success
    assert_line 'Package: wping'
    assert_line --regexp '^Version: [0-9]+\.[0-9]+\.[0-9]+-1$'
    assert_line 'Section: net'
    assert_line --regexp '^Maintainer: .+ <.+@.+>$'
    # With one field dpkg-deb prints only its value.
    run dpkg-deb -f "$DEB" Depends
    assert_output --regexp '(^|, )libc6 \(>= [0-9.]+\)'
    run dpkg-deb -f "$DEB" Description
    assert_line --index 0 'A ping for Linux that behaves like Windows ping.exe'
    assert [ "${#lines[@]}" -ge 3 ]
}

@test "the package holds the installed files under /usr, in Debian's library and zsh directories" {
    local expected
    expected=$(sed -e "s|^lib/|lib/$(multiarch)/|" \
        -e 's|^share/zsh/site-functions/|share/zsh/vendor-completions/|' \
        -e 's|^|usr/|' "$INSTALL_TESTS/expected-files.txt" | LC_ALL=C sort)
    run bash -c "dpkg-deb --fsys-tarfile '$DEB' | tar -t | grep -v '/\$' | sed 's|^\./||' | LC_ALL=C sort"
    assert_success
    assert_equal "$output" "$expected"
}

@test "dpkg -i installs it: wping runs from PATH, man finds wping(1), ldconfig knows libicmpapi" {
    run dpkg_retry -i "$DEB"
    assert_success
    assert_equal "$(package_status)" 'install ok installed'
    run --separate-stderr env PATH=/usr/sbin:/usr/bin:/sbin:/bin wping -n 1 -w 1000 127.0.0.1
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 0 'Pinging 127.0.0.1 with 32 bytes of data:'
    assert_line --regexp '^Reply from 127\.0\.0\.1: bytes=32 time[<=][0-9]+ms TTL=[0-9]+$'
    assert_line --regexp 'Packets: Sent = 1, Received = 1, Lost = 0 \(0% loss\),'
    run man -w wping
    assert_success
    assert_output /usr/share/man/man1/wping.1
    run man -w 3 IcmpSendEcho
    assert_output /usr/share/man/man3/IcmpSendEcho.3
    run ldconfig -p
    # With a merged /usr, ldconfig may name the library by /lib.
    assert_line --regexp "libicmpapi\.so\.1 .* => (/usr)?/lib/$(multiarch)/libicmpapi\.so\.1\$"
    # The names of DllImport("icmp.dll") and DllImport("iphlpapi.dll") (tests/bats/dotnet_*).
    local name
    for name in libicmp.so libicmp.dll.so libiphlpapi.so libiphlpapi.dll.so; do
        assert_equal "$name -> $(readlink "/usr/lib/$(multiarch)/$name")" "$name -> libicmpapi.so.1"
    done
}

@test "dpkg -i gives the installed wping cap_net_raw+p (postinst)" {
    command -v setcap >/dev/null || lab_skip "setcap is not installed (libcap2-bin)"
    run --separate-stderr dpkg_retry -i "$DEB"
    assert_success
    run getcap /usr/bin/wping
    assert_success
    assert_output '/usr/bin/wping cap_net_raw=p'
}

# Runs the package's postinst with PATH set to DIR only ($status, $output, $stderr).
run_postinst() {
    dpkg-deb -e "$DEB" "$BATS_TEST_TMPDIR/control"
    run --separate-stderr env PATH="$1" /bin/sh "$BATS_TEST_TMPDIR/control/postinst" configure
}

@test "the postinst without setcap says what to install, and succeeds" {
    mkdir "$BATS_TEST_TMPDIR/empty"
    run_postinst "$BATS_TEST_TMPDIR/empty"
    assert_success
    assert_output ""
    assert_equal "$stderr" "wping: setcap not found (install libcap2-bin, then run setcap \
cap_net_raw+p /usr/bin/wping) so wping needs net.ipv4.ping_group_range to allow ICMP \
sockets, or root"
}

@test "the postinst whose setcap fails says so, and succeeds" {
    mkdir "$BATS_TEST_TMPDIR/bin"
    printf '#!/bin/sh\necho "setcap: refused" >&2\nexit 1\n' >"$BATS_TEST_TMPDIR/bin/setcap"
    chmod +x "$BATS_TEST_TMPDIR/bin/setcap"
    run_postinst "$BATS_TEST_TMPDIR/bin"
    assert_success
    assert_output ""
    assert_equal "$stderr" "setcap: refused
wping: setcap cap_net_raw+p /usr/bin/wping failed: wping then needs \
net.ipv4.ping_group_range to allow ICMP sockets, or root"
}

@test "the installed icmpapi.pc builds a Windows-style example that answers on 127.0.0.1" {
    run dpkg_retry -i "$DEB"
    assert_success
    run pkg-config --cflags --libs icmpapi
    assert_success
    assert_equal "$(xargs <<<"$output")" '-I/usr/include/wping/win32 -licmpapi'
    local exe=$BATS_TEST_TMPDIR/icmp_send_echo
    # shellcheck disable=SC2046 # the flags are words
    run cc -std=c17 -Wall -Wextra -Wpedantic -Werror "$WPING_SOURCE_DIR/examples/icmp_send_echo.c" \
        $(pkg-config --cflags --libs icmpapi) -o "$exe"
    assert_success
    run --separate-stderr timeout 20 "$exe" 127.0.0.1
    assert_success
    assert_line --index 0 'Echo request sent to 127.0.0.1'
    assert_line '  From:       127.0.0.1'
    assert_line '  Status:     0'
}

# One installation for both socket kinds: dpkg -i is the slow part. The layouts are checked
# against the installed headers in dotnet_prefix.bats (the package holds the same files).
@test "the C# programs ping, time out and get router errors from the package with nothing set" {
    dotnet_require
    [[ -f $DOTNET_BIN/SimplePing.exe ]] || fail "the C# programs were not compiled in setup_file"
    lab_require
    run dpkg_retry -i "$DEB"
    assert_success
    lab_create
    dotnet_lab_conditions
    dotnet_lab_programs dgram "/usr/lib/$(multiarch)"
    dotnet_lab_programs raw "/usr/lib/$(multiarch)"
}

@test "dpkg -r removes every file the package installed, and the directories only it used" {
    local path
    local -a created=()
    # The package's directories that did not exist before it: dpkg must remove them too.
    while read -r path; do
        [[ -e $path ]] || created+=("$path")
    done < <(dpkg-deb --fsys-tarfile "$DEB" | tar -t | sed -e 's|^\./|/|' -e 's|/$||' | grep -v '^/$')
    run dpkg_retry -i "$DEB"
    assert_success
    local listed
    listed=$(dpkg -L wping)
    assert [ "$(grep -c . <<<"$listed")" -ge "$(grep -c . "$INSTALL_TESTS/expected-files.txt")" ]
    run dpkg_retry -r wping
    assert_success
    # The package has maintainer scripts, so dpkg -r keeps its record until a purge.
    assert_equal "$(package_status)" 'deinstall ok config-files'

    # Every non-directory that dpkg listed is gone.
    run bash -c 'while read -r path; do
            if [[ ! -d $path || -L $path ]] && [[ -e $path || -L $path ]]; then
                echo "left: $path"
            fi
        done' <<<"$listed"
    assert_success
    assert_output ""
    local left=()
    for path in "${created[@]}"; do
        [[ -e $path || -L $path ]] && left+=("$path")
    done
    assert_equal "${left[*]}" ""
    assert [ ! -e /usr/bin/wping ]
}
