#!/usr/bin/env bats
# -DWPING_SETCAP=ON: `cmake --install` gives the installed wping cap_net_raw+p when it may,
# and otherwise says why not (not root, no setcap, a filesystem without file capabilities)
# while the install itself succeeds. The root cases skip without root (fail with
# WPING_REQUIRE_LAB=1).

# shellcheck source=../install/common.bash
source "${WPING_SOURCE_DIR:?}/tests/install/common.bash"

setup_file() {
    # Not under $BATS_FILE_TMPDIR: an unprivileged user must reach this directory.
    WORK=$(mktemp -d /tmp/wping-setcap.XXXXXX)
    chmod 755 "$WORK"
    export WORK
    install_source_copy "$WORK/src"
    INSTALL_SOURCE_DIR=$WORK/src install_build "$WORK/build" -DWPING_SETCAP=ON
}

teardown_file() {
    [[ -n ${WORK:-} && -d $WORK ]] && rm -rf -- "$WORK"
    return 0
}

setup() {
    PREFIX=$WORK/prefix-$BATS_TEST_NUMBER
    # Each test chooses its setcap; the option itself stays on.
    cmake "$WORK/build" -DWPING_SETCAP=ON -DWPING_SETCAP_EXECUTABLE="$(command -v setcap ||
        echo /usr/sbin/setcap)" >/dev/null
}

require_root() {
    [[ $EUID -eq 0 ]] || lab_skip "this case needs root"
}

# $output on one line: CMake wraps the text of its warnings.
flat_output() {
    tr '\n' ' ' <<<"$output" | tr -s ' '
}

# The capabilities of FILE as getcap prints them (nothing when it has none).
capabilities() {
    getcap "$1" | sed 's/^[^ ]* //'
}

@test "as root, the installed wping gets cap_net_raw+p and the install says so" {
    require_root
    command -v setcap >/dev/null || lab_skip "setcap is not installed (libcap2-bin)"
    run cmake --install "$WORK/build" --prefix "$PREFIX"
    assert_success
    assert_line -- "-- WPING_SETCAP: set cap_net_raw+p on $PREFIX/bin/wping"
    assert_equal "$(capabilities "$PREFIX/bin/wping")" cap_net_raw=p
}

@test "with DESTDIR, the capability goes on the staged binary" {
    require_root
    command -v setcap >/dev/null || lab_skip "setcap is not installed (libcap2-bin)"
    DESTDIR=$WORK/stage run cmake --install "$WORK/build" --prefix /opt/wping-setcap
    assert_success
    assert_line -- "-- WPING_SETCAP: set cap_net_raw+p on $WORK/stage/opt/wping-setcap/bin/wping"
    assert_equal "$(capabilities "$WORK/stage/opt/wping-setcap/bin/wping")" cap_net_raw=p
}

@test "not root: the install succeeds and says that only root can set the capability" {
    command -v setcap >/dev/null || lab_skip "setcap is not installed (libcap2-bin)"
    local -a as_user=()
    if [[ $EUID -eq 0 ]]; then
        # The unprivileged user must write the prefix and the build's install manifest.
        chown -R nobody "$WORK/build"
        mkdir "$PREFIX" && chown nobody "$PREFIX"
        as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all)
    fi
    run "${as_user[@]}" cmake --install "$WORK/build" --prefix "$PREFIX"
    [[ $EUID -eq 0 ]] && chown -R root "$WORK/build"
    assert_success
    output=$(flat_output)
    assert_output --partial "WPING_SETCAP: not root, so cap_net_raw+p was not set on $PREFIX/bin/wping (setcap: "
    assert_output --partial "Operation not permitted"
    assert_output --partial "elsewhere run as root: setcap cap_net_raw+p $PREFIX/bin/wping"
    assert_equal "$(capabilities "$PREFIX/bin/wping")" ""
}

@test "without setcap: the install succeeds and names the package that provides it" {
    cmake "$WORK/build" -DWPING_SETCAP_EXECUTABLE="$WORK/no-such-setcap" >/dev/null
    run cmake --install "$WORK/build" --prefix "$PREFIX"
    assert_success
    output=$(flat_output)
    assert_output --partial "WPING_SETCAP: setcap was not found (Debian: apt-get install libcap2-bin), so $PREFIX/bin/wping has no cap_net_raw."
    assert_equal "$(capabilities "$PREFIX/bin/wping")" ""
}

@test "a filesystem without file capabilities: the install succeeds and says so" {
    require_root
    command -v setcap >/dev/null || lab_skip "setcap is not installed (libcap2-bin)"
    mkdir "$PREFIX"
    # ramfs keeps no extended attributes; the mount lives only in this mount namespace.
    run unshare --mount sh -c 'mount -t ramfs wping-test "$1" && cmake --install "$2" --prefix "$1"' \
        sh "$PREFIX" "$WORK/build"
    assert_success
    output=$(flat_output)
    assert_output --partial "WPING_SETCAP: the filesystem of $PREFIX/bin/wping does not support file capabilities (setcap: "
    assert_output --partial "Operation not supported"
}

@test "WPING_SETCAP=OFF (the default) sets no capability and says nothing about it" {
    cmake "$WORK/build" -DWPING_SETCAP=OFF >/dev/null
    run cmake --install "$WORK/build" --prefix "$PREFIX"
    assert_success
    refute_output --partial WPING_SETCAP
    assert_equal "$(capabilities "$PREFIX/bin/wping")" ""
}
