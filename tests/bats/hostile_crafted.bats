#!/usr/bin/env bats
# Hand-made ICMP packets the fake host cannot make (issue 6, item 2): messages shorter than
# the 8-byte ICMP header, an echo reply with a non-zero code, and errors that are too short to
# quote anything or quote an impossible IP header, an echo reply, or a request with another
# code. A small Python sender in the router namespace writes them (raw IPPROTO_RAW socket,
# headers included) to the client, as if from the fake host, while wping's request waits for
# the fake host's real reply, which comes 1000 ms after the request. Each packet carries
# wping's real identifier and sequence number where it has room for them (read from the fake
# host's log). The real reply must be the one shown, with its own time.
#
# | bad input (from the router, source = the fake host)   | sockets, families | what wping did                        |
# | ----------------------------------------------------- | ----------------- | ------------------------------------- |
# | (control) a well-formed echo reply                    | dgram+raw, v4+v6  | taken: shown before 1000 ms           |
# | ICMP of 0, 4, 6 and 7 bytes (type echo reply; 6 and 7 | dgram+raw, v4+v6  | ignored: the real reply, >= 1000 ms   |
# | with the identifier and part of the sequence)         |                   | (Linux already drops them except on   |
# |                                                       |                   | IPv6 raw sockets, which pass 4..7)    |
# | echo reply with code 1, right identifier and sequence | dgram+raw, v4+v6  | ignored                               |
# | unreachable of 4 bytes; of 8 bytes without a quote    | dgram+raw, v4+v6  | ignored                               |
# | unreachable quoting 18 bytes of the IP header         | dgram+raw, v4+v6  | ignored                               |
# | unreachable quoting an IPv4 header of IHL 15 (60      | dgram+raw, v4     | ignored                               |
# | bytes, 28 there) and of IHL 4                         |                   |                                       |
# | unreachable quoting our echo header as an echo reply  | dgram+raw, v4+v6  | ignored                               |
# | unreachable quoting our request with ICMP code 1      | dgram+raw, v4+v6  | ignored                               |
# | unreachable quoting our request, identifier, sequence | raw, v4+v6        | ignored                               |
# | and addresses under a wrong IP version (IPv4 6, IPv6  | dgram, v4+v6      | "Reply from F: Destination host       |
# | 4)                                                    |                   | unreachable." (see that test)         |

load wping_common
load hostile_common

setup_file() {
    hostile_setup_file
    if ! command -v python3 >/dev/null; then
        lab_skip "python3 (the packet maker) is missing"
    fi
    write_craft_py >"$BATS_FILE_TMPDIR/craft.py"
}
setup() {
    hostile_setup
    BG_PID=
    hostile_fakehost "* delay=1000"
    # Counts the crafted packets that reach the client: they come from the fake host's
    # address with TTL 64, while the fake host's own answers cross the router (TTL 63).
    lab_nft "$LAB_C" <<EOF
    chain count_pre {
        type filter hook prerouting priority -400; policy accept;
        ip saddr $LAB_FAKE4 ip ttl 64 counter
        ip6 saddr $LAB_FAKE6 ip6 hoplimit 64 counter
    }
EOF
}
teardown() {
    if [[ -n $BG_PID ]]; then
        kill -KILL "$BG_PID" 2>/dev/null || true
        wait "$BG_PID" 2>/dev/null || true
    fi
    hostile_teardown
}

# The packet maker: craft.py FAMILY SRC DST ID SEQ CASE... sends one packet per CASE. With
# ID "-" it says "ready" once started and reads the identifier from stdin; "sent" at the end.
write_craft_py() {
    cat <<'EOF'
import socket
import struct
import sys

PAYLOAD = (b"abcdefghijklmnopqrstuvw" * 2)[:32]  # wping's 32 bytes


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


family, src, dst, ident, seq = sys.argv[1:6]
if ident == "-":
    print("ready", flush=True)
    ident = sys.stdin.readline().strip()
v6 = family == "6"
af = socket.AF_INET6 if v6 else socket.AF_INET
fake, client = socket.inet_pton(af, src), socket.inet_pton(af, dst)
idseq = struct.pack("!HH", int(ident), int(seq))
request_type, reply_type = (128, 129) if v6 else (8, 0)
unreachable = (1, 3) if v6 else (3, 1)


def icmp(kind, code, rest, source=fake, dest=client):
    message = bytearray(bytes([kind, code, 0, 0]) + rest)
    pseudo = source + dest + struct.pack("!I3xB", len(message), 58) if v6 else b""
    struct.pack_into("!H", message, 2, checksum(pseudo + bytes(message)))
    return bytes(message)


def ip(body, source=fake, dest=client):
    if v6:
        return struct.pack("!IHBB", 6 << 28, len(body), 58, 64) + source + dest + body
    # The kernel fills in the header checksum (IP_HDRINCL).
    return struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(body), 0, 0, 64, 1, 0) + source + dest + body


# wping's request as a router quotes it: its IP header and the first 8 bytes of ICMP.
request = ip(icmp(request_type, 0, idseq + PAYLOAD, client, fake), client, fake)
quote = request[: (40 if v6 else 20) + 8]
unused = b"\0\0\0\0"
made = {
    "reply": icmp(reply_type, 0, idseq + PAYLOAD),
    "icmp0": b"",
    "icmp4": icmp(reply_type, 0, b""),
    "icmp6": icmp(reply_type, 0, idseq[:2]),
    "icmp7": icmp(reply_type, 0, idseq[:3]),
    "reply-code1": icmp(reply_type, 1, idseq + PAYLOAD),
    "error4": icmp(*unreachable, b""),
    "error8": icmp(*unreachable, unused),
    "error-quote-cut-in-ip": icmp(*unreachable, unused + quote[:18]),
    "error-quote-version": icmp(*unreachable, unused + bytes([0x45 if v6 else 0x65]) + quote[1:]),
    "error-quote-ihl15": icmp(*unreachable, unused + bytes([0x4F]) + quote[1:]),
    "error-quote-ihl4": icmp(*unreachable, unused + bytes([0x44]) + quote[1:]),
    "error-quotes-reply": icmp(*unreachable, unused + quote[:-8] + bytes([reply_type, 0, 0, 0]) + idseq),
    "error-quote-code1": icmp(*unreachable, unused + quote[:-8] + bytes([request_type, 1, 0, 0]) + idseq),
}
sock = socket.socket(af, socket.SOCK_RAW, socket.IPPROTO_RAW)
for case in sys.argv[6:]:
    sock.sendto(ip(made[case]), (dst, 0, 0, 0) if v6 else (dst, 0))
print("sent", flush=True)
EOF
}

# Crafted packets of FAMILY seen so far at the client's prerouting hook.
seen_from_fake() {
    local which
    if [[ $1 == 4 ]]; then which="ip saddr"; else which="ip6 saddr"; fi
    ip netns exec "$LAB_C" nft list ruleset |
        sed -n "s/.*$which [0-9a-f.:]* .* counter packets \([0-9]*\) .*/\1/p"
}

# Pings the fake host once (reply after 1000 ms) with the client's socket KIND in FAMILY and,
# while the request waits, has the router send it the crafted packets named by CASES. Sets
# $status, $output, $stderr, $lines as run does, after checking that every packet reached the
# client while wping still waited: crafted KIND FAMILY CASE...
crafted() {
    local kind=$1 family=$2 client before seen id i start said craft craft_in craft_out
    local out="$BATS_TEST_TMPDIR/out"
    shift 2
    hostile_use "$kind" "$family" "crafted $*"
    if [[ $family == 4 ]]; then client=$LAB_C4; else client=$LAB_C6; fi
    before=$(lab_fakehost_requests)
    seen=$(seen_from_fake "$family")
    # The packet maker starts before the request and waits for its identifier: Python's own
    # start-up (over a second under load) must not eat into the 1000 ms before the real reply.
    coproc CRAFT {
        ip netns exec "$LAB_R" timeout 30 python3 "$BATS_FILE_TMPDIR/craft.py" "$family" \
            "$TARGET" "$client" - 1 "$@" 2>&1 3>&-
    }
    # Copies of its pipes and pid: bash drops CRAFT's own once the coprocess is reaped.
    craft=$CRAFT_PID
    exec {craft_out}<&"${CRAFT[0]}" {craft_in}>&"${CRAFT[1]}"
    read -r -t 30 said <&"$craft_out" || true
    [[ $said == ready ]] || fail "the packet maker did not start: $said"
    lab_client "$WPING" -n 1 -w 3000 "$TARGET" >"$out" 2>"$out.err" 3>&- &
    BG_PID=$!
    for ((i = 0; i < 250; i++)); do
        (($(lab_fakehost_requests) > before)) && break
        sleep 0.02
    done
    # From when the request was seen: the real reply comes 1000 ms after it arrived.
    start=$(wping_now_ms)
    id=$(grep '^seq=' "$LAB_FAKEHOST_LOG" | tail -n 1 | sed -n 's/.* id=\([0-9]*\) .*/\1/p')
    [[ -n $id ]] || fail "the fake host saw no request within 5 s"
    echo "$id" >&"$craft_in"
    read -r -t 30 said <&"$craft_out" || true
    exec {craft_out}<&- {craft_in}>&-
    [[ $said == sent ]] || fail "the packet maker failed: $said"
    (($(wping_now_ms) - start < 900)) ||
        fail "the crafted packets went out $(($(wping_now_ms) - start)) ms after the request, too close to its real reply"
    wait "$craft" || fail "the packet maker exited with status $?"
    status=0
    wait "$BG_PID" || status=$?
    BG_PID=
    output=$(<"$out")
    stderr=$(<"$out.err")
    mapfile -t lines <"$out"
    if ((status >= 128)); then
        fail "wping died with status $status; stderr: $stderr"
    fi
    [[ -z $stderr ]] || fail "wping wrote to stderr: $stderr"
    # Every crafted packet reached the client.
    (($(seen_from_fake "$family") - seen == $#)) ||
        fail "the client got $(($(seen_from_fake "$family") - seen)) crafted packets, not $#"
}

# Asserts that the last crafted run showed the fake host's real reply (1000 ms late).
assert_real_reply() {
    hostile_assert "$TARGET" 32 "$(hostile_reply "$TARGET" 32)"
    (($(hostile_rtt_ms 2) >= 1000)) || fail "the reply took $(hostile_rtt_ms 2) ms: not the real one"
}

@test "a well-formed reply made by hand is taken: the crafted packets do reach wping" {
    local c
    for c in "${HOSTILE_CASES[@]}"; do
        # shellcheck disable=SC2086 # "KIND FAMILY"
        crafted $c reply
        # Not through the router: TTL 64.
        hostile_assert "$TARGET" 32 "$(hostile_reply "$TARGET" 32 | sed 's/TTL=63/TTL=64/')"
        (($(hostile_rtt_ms 2) < 1000)) || fail "the crafted reply was not taken"
    done
}

@test "ICMP messages shorter than their 8-byte header never answer a request" {
    local c
    for c in "${HOSTILE_CASES[@]}"; do
        # shellcheck disable=SC2086 # "KIND FAMILY"
        crafted $c icmp0 icmp4 icmp6 icmp7
        assert_real_reply
    done
}

@test "an echo reply with a non-zero code never answers a request" {
    local c
    for c in "${HOSTILE_CASES[@]}"; do
        # shellcheck disable=SC2086 # "KIND FAMILY"
        crafted $c reply-code1
        assert_real_reply
    done
}

@test "errors too short to quote, or quoting a cut or impossible header, a reply or another code, never answer" {
    local c extra
    for c in "${HOSTILE_CASES[@]}"; do
        extra=()
        [[ $c == *4 ]] && extra=(error-quote-ihl15 error-quote-ihl4)
        # shellcheck disable=SC2086 # "KIND FAMILY"
        crafted $c error4 error8 error-quote-cut-in-ip error-quotes-reply error-quote-code1 \
            "${extra[@]}"
        assert_real_reply
    done
}

# Linux hands a datagram ICMP socket only the quoted ICMP header and the quoted destination
# (IP_RECVERR / IPV6_RECVERR), and neither IPv4's icmp_unreach nor IPv6's icmpv6_notify checks
# the quoted version: an error quoting wping's own request (identifier, sequence, addresses
# and protocol all right) under a wrong version nibble reaches the engine as that request's
# error, and nothing in what it receives can tell. A raw socket sees the quoted header and
# ignores the error.
@test "an error quoting our request under a wrong IP version: raw sockets ignore it, datagram sockets cannot tell" {
    local family
    for family in 4 6; do
        crafted raw "$family" error-quote-version
        assert_real_reply
        crafted dgram "$family" error-quote-version
        hostile_assert "$TARGET" 32 "Reply from $TARGET: Destination host unreachable."
    done
}
