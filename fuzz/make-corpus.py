#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/: small, valid or nearly valid inputs that
start each fuzzer deep inside its parser instead of at the first length check.

    fuzz/make-corpus.py            # rewrite every seed (deterministic: same bytes each time)

Each seed is named for what it is. Rerun after changing this file and commit the result; the
fuzzers never write here (fuzz/run works on a copy).
"""
import pathlib
import shutil
import struct

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus"

PATTERN = b"abcdefghijklmnopqrstuvw"  # what wping sends (docs/design.md, Payload)
CLIENT = bytes([198, 18, 0, 2])
ROUTER = bytes([198, 18, 0, 1])
SERVER = bytes([198, 18, 1, 2])
CLIENT6 = bytes.fromhex("20010db8000000000000000000000002")
ROUTER6 = bytes.fromhex("20010db8000000000000000000000001")
SERVER6 = bytes.fromhex("20010db8000000010000000000000002")
IDENT, SEQ = 0x1234, 7


def payload(size):
    return (PATTERN * (size // len(PATTERN) + 1))[:size]


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def icmp(kind, code, rest, data=b"", fix_checksum=True):
    """An ICMP message; `rest` is the 4 bytes after the checksum."""
    message = struct.pack("!BBH", kind, code, 0) + rest + data
    if fix_checksum:
        message = message[:2] + struct.pack("!H", checksum(message)) + message[4:]
    return message


def echo(kind, ident=IDENT, seq=SEQ, data=b"", **kw):
    return icmp(kind, 0, struct.pack("!HH", ident, seq), data, **kw)


def pad_options(options):
    return options + b"\0" * (-len(options) % 4)


def ipv4(source, destination, body, options=b"", ttl=64, tos=0, flags=0, total=None):
    options = pad_options(options)
    ihl = 5 + len(options) // 4
    length = total if total is not None else 4 * ihl + len(body)
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, length, 0x4242, flags << 13, ttl, 1,
                         0, source, destination) + options
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + body


def ipv6(source, destination, body, hop_limit=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(body), 58, hop_limit, source,
                       destination) + body


# IPv4 options in wire form.
def record_route(slots, filled):
    addresses = b"".join(filled) + b"\0" * 4 * (slots - len(filled))
    return bytes([7, 3 + 4 * slots, 4 + 4 * len(filled)]) + addresses


def timestamp(flag, slots, filled, overflow=0):
    entry = 4 if flag == 0 else 8
    body = b"".join(filled) + b"\0" * entry * (slots - len(filled))
    return bytes([0x44, 4 + entry * slots, 5 + entry * len(filled), overflow << 4 | flag]) + body


def source_route(kind, hops, pointer=4):
    return bytes([kind, 3 + 4 * len(hops), pointer]) + b"".join(hops)


def stamp(address, ms):
    return address + struct.pack("!I", ms)


REQUEST = echo(8, data=payload(32))
REQUEST6 = echo(128, data=payload(32))


def quote4(options=b"", icmp_bytes=8):
    """The start of our echo request as a router quotes it: IP header, then ICMP bytes."""
    return ipv4(CLIENT, SERVER, REQUEST, options, ttl=1)[:20 + len(pad_options(options)) +
                                                          icmp_bytes]


def quote6(icmp_bytes=8):
    return ipv6(CLIENT6, SERVER6, REQUEST6, hop_limit=1)[:40 + icmp_bytes]


def error4(kind, code, quote, rest=b"\0\0\0\0"):
    return icmp(kind, code, rest, quote)


def error6(kind, code, quote, rest=b"\0\0\0\0"):
    return icmp(kind, code, rest, quote, fix_checksum=False)  # the kernel checked it


RR3 = record_route(9, [ROUTER, SERVER, ROUTER])
TS2 = timestamp(1, 4, [stamp(ROUTER, 1000), stamp(SERVER, 1001)])

ECHO_REPLY_IPV4 = {
    "reply-32": ipv4(SERVER, CLIENT, echo(0, data=payload(32))),
    "reply-empty": ipv4(SERVER, CLIENT, echo(0)),
    "reply-1400-df": ipv4(SERVER, CLIENT, echo(0, data=payload(1400)), flags=2),
    "reply-tos-ttl": ipv4(SERVER, CLIENT, echo(0, data=payload(8)), ttl=1, tos=0xb8),
    "reply-record-route-3-of-9": ipv4(SERVER, CLIENT, echo(0, data=payload(32)), RR3),
    "reply-record-route-full": ipv4(SERVER, CLIENT, echo(0),
                                    record_route(9, [ROUTER, SERVER] * 4 + [ROUTER])),
    "reply-timestamp-2-of-4": ipv4(SERVER, CLIENT, echo(0, data=payload(32)), TS2),
    "reply-nop-then-record-route": ipv4(SERVER, CLIENT, echo(0), b"\x01" + record_route(2, [
        ROUTER])),
    "reply-loose-route": ipv4(SERVER, CLIENT, echo(0),
                              source_route(0x83, [ROUTER, SERVER], pointer=12)),
    "reply-bad-checksum": ipv4(SERVER, CLIENT, echo(0, data=payload(32))[:-1] + b"!"),
    "reply-total-shorter-than-buffer": ipv4(SERVER, CLIENT, echo(0, data=payload(16)),
                                            total=20 + 8 + 16) + b"trailing junk",
    "reply-total-longer-than-buffer": ipv4(SERVER, CLIENT, echo(0, data=payload(16)),
                                           total=1000),
    "request-is-ignored": ipv4(CLIENT, SERVER, REQUEST),
    "error-host-unreachable": ipv4(ROUTER, CLIENT, error4(3, 1, quote4())),
    "error-fragmentation-needed": ipv4(ROUTER, CLIENT,
                                       error4(3, 4, quote4(), rest=struct.pack("!HH", 0, 1280))),
    "error-ttl-expired": ipv4(ROUTER, CLIENT, error4(11, 0, quote4())),
    "error-quote-with-record-route": ipv4(ROUTER, CLIENT, error4(11, 0, quote4(RR3))),
    "error-parameter-problem": ipv4(ROUTER, CLIENT, error4(12, 0, quote4(), b"\x14\0\0\0")),
    "error-source-quench": ipv4(ROUTER, CLIENT, error4(4, 0, quote4())),
    "error-quote-truncated": ipv4(ROUTER, CLIENT, error4(3, 3, quote4(icmp_bytes=4))),
    "error-quote-header-only": ipv4(ROUTER, CLIENT, error4(3, 3, quote4(icmp_bytes=0))),
    "redirect-is-ignored": ipv4(ROUTER, CLIENT, error4(5, 1, quote4(), ROUTER)),
}

# fuzz_icmp: one control byte (bit 0: IPv6, bit 1: verify the checksum), then the message.
V4, V4_CHECKED, V6 = b"\x00", b"\x02", b"\x01"
ICMP = {
    "v4-reply": V4 + echo(0, data=payload(32)),
    "v4-reply-checked": V4_CHECKED + echo(0, data=payload(32)),
    "v4-reply-bad-checksum-checked": V4_CHECKED + echo(0, data=payload(32), fix_checksum=False),
    "v4-reply-odd-length-checked": V4_CHECKED + echo(0, data=payload(33)),
    "v4-error-host-unreachable": V4_CHECKED + error4(3, 1, quote4()),
    "v4-error-port-unreachable": V4 + error4(3, 3, quote4()),
    "v4-error-ttl-expired-options": V4_CHECKED + error4(11, 0, quote4(TS2)),
    "v4-error-quote-truncated": V4 + error4(3, 1, quote4(icmp_bytes=6)),
    "v4-quoted-echo-header": V4 + REQUEST[:8],
    "v6-reply": V6 + echo(129, data=payload(32), fix_checksum=False),
    "v6-reply-empty": V6 + echo(129, fix_checksum=False),
    "v6-error-no-route": V6 + error6(1, 0, quote6()),
    "v6-error-address-unreachable": V6 + error6(1, 3, quote6()),
    "v6-error-packet-too-big": V6 + error6(2, 0, quote6(), struct.pack("!I", 1280)),
    "v6-error-hop-limit": V6 + error6(3, 0, quote6()),
    "v6-error-parameter-problem": V6 + error6(4, 0, quote6(), struct.pack("!I", 6)),
    "v6-error-quote-truncated": V6 + error6(1, 4, quote6(icmp_bytes=5)),
    "v6-error-quote-header-only": V6 + error6(3, 0, quote6(icmp_bytes=0)),
    "v6-quoted-echo-header": V6 + REQUEST6[:8],
    "v6-request-is-ignored": V6 + REQUEST6,
}

IPOPT = {
    "record-route-empty-9": pad_options(record_route(9, [])),
    "record-route-3-of-9": pad_options(RR3),
    "record-route-full": pad_options(record_route(9, [ROUTER, SERVER] * 4 + [ROUTER])),
    "record-route-pointer-past-end": bytes([7, 11, 16]) + ROUTER + SERVER + b"\0",
    "record-route-length-past-block": bytes([7, 39, 8]) + ROUTER,
    "record-route-odd-length": bytes([7, 9, 8]) + ROUTER + b"\0\0\0",
    "timestamp-address-2-of-4": pad_options(TS2),
    "timestamp-only-3-of-9": pad_options(timestamp(0, 9, [struct.pack("!I", ms) for ms in (
        5, 6, 7)])),
    "timestamp-prespecified": pad_options(timestamp(3, 2, [stamp(ROUTER, 0)])),
    "timestamp-overflow": pad_options(timestamp(1, 4, [stamp(ROUTER, 1)] * 4, overflow=3)),
    "timestamp-bad-flag": bytes([0x44, 12, 5, 2]) + b"\0" * 8,
    "loose-route-3": pad_options(source_route(0x83, [ROUTER, SERVER, CLIENT])),
    "strict-route-2-used": pad_options(source_route(0x89, [ROUTER, SERVER], pointer=12)),
    "nops-then-record-route": pad_options(b"\x01\x01\x01" + record_route(2, [ROUTER])),
    "end-of-list-then-record-route": pad_options(b"\x00" + record_route(2, [])),
    "security-then-timestamp": pad_options(bytes([0x82, 11]) + b"\0" * 9 + timestamp(
        1, 2, [stamp(ROUTER, 3)])),
    "length-one": bytes([0x44, 1, 5, 1]),
}

# fuzz_options: the arguments after argv[0], separated by NUL bytes.
COMMAND_LINES = {
    "count": ["-n", "3", "127.0.0.1"],
    "count-attached": ["-n3", "127.0.0.1"],
    "slash-options": ["/n", "2", "/l", "64", "/w", "500", "127.0.0.1"],
    "options-after-target": ["127.0.0.1", "-n", "2", "-w", "300"],
    "forever-then-count": ["-t", "-n", "1", "::1"],
    "cluster": ["-tan", "2", "localhost"],
    "size-dont-fragment": ["-l", "1400", "-f", "127.0.0.1"],
    "ttl-tos": ["-i", "64", "-v", "16", "127.0.0.1"],
    "record-route-timestamp": ["-r", "9", "-s", "4", "198.18.1.2"],
    "loose-route": ["-j", "198.18.0.1", "198.18.0.2", "198.18.1.2"],
    "strict-route": ["-k", "198.18.0.1", "198.18.1.2"],
    "long-options": ["--count=3", "--size", "64", "--timeout=200", "--ttl=1", "::1"],
    "source-ipv6": ["-S", "::1", "-6", "::1"],
    "reverse-route": ["-R", "-6", "::1"],
    "family-conflict": ["-4", "-f", "::1"],
    "compartment": ["-c", "lo", "127.0.0.1"],
    "provider": ["-p", "127.0.0.1"],
    "help-dash": ["-?"],
    "help-slash": ["/?"],
    "help-long": ["--help"],
    "version": ["--version"],
    "bad-option": ["-x", "127.0.0.1"],
    "missing-value": ["127.0.0.1", "-n"],
    "bad-value": ["-n", "0", "127.0.0.1"],
    "two-targets": ["198.18.0.1", "198.18.0.2"],
    "double-dash": ["--", "-n"],
    "empty-target": [""],
}


def write(target, seeds):
    directory = CORPUS / target
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    for name, data in seeds.items():
        (directory / name).write_bytes(data)


def main():
    write("fuzz_echo_reply_ipv4", ECHO_REPLY_IPV4)
    write("fuzz_icmp", ICMP)
    write("fuzz_ipopt", IPOPT)
    write("fuzz_options", {name: b"\0".join(arg.encode() for arg in args)
                           for name, args in COMMAND_LINES.items()})


if __name__ == "__main__":
    main()
