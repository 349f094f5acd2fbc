# shellcheck shell=bash
# What every engine_*.bats shares: the bats libraries, the lab, one lab per test, and the
# fake host helpers. Load with `load engine_common`.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
# shellcheck source=../lab/lab.bash
source "${WPING_LAB:?WPING_LAB must point to tests/lab/lab.bash}"

setup_file() {
    lab_require
    lab_probe_require
}
setup() { lab_create; }
teardown() { lab_destroy; }

# A fake host script in the test's temporary directory, from the arguments (one line each).
fake_script() {
    printf '%s\n' "$@" >"$BATS_TEST_TMPDIR/script"
    lab_fakehost "$BATS_TEST_TMPDIR/script"
}

# The fake host's address in FAMILY (4 | 6).
fake() {
    if [[ $1 == 4 ]]; then echo "$LAB_FAKE4"; else echo "$LAB_FAKE6"; fi
}

# The sequence number of the N-th request the fake host received.
fake_seq() {
    local line
    line=$(grep -E "^seq=[0-9]+ nth=$1 " "$LAB_FAKEHOST_LOG") ||
        lab_fail "the fake host saw no request number $1" || return 1
    lab_field "$line" seq
}
