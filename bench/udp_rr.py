#!/usr/bin/env python3
"""UDP request/response rate: one request in flight, 32-byte datagrams.

  udp_rr.py server ADDR PORT SECONDS   echo every datagram back (for SECONDS)
  udp_rr.py client ADDR PORT SECONDS   send, wait for the echo, repeat for
                                       SECONDS; print "RR_PER_S P50_US P99_US LOST"

A request unanswered after 100 ms counts as lost and the next one is sent.
Bounded in time on both sides; used by bench/forward.sh."""
import socket
import sys
import time


def server(addr, port, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    end = time.monotonic() + secs
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        s.settimeout(left)
        try:
            b, peer = s.recvfrom(2048)
        except socket.timeout:
            return
        s.sendto(b, peer)


def client(addr, port, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((addr, port))
    s.settimeout(0.1)
    msg = b"r" * 32
    lat = []
    lost = 0
    start = time.monotonic()
    end = start + secs
    now = start
    while now < end:
        t = time.monotonic()
        s.send(msg)
        try:
            s.recv(2048)
        except (socket.timeout, ConnectionRefusedError):
            lost += 1
            now = time.monotonic()
            continue
        now = time.monotonic()
        lat.append(now - t)
    if not lat:
        print("0 - - %d" % lost)
        return
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(len(lat) * q))] * 1e6
    print("%d %.0f %.0f %d" % (len(lat) / (now - start), p(0.5), p(0.99), lost))


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("server", "client"):
        sys.stderr.write(__doc__)
        sys.exit(2)
    f = server if sys.argv[1] == "server" else client
    f(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))


if __name__ == "__main__":
    main()
