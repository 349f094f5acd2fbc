# shellcheck shell=bash
# Shared by tests/bats/install_*.bats and completion_*.bats: the options of `wping --help`,
# the completion drivers, and a private build of the source tree to install from.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
# lab_skip: skip with a reason, or fail when WPING_REQUIRE_LAB=1.
# shellcheck source=../lab/lab.bash
source "${WPING_LAB:?WPING_LAB must point to tests/lab/lab.bash}"

: "${WPING_SOURCE_DIR:?WPING_SOURCE_DIR must be the source tree}"
INSTALL_TESTS=$WPING_SOURCE_DIR/tests/install
COMPLETIONS=$WPING_SOURCE_DIR/completions

# The short options of `wping --help` (-t, -?), one per line, sorted: every -X that stands
# alone in the usage, the option list or the long-option table.
help_short_options() {
    "$WPING" --help | grep -oE -- '(^|[[ ])-[[:alnum:]?]([], ]|$)' | tr -d '[], ' | sort -u
}

# The long options of `wping --help` (--count), one per line, sorted.
help_long_options() {
    "$WPING" --help | grep -oE -- '--[[:alnum:]][[:alnum:]-]*' | sort -u
}

# Fails unless the parse found the options every wping has: an empty or broken parse must
# not make the comparisons below pass.
assert_help_parsed() {
    local shorts longs
    shorts=$(help_short_options)
    longs=$(help_long_options)
    assert_equal "$(grep -cxE -- '-(t|n|l|S|c|4|6|\?)' <<<"$shorts")" 8
    assert_equal "$(grep -cxE -- '--(count|size|source|interface|help|version)' <<<"$longs")" 6
}

# Candidates of the bash completion for WORDS (the last one is being completed), sorted.
bash_candidates() {
    bash --norc --noprofile "$INSTALL_TESTS/complete.bash" "$COMPLETIONS/wping.bash" "$@" |
        sort
}

# Candidates of the zsh completion for LINE, sorted.
zsh_candidates() {
    timeout 30 zsh -f "$INSTALL_TESTS/complete.zsh" "$COMPLETIONS" "$1" | sort
}

# Candidates of the fish completion for LINE (without descriptions), sorted.
fish_candidates() {
    # shellcheck disable=SC2016 # fish expands $argv
    timeout 30 fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
        "$COMPLETIONS/wping.fish" "$1" | cut -f1 | sort
}

# Skips unless SHELL is installed (fails with WPING_REQUIRE_LAB=1: tests/run installs zsh and
# fish).
require_shell() {
    command -v "$1" >/dev/null || lab_skip "$1 is not installed (apt-get install $1)"
}

# The local addresses a -S completion must offer, computed apart from the completions (from
# `ip -j` with jq): FAMILY is inet, inet6 or empty for both. An IPv6 link-local address
# carries its interface as the scope.
expected_addresses() {
    ip -j addr show | jq -r --arg family "${1:-}" '
        .[] | .ifname as $dev | .addr_info[]
        | select($family == "" or .family == $family)
        | if .family == "inet6" and .scope == "link" then "\(.local)%\($dev)" else .local end' |
        sort
}

# The interface names a -c completion must offer, sorted.
expected_interfaces() {
    ip -j link show | jq -r '.[].ifname' | sort
}

# Copies the source tree (without build trees and .git) to DIR, readable by every user: a
# build that an unprivileged user installs reads its sources (man pages, completions,
# headers), and the checkout may be unreadable to them (a clone under /root is mode 700).
install_source_copy() {
    mkdir -p "$1" &&
        tar -C "$WPING_SOURCE_DIR" --exclude=./.git --exclude='./build' --exclude='./build-*' \
            -cf - . | tar -C "$1" -xf - &&
        chmod -R a+rX "$1"
}

# Configures and builds the source tree (INSTALL_SOURCE_DIR when set) into DIR, release-like
# and without tests, with the extra cmake ARGS: install_build DIR ARGS...
install_build() {
    local dir=$1
    shift
    cmake -S "${INSTALL_SOURCE_DIR:-$WPING_SOURCE_DIR}" -B "$dir" -DCMAKE_BUILD_TYPE=Release \
        -DBUILD_TESTING=OFF "$@" >"$dir.configure.log" 2>&1 || {
        cat "$dir.configure.log" >&2
        return 1
    }
    cmake --build "$dir" -j "$(nproc)" >"$dir.build.log" 2>&1 || {
        tail -n 50 "$dir.build.log" >&2
        return 1
    }
}
