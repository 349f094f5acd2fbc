#!/usr/bin/env python3
"""Send ICMP echo requests from a raw socket and print every echo reply and ICMP error seen.

fakehost's self-test uses this so it does not depend on the wping engine. Run it as root inside
the test's own network namespace: a raw socket sees all ICMP of the namespace, so every reply
and error is printed, ours or not. One line per packet, then a summary:

  reply from=A id=I seq=S bytes=N ttl=T tos=X rtt_ms=F sum=ok|bad data=ok|data=bad diff=I [rr=A,...]
  error from=A type=T code=C info=N ttl=T sum=ok|bad quoted_len=N quoted_ver=V
        quoted_proto=P quoted_dst=A quoted_id=I|- quoted_seq=S|-
  sent=N replies=N errors=N

Checksums are verified here for both families (IPv6 with the pseudo-header). Data is compared
with the payload sent (diff= is the first byte that differs); rtt_ms=- when the reply's
sequence number is not one that was sent. RTTs run from just before sendto to the kernel's
receive timestamp (SO_TIMESTAMPNS), both on CLOCK_REALTIME, so this script's own wake-up
latency does not count. The wait is bounded: at most --wait ms after the last request, less
with --expect N (stop once N replies and errors have come after the last request was sent).
"""
import argparse
import ipaddress
import select
import socket
import struct
import sys
import time

PATTERN = b"abcdefghijklmnopqrstuvw"
IPV6_RECVPKTINFO = getattr(socket, "IPV6_RECVPKTINFO", 49)
IPV6_PKTINFO = getattr(socket, "IPV6_PKTINFO", 50)
IPV6_RECVHOPLIMIT = getattr(socket, "IPV6_RECVHOPLIMIT", 51)
IPV6_HOPLIMIT = getattr(socket, "IPV6_HOPLIMIT", 52)
IPV6_RECVTCLASS = getattr(socket, "IPV6_RECVTCLASS", 66)
IPV6_TCLASS = getattr(socket, "IPV6_TCLASS", 67)
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def payload(size):
    return (PATTERN * (size // len(PATTERN) + 1))[:size]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dest")
    p.add_argument("-6", dest="v6", action="store_true", help="IPv6")
    p.add_argument("--id", type=int, default=0x5157)
    p.add_argument("--seq", type=int, default=1, help="first sequence number")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--size", type=int, default=32, help="payload bytes")
    p.add_argument("--interval", type=int, default=50, help="ms between requests")
    p.add_argument("--wait", type=int, default=500, help="ms to listen after the last request")
    p.add_argument("--expect", type=int, help="stop early once this many replies and errors came")
    p.add_argument("--ttl", type=int)
    p.add_argument("--tos", type=int)
    p.add_argument("--rr", type=int, help="IPv4 record route with this many slots")
    a = p.parse_args()
    if not 1 <= a.count <= 1000 or not 0 <= a.wait <= 10000 or not 0 <= a.interval <= 5000:
        p.error("count 1..1000, wait 0..10000, interval 0..5000")
    return a


def open_socket(a):
    if a.v6:
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        for opt in (IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS):
            s.setsockopt(socket.IPPROTO_IPV6, opt, 1)
        if a.ttl is not None:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, a.ttl)
        if a.tos is not None:
            s.setsockopt(socket.IPPROTO_IPV6, IPV6_TCLASS, a.tos)
        return s
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    if a.ttl is not None:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, a.ttl)
    if a.tos is not None:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, a.tos)
    if a.rr:
        length = 3 + 4 * a.rr
        opt = bytes([7, length, 4]) + bytes(4 * a.rr)
        opt += bytes((4 - len(opt) % 4) % 4)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, opt)
    return s


def echo_request(a, seq):
    kind = 128 if a.v6 else 8
    body = payload(a.size)
    head = struct.pack("!BBHHH", kind, 0, 0, a.id, seq & 0xFFFF)
    if a.v6:  # the kernel fills the ICMPv6 checksum of raw ICMPv6 sockets
        return head + body
    return struct.pack("!BBHHH", kind, 0, checksum(head + body), a.id, seq & 0xFFFF) + body


def record_route(options):
    """Addresses recorded in an IPv4 record-route option, if there is one."""
    i = 0
    while i + 1 < len(options) and options[i] != 0:
        if options[i] == 1:
            i += 1
            continue
        kind, length = options[i], options[i + 1]
        if length < 2:
            break
        if kind == 7 and length >= 3:
            used = options[i + 2] - 4
            slots = options[i + 3 : i + 3 + max(used, 0)]
            return [str(ipaddress.ip_address(slots[j : j + 4])) for j in range(0, len(slots) - 3, 4)]
        i += length
    return None


def describe_quote(quote):
    fields = {"quoted_len": len(quote), "quoted_ver": "-", "quoted_proto": "-"}
    fields.update(quoted_dst="-", quoted_id="-", quoted_seq="-")
    if not quote:
        return fields
    ver = quote[0] >> 4
    fields["quoted_ver"] = ver
    if len(quote) >= 20 and ver != 6:
        hlen = (quote[0] & 15) * 4
        fields["quoted_proto"] = quote[9]
        fields["quoted_dst"] = ipaddress.ip_address(quote[16:20])
    elif len(quote) >= 40:
        hlen = 40
        fields["quoted_proto"] = quote[6]
        fields["quoted_dst"] = ipaddress.ip_address(quote[24:40])
    else:
        return fields
    if len(quote) >= hlen + 6:
        fields["quoted_id"] = struct.unpack("!H", quote[hlen + 4 : hlen + 6])[0]
    if len(quote) >= hlen + 8:
        fields["quoted_seq"] = struct.unpack("!H", quote[hlen + 6 : hlen + 8])[0]
    return fields


def report(a, icmp, src, ttl, tos, sum_ok, sent, rx_ns, options=b""):
    """Prints one line for an echo reply or ICMP error; returns its kind or None."""
    if len(icmp) < 8:
        return None
    kind, code = icmp[0], icmp[1]
    reply_kind = 129 if a.v6 else 0
    error_kinds = (1, 2, 3, 4) if a.v6 else (3, 4, 5, 11, 12)
    sums = "ok" if sum_ok else "bad"
    if kind == reply_kind:
        ident, seq = struct.unpack("!HH", icmp[4:8])
        data = icmp[8:]
        tx_ns = sent.get(seq)
        rtt = "%.3f" % ((rx_ns - tx_ns) / 1e6) if tx_ns is not None else "-"
        expected = payload(a.size)
        good = "ok"
        if data != expected:
            same = min(len(data), len(expected))
            diff = next((i for i in range(same) if data[i] != expected[i]), same)
            good = "bad diff=%d" % diff
        line = "reply from=%s id=%d seq=%d bytes=%d ttl=%d tos=%d rtt_ms=%s sum=%s data=%s" % (
            src, ident, seq, len(data), ttl, tos, rtt, sums, good)
        rr = record_route(options)
        if rr is not None:
            line += " rr=" + ",".join(rr)
        print(line, flush=True)
        return "reply"
    if kind in error_kinds:
        info = struct.unpack("!I", icmp[4:8])[0]
        quote = describe_quote(icmp[8:])
        print("error from=%s type=%d code=%d info=%d ttl=%d sum=%s %s" % (
            src, kind, code, info, ttl, sums,
            " ".join("%s=%s" % kv for kv in quote.items())), flush=True)
        return "error"
    return None


def kernel_time_ns(anc):
    for level, kind, value in anc:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            sec, nsec = struct.unpack("qq", value[:16])
            return sec * 1000000000 + nsec
    return time.time_ns()


def receive(a, s, sent):
    data, anc, _, addr = s.recvmsg(65536, 256)
    rx_ns = kernel_time_ns(anc)
    if a.v6:
        ttl = tos = -1
        dst = None
        for level, kind, value in anc:
            if level != socket.IPPROTO_IPV6:
                continue
            if kind == IPV6_HOPLIMIT:
                ttl = struct.unpack("i", value[:4])[0]
            elif kind == IPV6_TCLASS:
                tos = struct.unpack("i", value[:4])[0]
            elif kind == IPV6_PKTINFO:
                dst = value[:16]
        src = ipaddress.ip_address(addr[0].split("%")[0])
        sum_ok = False
        if dst is not None:
            pseudo = src.packed + dst + struct.pack("!I3xB", len(data), 58)
            sum_ok = checksum(pseudo + data) == 0
        return report(a, data, src, ttl, tos, sum_ok, sent, rx_ns)
    hlen = (data[0] & 15) * 4
    icmp = data[hlen:]
    src = ipaddress.ip_address(data[12:16])
    return report(a, icmp, src, data[8], data[1], checksum(icmp) == 0, sent, rx_ns,
                  data[20:hlen])


def main():
    a = parse_args()
    s = open_socket(a)
    family = socket.AF_INET6 if a.v6 else socket.AF_INET
    dest = socket.getaddrinfo(a.dest, None, family, socket.SOCK_RAW)[0][4]
    sent = {}
    counts = {"reply": 0, "error": 0}
    next_ns = time.monotonic_ns()
    end_ns = None
    seq = a.seq
    while True:
        now = time.monotonic_ns()
        if len(sent) < a.count and now >= next_ns:
            packet = echo_request(a, seq)
            sent[seq & 0xFFFF] = time.time_ns()
            s.sendto(packet, dest)
            seq += 1
            next_ns += a.interval * 1000000
            if len(sent) == a.count:
                end_ns = time.monotonic_ns() + a.wait * 1000000
            continue
        until = end_ns if end_ns is not None else next_ns
        answered = counts["reply"] + counts["error"]
        if now >= until or (end_ns is not None and a.expect and answered >= a.expect):
            break
        ready, _, _ = select.select([s], [], [], (until - now) / 1e9)
        if ready:
            kind = receive(a, s, sent)
            if kind:
                counts[kind] += 1
    print("sent=%d replies=%d errors=%d" % (len(sent), counts["reply"], counts["error"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
