#!/usr/bin/env python3
"""Timestamp every IPv4 ICMP echo request and reply that crosses one network interface.

bench/run uses this as the referee that trusts neither ping: it runs as root inside the lab's
client namespace, on the client's veth (c0), and prints one line per echo packet seen there:

  out type=8 id=I seq=S ns=T      an echo request leaving the client
  in type=0 id=I seq=S ns=T       an echo reply arriving at the client

T is the kernel's timestamp of the packet on that interface (SO_TIMESTAMPNS on an AF_PACKET
socket, CLOCK_REALTIME nanoseconds), so this script's own wake-up latency does not count.
Packets without a kernel timestamp are stamped on receipt and marked `user`.

With --drain-ms it polls the socket instead of sleeping in select: a process waiting on the
socket is woken by the kernel right after it stamps an outgoing packet and before the driver
sends it, which would add that wake-up to what it times.

Bounded: it exits after --max-seconds, on SIGTERM or SIGINT, or once --stop-after requests
and as many replies have been seen. Output is flushed line by line. `ready` is written to
--ready-file once the socket is bound, so a caller can start the ping only then.
"""
import argparse
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
PACKET_OUTGOING = 4


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dev", required=True, help="interface to watch")
    p.add_argument("--ready-file", required=True)
    p.add_argument("--max-seconds", type=float, default=60.0)
    p.add_argument("--stop-after", type=int, default=0,
                   help="exit after this many requests and replies (0: only on time or signal)")
    p.add_argument("--drain-ms", type=float, default=0.0,
                   help="sleep this long between non-blocking reads instead of waiting in "
                        "select: with no one waiting on the socket, the kernel wakes no one "
                        "between its stamp and the driver, so the referee does not lengthen "
                        "the path it times (0: wait in select)")
    return p.parse_args()


def echo_fields(frame):
    """(type, id, seq) of an IPv4 ICMP echo request/reply in an Ethernet frame, else None."""
    if len(frame) < 14 + 20 + 8:
        return None
    if struct.unpack_from("!H", frame, 12)[0] != ETH_P_IP:
        return None
    ip = frame[14:]
    if ip[0] >> 4 != 4 or ip[9] != 1:
        return None
    ihl = (ip[0] & 0x0F) * 4
    if len(ip) < ihl + 8:
        return None
    icmp_type, _code, _sum, ident, seq = struct.unpack_from("!BBHHH", ip, ihl)
    if icmp_type not in (0, 8):
        return None
    return icmp_type, ident, seq


def kernel_stamp(ancdata):
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
            sec, nsec = struct.unpack_from("@qq", data)
            return sec * 1_000_000_000 + nsec
    return None


def main():
    args = parse_args()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.bind((args.dev, ETH_P_ALL))
    with open(args.ready_file, "w", encoding="ascii") as ready:
        ready.write("ready\n")

    deadline = time.monotonic() + args.max_seconds
    requests = replies = 0
    out = sys.stdout
    while not stop:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        if args.stop_after and requests >= args.stop_after and replies >= args.stop_after:
            break
        if args.drain_ms > 0:
            try:
                frame, ancdata, _flags, address = sock.recvmsg(65536, 256, socket.MSG_DONTWAIT)
            except BlockingIOError:
                time.sleep(args.drain_ms / 1000)
                continue
            except InterruptedError:
                continue
        else:
            try:
                readable, _, _ = select.select([sock], [], [], min(left, 0.2))
            except InterruptedError:
                continue
            if not readable:
                continue
            frame, ancdata, _flags, address = sock.recvmsg(65536, 256)
        # address: (ifname, proto, pkttype, hatype, hwaddr). Frames queued between socket()
        # and bind() may come from other interfaces.
        if address[0] != args.dev:
            continue
        fields = echo_fields(frame)
        if fields is None:
            continue
        icmp_type, ident, seq = fields
        stamp = kernel_stamp(ancdata)
        source = ""
        if stamp is None:
            stamp = time.clock_gettime_ns(time.CLOCK_REALTIME)
            source = " user"
        direction = "out" if address[2] == PACKET_OUTGOING else "in"
        if icmp_type == 8 and direction == "out":
            requests += 1
        elif icmp_type == 0 and direction == "in":
            replies += 1
        out.write(f"{direction} type={icmp_type} id={ident} seq={seq} ns={stamp}{source}\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
