#!/usr/bin/env bats
# An ICMP error and an echo reply for the same request (issue 12): the one that arrived
# first is the request's outcome, with either socket kind, and the other is no outcome: a
# reply after the error is a reply_after_error notice (not "late", which is a reply after a
# time-out), an error after the reply is dropped. Datagram sockets queue errors apart from
# replies, so this is where the order could be lost. A small Python sender in the router
# writes both packets back to back, as the router (error) and as the fake host (reply),
# while wping's first request waits; the fake host answers only the second request, 1 s late.
#
# | packets for request 1, back to back      | sockets, families | JSON events                                |
# | ---------------------------------------- | ----------------- | ------------------------------------------ |
# | host unreachable from R, then the reply  | dgram+raw, v4+v6  | icmp_error, reply_after_error (seq 1), reply |
# | the reply, then host unreachable from R  | dgram+raw, v4+v6  | reply, reply (no notice)                   |

load json_common

setup_file() {
    json_setup_file
    [[ -x ${FAKEHOST:-} ]] || lab_skip "FAKEHOST (the fakehost binary) is not built"
    command -v python3 >/dev/null || lab_skip "python3 (the packet maker) is missing"
    write_sender >"$BATS_FILE_TMPDIR/send.py"
}
setup() { wping_setup; }
teardown() {
    wping_teardown
    json_teardown
}

# send.py FAMILY CLIENT FAKE ROUTER ID SEQ ORDER: ORDER is error-reply or reply-error.
write_sender() {
    cat <<'EOF'
import socket
import struct
import sys

family, client, fake, router, ident, seq, order = sys.argv[1:8]
v6 = family == "6"
af = socket.AF_INET6 if v6 else socket.AF_INET
client, fake, router = (socket.inet_pton(af, a) for a in (client, fake, router))
header = struct.pack("!HH", int(ident), int(seq)) + (b"abcdefghijklmnopqrstuvw" * 2)[:32]


def ones_complement_sum(data):
    data += b"\0" * (len(data) % 2)
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total > 0xFFFF:
        total = (total >> 16) + (total & 0xFFFF)
    return ~total & 0xFFFF


def icmp(kind, code, body, source, dest):
    message = bytearray([kind, code, 0, 0]) + body
    pseudo = source + dest + struct.pack("!I3xB", len(message), 58) if v6 else b""
    struct.pack_into("!H", message, 2, ones_complement_sum(pseudo + message))
    return bytes(message)


def packet(body, source, dest):
    if v6:
        return struct.pack("!IHBB", 6 << 28, len(body), 58, 64) + source + dest + body
    return struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(body), 0, 0, 64, 1, 0) + source + dest + body


request = packet(icmp(128 if v6 else 8, 0, header, client, fake), client, fake)
quote = request if v6 else request[:28]
error = packet(icmp(1 if v6 else 3, 3 if v6 else 1, b"\0" * 4 + quote, router, client), router, client)
reply = packet(icmp(129 if v6 else 0, 0, header, fake, client), fake, client)
sock = socket.socket(af, socket.SOCK_RAW, socket.IPPROTO_RAW)
for made in (error, reply) if order == "error-reply" else (reply, error):
    sock.sendto(made, (socket.inet_ntop(af, client), 0, 0, 0) if v6 else (socket.inet_ntop(af, client), 0))
EOF
}

# Runs wping --json -n 2 to the fake host with socket KIND in FAMILY; the router sends
# request 1's error and reply in ORDER: first_outcome KIND FAMILY ORDER.
first_outcome() {
    local kind=$1 family=$2 order=$3 target client router id i pid
    lab_socket_kind "$kind"
    # Request 2's answer waits 1 s, so that wping is still running when the second crafted
    # packet comes, even if the sender was preempted between its two packets.
    printf '%s\n' "seq=1 silent" "* delay=1000" >"$BATS_TEST_TMPDIR/script"
    lab_fakehost "$BATS_TEST_TMPDIR/script"
    if [[ $family == 4 ]]; then
        target=$LAB_FAKE4 client=$LAB_C4 router=$LAB_R4
    else
        target=$LAB_FAKE6 client=$LAB_C6 router=$LAB_R6
        lab_warm6
    fi
    JSON_OUT="$BATS_TEST_TMPDIR/json.out" JSON_ERR="$BATS_TEST_TMPDIR/json.err"
    # Request 1 waits up to 5 s, so a slow Python start still finds it pending.
    ip netns exec "$LAB_C" "$WPING" --json -n 2 -w 5000 "$target" >"$JSON_OUT" 2>"$JSON_ERR" 3>&- &
    pid=$!
    for ((i = 0; i < 250; i++)); do
        id=$(sed -n 's/^seq=1 .* id=\([0-9]*\) .*/\1/p' "$LAB_FAKEHOST_LOG")
        [[ -n $id ]] && break
        sleep 0.02
    done
    [[ -n $id ]] || fail "the fake host saw no request within 5 s"
    ip netns exec "$LAB_R" timeout 10 python3 "$BATS_FILE_TMPDIR/send.py" "$family" "$client" \
        "$target" "$router" "$id" 1 "$order"
    status=0
    wait "$pid" || status=$?
    json_load
    json_check
    assert_success
}

assert_error_first() {
    local target router name
    if [[ $1 == 4 ]]; then
        target=$LAB_FAKE4 router=$LAB_R4 name=IP_DEST_HOST_UNREACHABLE
    else
        target=$LAB_FAKE6 router=$LAB_R6 name=IP_DEST_ADDR_UNREACHABLE
    fi
    assert_json_types start icmp_error reply_after_error reply summary
    assert_equal "$(json_get icmp_error '[.seq, .status, .status_name, .responder]')" \
        "[1,11003,\"$name\",\"$router\"]"
    assert_equal "$(json_get reply_after_error '[.seq, .icmp_seq, .status, .responder, .bytes, .payload_match]')" \
        "[1,1,0,\"$target\",32,true]"
    assert_equal "$(json_get summary '[.sent, .replies, .icmp_errors, .late, .replies_after_error]')" \
        '[2,1,1,0,1]'
}

assert_reply_first() {
    local target
    if [[ $1 == 4 ]]; then target=$LAB_FAKE4; else target=$LAB_FAKE6; fi
    assert_json_types start reply reply summary
    assert_equal "$(json_get reply '[.seq, .responder, .bytes]')" \
        "[1,\"$target\",32]"
    assert_equal "$(json_get summary '[.sent, .replies, .icmp_errors, .late, .replies_after_error]')" \
        '[2,2,0,0,0]'
}

@test "an ICMP error, then the reply: the error is the outcome, the reply a notice (IPv4, dgram)" {
    first_outcome dgram 4 error-reply
    assert_error_first 4
}

@test "an ICMP error, then the reply: the error is the outcome, the reply a notice (IPv4, raw)" {
    first_outcome raw 4 error-reply
    assert_error_first 4
}

@test "an ICMP error, then the reply: the error is the outcome, the reply a notice (IPv6, dgram)" {
    first_outcome dgram 6 error-reply
    assert_error_first 6
}

@test "an ICMP error, then the reply: the error is the outcome, the reply a notice (IPv6, raw)" {
    first_outcome raw 6 error-reply
    assert_error_first 6
}

@test "the reply, then an ICMP error: the reply is the outcome, the error is dropped (IPv4, dgram)" {
    first_outcome dgram 4 reply-error
    assert_reply_first 4
}

@test "the reply, then an ICMP error: the reply is the outcome, the error is dropped (IPv4, raw)" {
    first_outcome raw 4 reply-error
    assert_reply_first 4
}

@test "the reply, then an ICMP error: the reply is the outcome, the error is dropped (IPv6, dgram)" {
    first_outcome dgram 6 reply-error
    assert_reply_first 6
}

@test "the reply, then an ICMP error: the reply is the outcome, the error is dropped (IPv6, raw)" {
    first_outcome raw 6 reply-error
    assert_reply_first 6
}
