#!/usr/bin/env bats
# Runs that cannot start or cannot finish: names that do not resolve, a missing interface,
# stdout that cannot be written. Each prints nothing on stdout (or stops), says why on
# stderr and exits 2. Names come from the lab's private hosts file, never from DNS.

load wping_common

setup_file() { wping_setup_file; }
setup() {
    wping_setup
    lab_hosts "server.lab $LAB_S4" "server6.lab $LAB_S6"
}
teardown() { wping_teardown; }

@test "an unknown name: ping.exe's message on stderr, nothing on stdout, exit 2" {
    wping_run -n 1 -w 300 nosuch.lab
    assert_failure 2
    assert_output ""
    assert_equal "$stderr" \
        "Ping request could not find host nosuch.lab. Please check the name and try again."
}

@test "-4 with a name that has only an IPv6 address is not found, named as typed" {
    wping_run -4 -n 1 -w 300 server6.lab
    assert_failure 2
    assert_output ""
    assert_equal "$stderr" \
        "Ping request could not find host server6.lab. Please check the name and try again."
}

@test "-6 with a name that has only an IPv4 address is not found" {
    wping_run -n 1 -w 300 -6 server.lab
    assert_failure 2
    assert_output ""
    assert_equal "$stderr" \
        "Ping request could not find host server.lab. Please check the name and try again."
}

@test "a -j hop that does not resolve is not found, before anything is sent" {
    wping_run -n 1 -w 300 -j nohop.lab "$LAB_S4"
    assert_failure 2
    assert_output ""
    assert_equal "$stderr" \
        "Ping request could not find host nohop.lab. Please check the name and try again."
}

@test "-c with an interface that exists sends through it" {
    wping_run -n 1 -w 500 -c c0 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 1 --regexp '^Reply from 198\.18\.1\.2: '
}

@test "-c with an interface that does not exist: a message, exit 2" {
    wping_run -n 1 -w 500 -c nosuch0 "$LAB_S4"
    assert_failure 2
    assert_output ""
    assert_equal "${#stderr_lines[@]}" 1
    assert_regex "$stderr" '^wping: there is no interface or VRF named nosuch0 \(-c\)'
}

@test "a full stdout: the run stops, says so on stderr and exits 2" {
    run --separate-stderr bash -c 'ip netns exec "$1" "$2" -n 3 -w 500 "$3" >/dev/full' \
        _ "$LAB_C" "$WPING" "$LAB_S4"
    assert_failure 2
    assert_equal "$stderr" "wping: cannot write to standard output: No space left on device"
}

@test "a closed stdout: exit 2 even though every reply came" {
    run --separate-stderr bash -c 'ip netns exec "$1" "$2" -n 1 -w 500 "$3" >&-' \
        _ "$LAB_C" "$WPING" "$LAB_S4"
    assert_failure 2
    assert_regex "$stderr" '^wping: cannot write to standard output: '
}

@test "the help on a full stdout exits 2" {
    run --separate-stderr bash -c '"$1" --help >/dev/full' _ "$WPING"
    assert_failure 2
    assert_equal "$stderr" "wping: cannot write to standard output: No space left on device"
}
