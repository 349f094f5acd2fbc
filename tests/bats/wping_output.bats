#!/usr/bin/env bats
# What wping prints for a normal run: every header form, IPv4 and IPv6 reply lines, the
# statistics block, record route and timestamp lines, with both ICMP socket kinds.

load wping_common

setup_file() { wping_setup_file; }
setup() { wping_setup; }
teardown() { wping_teardown; }

@test "a literal IPv4 target: header, replies with bytes and TTL, statistics, exit 0" {
    wping_run -n 2 -w 1000 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_wping_output <<EOF

Pinging 198.18.1.2 with 32 bytes of data:
Reply from 198.18.1.2: bytes=32 time=RTT TTL=63
Reply from 198.18.1.2: bytes=32 time=RTT TTL=63

Ping statistics for 198.18.1.2:
    Packets: Sent = 2, Received = 2, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
EOF
}

@test "a fast reply shows time<1ms and counts as 0 ms in the statistics" {
    wping_run -n 1 -w 1000 127.0.0.1
    assert_success
    assert_line --index 1 "Reply from 127.0.0.1: bytes=32 time<1ms TTL=64"
    assert_line --index 5 "    Minimum = 0ms, Maximum = 0ms, Average = 0ms"
}

@test "a literal IPv6 target: replies show neither bytes nor TTL" {
    lab_warm6
    wping_run -n 2 -w 1000 "$LAB_S6"
    assert_success
    assert_equal "$stderr" ""
    assert_wping_output <<EOF

Pinging 2001:db8:1::2 with 32 bytes of data:
Reply from 2001:db8:1::2: time=RTT
Reply from 2001:db8:1::2: time=RTT

Ping statistics for 2001:db8:1::2:
    Packets: Sent = 2, Received = 2, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
EOF
}

@test "a name shows the resolver's canonical name and the address; statistics stay numeric" {
    lab_hosts "server.lab $LAB_S4"
    # An alias on the same line: the canonical name is the first name of the line.
    echo "$LAB_S4 server.lab srv" >>"/etc/netns/$LAB_C/hosts"
    wping_run -n 1 -w 1000 srv
    assert_success
    assert_equal "$stderr" ""
    assert_wping_output <<EOF

Pinging server.lab [198.18.1.2] with 32 bytes of data:
Reply from 198.18.1.2: bytes=32 time=RTT TTL=63

Ping statistics for 198.18.1.2:
    Packets: Sent = 1, Received = 1, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
EOF
}

@test "a name that resolves to IPv6 shows the IPv6 address in brackets" {
    lab_warm6
    lab_hosts "server6.lab $LAB_S6"
    wping_run -n 1 -w 1000 server6.lab
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 0 "Pinging server6.lab [2001:db8:1::2] with 32 bytes of data:"
    assert_line --index 1 --regexp '^Reply from 2001:db8:1::2: time(<1|=[0-9]+)ms$'
    assert_line --index 2 "Ping statistics for 2001:db8:1::2:"
}

@test "-4 and -6 pick the family of a name that has both" {
    lab_warm6
    lab_hosts "dual.lab $LAB_S4" "dual.lab $LAB_S6"
    wping_run -4 -n 1 -w 1000 dual.lab
    assert_success
    assert_line --index 0 "Pinging dual.lab [198.18.1.2] with 32 bytes of data:"
    wping_run -n 1 -w 1000 dual.lab -6
    assert_success
    assert_line --index 0 "Pinging dual.lab [2001:db8:1::2] with 32 bytes of data:"
}

@test "-a shows the name a literal address reverses to, and nothing else changes" {
    lab_hosts "server.lab $LAB_S4"
    wping_run -a -n 1 -w 1000 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_wping_output <<EOF

Pinging server.lab [198.18.1.2] with 32 bytes of data:
Reply from 198.18.1.2: bytes=32 time=RTT TTL=63

Ping statistics for 198.18.1.2:
    Packets: Sent = 1, Received = 1, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
EOF
}

@test "-a without a reverse name shows the address alone" {
    lab_hosts "server.lab $LAB_S4"
    wping_run -a -n 1 -w 1000 "$LAB_R4"
    assert_success
    assert_line --index 0 "Pinging 198.18.0.1 with 32 bytes of data:"
}

@test "-S shows 'from' in the header for a literal target" {
    wping_run -n 1 -w 1000 -S "$LAB_C4" "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 0 "Pinging 198.18.1.2 from 198.18.0.2 with 32 bytes of data:"
    assert_line --index 1 --regexp '^Reply from 198\.18\.1\.2: bytes=32 time(<1|=[0-9]+)ms TTL=63$'
}

@test "-S with a name shows 'name [addr] from src', IPv6 too" {
    lab_warm6
    lab_hosts "server6.lab $LAB_S6"
    wping_run server6.lab -S "$LAB_C6" -n 1 -w 1000
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 0 \
        "Pinging server6.lab [2001:db8:1::2] from 2001:db8::2 with 32 bytes of data:"
    assert_line --index 1 --regexp '^Reply from 2001:db8:1::2: time(<1|=[0-9]+)ms$'
}

@test "-l sets the payload size in the header and the replies, -l 0 included" {
    wping_run -n 1 -w 1000 -l 1400 "$LAB_S4"
    assert_success
    assert_line --index 0 "Pinging 198.18.1.2 with 1400 bytes of data:"
    assert_line --index 1 --regexp '^Reply from 198\.18\.1\.2: bytes=1400 time'
    wping_run -n 1 -w 1000 -l 0 "$LAB_S4"
    assert_success
    assert_line --index 0 "Pinging 198.18.1.2 with 0 bytes of data:"
    assert_line --index 1 --regexp '^Reply from 198\.18\.1\.2: bytes=0 time'
}

@test "-i 2 is enough to cross the one router to the server" {
    wping_run -n 1 -w 1000 -i 2 "$LAB_S4"
    assert_success
    assert_line --index 1 --regexp '^Reply from 198\.18\.1\.2: bytes=32 time(<1|=[0-9]+)ms TTL=63$'
}

@test "-r prints the recorded route under each reply (datagram socket)" {
    wping_run -n 1 -w 1000 -r 3 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_wping_output <<EOF

Pinging 198.18.1.2 with 32 bytes of data:
Reply from 198.18.1.2: bytes=32 time=RTT TTL=63
    Route: 198.18.0.2 ->
           198.18.1.1 ->
           198.18.1.2

Ping statistics for 198.18.1.2:
    Packets: Sent = 1, Received = 1, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
EOF
}

@test "-r prints the recorded route under each reply (raw socket)" {
    lab_socket_kind raw
    wping_run -n 1 -w 1000 -r 3 "$LAB_S4"
    assert_success
    assert_line --index 2 "    Route: 198.18.0.2 ->"
    assert_line --index 3 "           198.18.1.1 ->"
    assert_line --index 4 "           198.18.1.2"
}

@test "-s prints address and timestamp pairs under each reply" {
    wping_run -n 1 -w 1000 -s 2 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 2 --regexp '^    Timestamp: 198\.18\.0\.2 : [0-9]+ ->$'
    assert_line --index 3 --regexp '^               198\.18\.0\.1 : [0-9]+$'
    assert_line --index 4 "Ping statistics for 198.18.1.2:"
}

@test "raw sockets give the same lines as datagram sockets" {
    lab_socket_kind raw
    wping_run -n 2 -w 1000 "$LAB_S4"
    assert_success
    assert_equal "$stderr" ""
    assert_wping_output <<EOF

Pinging 198.18.1.2 with 32 bytes of data:
Reply from 198.18.1.2: bytes=32 time=RTT TTL=63
Reply from 198.18.1.2: bytes=32 time=RTT TTL=63

Ping statistics for 198.18.1.2:
    Packets: Sent = 2, Received = 2, Lost = 0 (0% loss),
Approximate round trip times in milli-seconds:
    Minimum = Nms, Maximum = Nms, Average = Nms
EOF
}

@test "stdout into a pipe gets each line as it happens" {
    local out="$BATS_TEST_TMPDIR/out" pid i
    lab_client "$WPING" -n 3 -w 1000 "$LAB_S4" | cat >"$out" &
    pid=$!
    # The first reply must be readable long before the run (about 2 s) ends.
    for ((i = 0; i < 50; i++)); do
        grep -q '^Reply from' "$out" 2>/dev/null && break
        sleep 0.02
    done
    run grep -c '^Reply from' "$out"
    wait "$pid"
    assert_output 1
}
