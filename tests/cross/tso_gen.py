#!/usr/bin/python3
"""Cross-check of libcore/tso (through tests/cross/tso_driver) against
scapy: segments of super-frames built by scapy must carry the checksums,
lengths, sequence numbers, IP ids and flags scapy computes for the same
segments; coalesced trains must carry exactly the segments' payload.
Writes every produced frame to a pcap for tshark's own checksum check.

usage: tso_gen.py DRIVER OUT.pcap   (prints PASS/FAIL<TAB>name<TAB>why)
"""
import subprocess
import sys

from scapy.all import Ether, IP, IPv6, TCP, UDP, Raw, wrpcap

drv = subprocess.Popen([sys.argv[1]], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                       text=True, bufsize=1)
written = []


def cmd(line):
    drv.stdin.write(line + "\n")
    drv.stdin.flush()
    out = []
    while True:
        ln = drv.stdout.readline().rstrip("\n")
        if ln.startswith("E "):
            return int(ln[2:]), out
        out.append(ln)


def report(ok, name, why=""):
    print(("PASS\t%s" % name) if ok else ("FAIL\t%s\t%s" % (name, why)))


def payload(n, seed=0):
    return bytes((i * 7 + seed + (i >> 8)) & 0xFF for i in range(n))


def l3(fr):
    return fr[IP] if IP in fr else fr[IPv6]


def hops(fr):
    return fr[IP].ttl if IP in fr else fr[IPv6].hlim


def reference(seg):
    """The same frame with every length and checksum recomputed by scapy."""
    f = Ether(bytes(seg))
    ip = l3(f)
    if IP in f:
        del ip.len
        del ip.chksum
    else:
        del ip.plen
    l4 = f[TCP] if TCP in f else f[UDP]
    del l4.chksum
    if UDP in f:
        del l4.len
    return Ether(bytes(f))


def seg_case(name, sup, mss):
    sup_b = bytes(sup)
    rc, lines = cmd("seg %d 0 %s" % (mss, sup_b.hex()))
    if rc != 0:
        return report(False, name, "driver returned %d" % rc)
    segs = [Ether(bytes.fromhex(ln[2:])) for ln in lines]
    written.extend(segs)
    tcp = TCP in sup
    l4s = sup[TCP] if tcp else sup[UDP]
    data = bytes(l4s.payload)
    want_n = max(1, (len(data) + mss - 1) // mss)
    if len(segs) != want_n:
        return report(False, name, "%d segments, expected %d" % (len(segs), want_n))
    got = b""
    for k, s in enumerate(segs):
        ref = reference(s)
        if bytes(ref) != bytes(s):
            return report(False, name, "segment %d differs from scapy's checksums/lengths" % k)
        sl4 = s[TCP] if tcp else s[UDP]
        chunk = bytes(sl4.payload)
        if len(chunk) > mss or (k < want_n - 1 and len(chunk) != mss):
            return report(False, name, "segment %d has %d bytes" % (k, len(chunk)))
        if IP in s and s[IP].id != (sup[IP].id + k) & 0xFFFF:
            return report(False, name, "segment %d ip id %d" % (k, s[IP].id))
        if hops(s) != hops(sup):
            return report(False, name, "segment %d ttl" % k)
        if tcp:
            last = k == want_n - 1
            fl = int(sup[TCP].flags)
            want = fl & ~(0x09 if not last else 0) & ~(0x80 if k else 0)
            if int(s[TCP].flags) != want:
                return report(False, name, "segment %d flags %s" % (k, s[TCP].flags))
            if s[TCP].seq != (sup[TCP].seq + len(got)) & 0xFFFFFFFF:
                return report(False, name, "segment %d seq %d" % (k, s[TCP].seq))
            if s[TCP].options != sup[TCP].options:
                return report(False, name, "segment %d options" % k)
        got += chunk
    if got != data:
        return report(False, name, "payload differs")
    report(True, name + " (%d segments)" % len(segs))


def pseudo_partial(fr):
    """The frame as a VM hands it over: L4 checksum = folded pseudo-header sum."""
    b = bytearray(bytes(fr))
    f = Ether(bytes(b))
    ip = l3(f)
    l4off = 14 + (ip.ihl * 4 if IP in f else 40)
    proto = 6 if TCP in f else 17
    ln = len(b) - l4off

    def words(x):
        return sum((x[i] << 8 | x[i + 1]) for i in range(0, len(x), 2))

    if IP in f:
        s = words(b[26:34])
    else:
        s = words(b[22:54])
    s += proto + ln
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    at = l4off + (16 if proto == 6 else 6)
    b[at:at + 2] = s.to_bytes(2, "big")
    return bytes(b), l4off, at - l4off


def complete_case(name, fr):
    want = bytes(fr)
    part, start, off = pseudo_partial(fr)
    rc, lines = cmd("complete %d %d %s" % (start, off, part.hex()))
    if rc != 0 or not lines:
        return report(False, name, "driver returned %d" % rc)
    got = bytes.fromhex(lines[0][2:])
    written.append(Ether(got))
    report(got == want, name, "completed checksum differs from scapy's")


def coal_case(name, frames, ctxs, expect):
    """expect: list of segment counts per output, in order."""
    for fr, c in zip(frames, ctxs):
        drv.stdin.write("coal %d %s\n" % (c, bytes(fr).hex()))
    rc, lines = cmd("flush")
    outs = []
    for ln in lines:
        p = ln.split()
        outs.append((int(p[1]), int(p[3]), int(p[5]), int(p[6]), bytes.fromhex(p[8])))
    counts = [o[0] for o in outs]
    if counts != expect:
        return report(False, name, "outputs %s, expected %s" % (counts, expect))
    total_in = sum(len(bytes(f[TCP].payload)) for f in frames)
    total_out = 0
    for segs, gso, cstart, coff, b in outs:
        if segs > 1:
            rc, cl = cmd("complete %d %d %s" % (cstart, coff, b.hex()))
            b = bytes.fromhex(cl[0][2:])
            ref = reference(b)
            if bytes(ref) != b:
                return report(False, name, "merged frame checksum/length wrong")
            written.append(Ether(b))
        total_out += len(bytes(Ether(b)[TCP].payload))
    if total_out != total_in:
        return report(False, name, "%d payload bytes out of %d" % (total_out, total_in))
    report(True, name)


E = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
opts = [("NOP", None), ("NOP", None), ("Timestamp", (12345, 678))]
big = payload(20000)
sup4 = E / IP(src="10.1.0.1", dst="10.1.0.2", id=65530, ttl=61, tos=0x02) / \
    TCP(sport=40000, dport=5201, seq=4294960000, ack=99, flags="FPAC", options=opts, chksum=0x1234) / Raw(big)
sup6 = E / IPv6(src="fd00::1", dst="fd00::2", hlim=33, tc=0x20, fl=0x12345) / \
    TCP(sport=40000, dport=5201, seq=5, ack=99, flags="PA", chksum=0x4321) / Raw(big[:9001])
usup4 = E / IP(src="10.1.0.1", dst="10.1.0.2", id=7) / UDP(sport=1000, dport=2000, chksum=0x1111) / Raw(big[:4500])
usup6 = E / IPv6(src="fd00::1", dst="fd00::2") / UDP(sport=1000, dport=2000, chksum=0x1111) / Raw(big[:4500])

seg_case("tcp4 super-frame, FIN/PSH/CWR, timestamps, seq wrap", sup4, 1448)
seg_case("tcp6 super-frame", sup6, 1428)
seg_case("tcp4 mss 536", sup4, 536)
seg_case("udp4 super-frame (USO)", usup4, 1472)
seg_case("udp6 super-frame (USO)", usup6, 1452)

complete_case("tcp4 partial checksum completed",
              E / IP(src="10.1.0.1", dst="10.1.0.2") / TCP(sport=1, dport=2, flags="A") / Raw(big[:777]))
complete_case("udp6 partial checksum completed",
              E / IPv6(src="fd00::1", dst="fd00::2") / UDP(sport=1, dport=2) / Raw(big[:333]))


def train(n, mss=1000, v6=False, sport=40000, seq0=1000):
    ip = IPv6(src="fd00::1", dst="fd00::2") if v6 else IP(src="10.1.0.1", dst="10.1.0.2")
    return [E / ip / TCP(sport=sport, dport=5201, seq=seq0 + i * mss, ack=9, flags="A", options=opts) /
            Raw(big[i * mss:(i + 1) * mss]) for i in range(n)]


t = train(8)
coal_case("coalesce in-order train v4", t, [1] * 8, [8])
coal_case("coalesce in-order train v6", train(8, v6=True), [1] * 8, [8])
coal_case("coalesce: one lost", t[:3] + t[4:], [1] * 7, [3, 4])
coal_case("coalesce: reordered", [t[0], t[1], t[3], t[2], t[4], t[5]], [1] * 6, [2, 1, 1, 2])
coal_case("coalesce: other VNI in the middle", t[:3], [1, 2, 1], [1, 1, 1])
psh = list(t)
psh[2] = psh[2].copy()
psh[2][TCP].flags = "PA"
coal_case("coalesce: PSH ends a merge", psh, [1] * 8, [3, 5])
syn = list(t)
syn[2] = syn[2].copy()
syn[2][TCP].flags = "SA"
coal_case("coalesce: SYN stays alone", syn, [1] * 8, [2, 1, 5])

wrpcap(sys.argv[2], written)
drv.stdin.close()
drv.wait()
