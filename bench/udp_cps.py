#!/usr/bin/env python3
"""New UDP flows per second: each flow is one datagram from a source port
of its own (bound explicitly, SPORT up), counted when its echo comes back.

  udp_cps.py SRC DST PORT SECONDS FLOWS [WINDOW [SPORT]]
      at most WINDOW flows in flight (default 32), FLOWS flows at most
      (each from source port SPORT + i, default SPORT 10000), for SECONDS
      at most; print "FLOWS_PER_S ANSWERED LOST"

A flow unanswered after 500 ms (or refused) counts as lost.  Bounded in
time and count; the echo side is bench/udp_rr.py server.  Used by
bench/nat_net.sh."""
import select
import socket
import sys
import time


def run(src, dst, port, secs, flows, window, sport):
    ep = select.epoll()
    inflight = {}
    msg = b"n" * 32
    sent = answered = lost = 0
    start = time.monotonic()
    end = start + secs
    last_sweep = start
    now = start
    while now < end:
        while len(inflight) < window and sent < flows:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setblocking(False)
            sent += 1
            try:
                s.bind((src, sport + sent - 1))
            except OSError:
                s.close()    # port held by another socket: skipped, not a flow
                continue
            try:
                s.sendto(msg, (dst, port))
            except OSError:
                lost += 1
                s.close()
                continue
            ep.register(s.fileno(), select.EPOLLIN)
            inflight[s.fileno()] = (s, time.monotonic())
        if not inflight:
            break
        for fd, _ in ep.poll(0.01):
            s, _ = inflight.pop(fd)
            try:
                s.recv(2048)
                answered += 1
            except OSError:
                lost += 1
            ep.unregister(fd)
            s.close()
        now = time.monotonic()
        if now - last_sweep >= 0.05:
            last_sweep = now
            for fd in [fd for fd, (_, t0) in inflight.items() if now - t0 > 0.5]:
                s, _ = inflight.pop(fd)
                ep.unregister(fd)
                s.close()
                lost += 1
    lost += len(inflight)
    el = time.monotonic() - start
    print("%d %d %d" % (answered / el if el > 0 else 0, answered, lost))


def main():
    a = sys.argv[1:]
    if len(a) not in (5, 6, 7):
        sys.stderr.write(__doc__)
        sys.exit(2)
    try:
        secs, flows = float(a[3]), int(a[4])
        window = int(a[5]) if len(a) > 5 else 32
        sport = int(a[6]) if len(a) > 6 else 10000
    except ValueError:
        sys.stderr.write(__doc__)
        sys.exit(2)
    if secs <= 0 or flows <= 0 or window <= 0 or not 1024 <= sport <= 65535 - flows:
        sys.stderr.write("udp_cps.py: positive SECONDS, FLOWS, WINDOW; SPORT + FLOWS within 1024-65535\n")
        sys.exit(2)
    run(a[0], a[1], int(a[2]), secs, flows, window, sport)


if __name__ == "__main__":
    main()
