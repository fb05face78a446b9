#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Packets built by scapy, an implementation independent of genv.

Run with /usr/bin/python3 (Debian's python3-scapy).  Subcommands:

  cases PCAP EXPECT      scapy-built Geneve frames + the fields genv must report
  hostile PCAP EXPECT    the hostile set: verdicts genv must give
  corpus DIR             seed corpus for tests/fuzz (first byte selects the link type)
  bench PCAP N           N frames cycling over 2048 varied templates in 200 VNIs
                         (bench/decode.sh)
  compare EXPECT JSONL   check `genv decode -j` output against EXPECT
  peers EXPECT GENV_JSONL TSHARK_FIELDS TSHARK_CSUM_FIELDS TCPDUMP_TEXT
                         table of where genv, tshark, tcpdump misjudge the hostile set
                         (the checks live in peers.py, which needs no scapy)

scapy 2.5 gets Geneve lengths wrong when left automatic (Opt Len is masked
with 0x2f, option lengths clear the reserved bits), so every length below is
set explicitly.  scapy is used to build inputs only, never to judge outputs.
"""
import json
import os
import random
import struct
import sys

import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (Ether, Dot1Q, IP, IPv6, UDP, TCP, ICMP, Raw,  # noqa: E402
                       ICMPv6EchoRequest, conf)
from scapy.contrib.geneve import GENEVE, GeneveOptions  # noqa: E402

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

conf.verb = 0
GNV_PORT = 6081
LINK_ETH, LINK_RAW, LINK_SLL = 1, 101, 113


# ---------------------------------------------------------------- pcap I/O
def pcap_write(path, records, linktype=LINK_ETH, snaplen=262144):
    """records: iterable of bytes or (bytes, orig_len)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        for i, r in enumerate(records):
            data, olen = (r, len(r)) if isinstance(r, (bytes, bytearray)) else r
            f.write(struct.pack("<IIII", 1700000000 + i // 1000000, i % 1000000,
                                len(data), olen))
            f.write(data)


# ---------------------------------------------------------------- builders
def opt(cls, typ, data=b"", rsvd=0, length=None):
    """One Geneve option with its length set explicitly (data padded to 4)."""
    data = bytes(data)
    if len(data) % 4:
        data += b"\0" * (4 - len(data) % 4)
    return GeneveOptions(classid=cls, type=typ, reserved=rsvd,
                         length=len(data) // 4 if length is None else length,
                         data=data)


def opts_size(opts):
    return sum(4 + len(o.data) for o in opts)


def geneve(vni, proto, opts=(), oam=0, crit=None, ver=0, optlen=None, rsvd=0, rsvd2=0):
    opts = list(opts)
    if crit is None:
        crit = int(any(o.type & 0x80 for o in opts))
    if optlen is None:
        optlen = opts_size(opts) // 4
    return GENEVE(version=ver, optionlen=optlen, oam=oam, critical=crit,
                  reserved=rsvd, proto=proto, vni=vni, reserved2=rsvd2,
                  options=opts)


def inner_l3(ipver, src, dst, l4, sport, dport, plen, icmp_id=1):
    if ipver == 4:
        ip = IP(src=src, dst=dst, ttl=64)
    else:
        ip = IPv6(src=src, dst=dst, hlim=64)
    if l4 == "tcp":
        l4p = TCP(sport=sport, dport=dport, flags="S", seq=1000)
    elif l4 == "udp":
        l4p = UDP(sport=sport, dport=dport)
    else:
        l4p = ICMP(id=icmp_id, seq=1) if ipver == 4 else ICMPv6EchoRequest(id=icmp_id, seq=1)
    return ip / l4p / Raw(b"\xab" * plen)


def outer(ipver, src, dst, sport, dport=GNV_PORT, vlan=None, udp_chksum=None, ttl=64):
    eth = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    if vlan is not None:
        eth = eth / Dot1Q(vlan=vlan)
    ip = IP(src=src, dst=dst, ttl=ttl) if ipver == 4 else IPv6(src=src, dst=dst, hlim=ttl)
    u = UDP(sport=sport, dport=dport)
    if udp_chksum is not None:
        u.chksum = udp_chksum
    return eth / ip / u


OPT_POOL = [
    (0x0102, 0x80, bytes.fromhex("0001000a")),          # OVN (critical)
    (0x0101, 0x01, bytes.fromhex("deadbeef")),          # Open vSwitch
    (0x014B, 0x81, bytes.fromhex("0a000001005000 00".replace(" ", ""))),  # Cilium DSR v4
    (0x0104, 0x02, bytes(range(8))),                    # VMware
    (0x0103, 0x03, bytes(range(12))),                   # INT
    (0xFFA7, 0x01, struct.pack("!II", 42, 7)),          # genv label
    (0xFFA7, 0x04, bytes([0, 1, 0, 0])),                # genv qos
    (0x1101, 0x50, struct.pack("!I", 5)),               # Mizar pod label (swapped)
    (0x0132, 0x01, struct.pack("!I", (1234 << 4) | 8)),  # Google vnid
    (0x0100, 0x7f, b""),                                # Linux, empty option
    (0xFF01, 0xC5, bytes(range(16))),                   # experimental, critical
    (0x0106, 0x10, bytes(range(124))),                  # largest option (128 bytes)
]


def rand_opts(rng, n, max_size=252, allow_crit=True):
    out, size = [], 0
    for _ in range(n):
        for _try in range(20):
            c, t, d = rng.choice(OPT_POOL)
            if not allow_crit and t & 0x80:
                continue
            if size + 4 + len(d) + (-len(d) % 4) <= max_size:
                break
        else:
            break
        out.append(opt(c, t, d))
        size += 4 + len(out[-1].data)
    return out


# ---------------------------------------------------------------- expectations
def exp_opts(opts):
    return [{"class": o.classid, "type": o.type, "critical": bool(o.type & 0x80),
             "len": len(o.data), "data": bytes(o.data).hex()} for o in opts]


def expect_ok(pkt_bytes, oip, osrc, odst, sport, g, opts, inner):
    """Fields genv decode -j must report for a well-formed frame."""
    e = {"status": "ok",
         "outer.ip.version": oip, "outer.ip.src": osrc, "outer.ip.dst": odst,
         "outer.udp.sport": sport, "outer.udp.dport": GNV_PORT,
         "geneve.version": 0, "geneve.vni": g.vni, "geneve.oam": bool(g.oam),
         "geneve.critical": bool(g.critical), "geneve.proto": g.proto,
         "geneve.opt_len": opts_size(opts), "geneve.options": exp_opts(opts)}
    if inner:
        ipv, src, dst, l4, isport, idport = inner
        e.update({"inner.ip.version": ipv, "inner.ip.src": src, "inner.ip.dst": dst,
                  "inner.l4.proto": {"tcp": 6, "udp": 17, "icmp": 1 if ipv == 4 else 58}[l4]})
        if l4 != "icmp":
            e.update({"inner.l4.sport": isport, "inner.l4.dport": idport})
    return e


def v4(rng, net="10.0"):
    return "%s.%d.%d" % (net, rng.randrange(256), rng.randrange(1, 255))


def v6(rng, pfx="fd00"):
    return "%s::%x:%x" % (pfx, rng.randrange(1, 0xffff), rng.randrange(1, 0xffff))


def build_case(rng, i, nopt=None, oip=None, iip=None, l4=None, eth_inner=None,
               vlan=None, oam=0, l4s=("tcp", "udp", "icmp"), max_opt=252, vni=None):
    """One random but fully described well-formed frame."""
    oip = oip or rng.choice((4, 6))
    iip = iip or rng.choice((4, 6))
    l4 = l4 or rng.choice(l4s)
    eth_inner = rng.random() < 0.7 if eth_inner is None else eth_inner
    nopt = rng.randrange(13) if nopt is None else nopt
    osrc, odst = (v4(rng, "10.200"), v4(rng, "10.200")) if oip == 4 else \
        (v6(rng, "fd00:200"), v6(rng, "fd00:200"))
    isrc, idst = (v4(rng), v4(rng)) if iip == 4 else (v6(rng), v6(rng))
    sport = rng.randrange(49152, 65536)
    isport, idport = rng.randrange(1024, 65536), rng.choice((80, 443, 53, 8080, 22))
    opts = rand_opts(rng, nopt, max_opt)
    vni = rng.randrange(1 << 24) if vni is None else vni
    inner = inner_l3(iip, isrc, idst, l4, isport, idport, rng.randrange(0, 64), icmp_id=i + 1)
    if eth_inner:
        inner = Ether(src="02:00:00:00:01:%02x" % (i & 0xff), dst="02:00:00:00:02:01") / inner
        proto = 0x6558
    else:
        proto = 0x0800 if iip == 4 else 0x86DD
    g = geneve(vni, proto, opts, oam=oam)
    p = outer(oip, osrc, odst, sport, vlan=vlan) / g / inner
    b = bytes(p)
    e = expect_ok(b, oip, osrc, odst, sport, g, opts, (iip, isrc, idst, l4, isport, idport))
    e["_name"] = "ipv%d%s, %d options (%d bytes)%s, inner %sipv%d %s" % (
        oip, " vlan" if vlan is not None else "", len(opts), opts_size(opts),
        " oam" if oam else "", "eth " if eth_inner else "", iip, l4)
    return b, e


def scapy_cases():
    rng = random.Random(8926)
    out = []
    # every option count, both outer families, every L4
    for n in range(13):
        for oip in (4, 6):
            out.append(build_case(rng, len(out), nopt=n, oip=oip,
                                  l4=("tcp", "udp", "icmp")[n % 3]))
    # Opt Len in the ranges scapy gets wrong (64-124 and 192-252 bytes)
    for size_words in (16, 20, 31, 48, 60, 63):
        b_opts = []
        left = size_words * 4
        while left:
            d = min(left - 4, 124)
            b_opts.append(opt(0x0103, 0x05, bytes(rng.randrange(256) for _ in range(d))))
            left -= 4 + d
        g = geneve(77 + size_words, 0x0800, b_opts)
        p = outer(4, "10.200.0.1", "10.200.0.2", 50000 + size_words) / g / \
            inner_l3(4, "10.0.0.1", "10.0.0.2", "udp", 1234, 53, 8)
        b = bytes(p)
        e = expect_ok(b, 4, "10.200.0.1", "10.200.0.2", 50000 + size_words, g,
                      b_opts, (4, "10.0.0.1", "10.0.0.2", "udp", 1234, 53))
        e["_name"] = "Opt Len %d bytes (%d options)" % (size_words * 4, len(b_opts))
        out.append((b, e))
    # OAM, VLAN-tagged outer, IPv6 inner without Ethernet
    out.append(build_case(rng, len(out), oam=1, nopt=1))
    out.append(build_case(rng, len(out), vlan=100, nopt=2))
    out.append(build_case(rng, len(out), iip=6, eth_inner=False, nopt=3))
    out.append(build_case(rng, len(out), iip=4, eth_inner=False, nopt=0, l4="icmp"))
    return out


# ---------------------------------------------------------------- hostile set
def fix_ip4_csum(b, off):
    b[off + 10:off + 12] = b"\0\0"
    s = sum(struct.unpack("!10H", bytes(b[off:off + 20])))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    b[off + 10:off + 12] = struct.pack("!H", ~s & 0xffff)


def plain(oip=4, sport=50000, dport=GNV_PORT, opts=(), g_kw=None, inner=True,
          udp_chksum=None, payload=None, proto=0x6558):
    g = geneve(100, proto, opts, **(g_kw or {}))
    src, dst = ("10.200.0.1", "10.200.0.2") if oip == 4 else ("fd00:200::1", "fd00:200::2")
    p = outer(oip, src, dst, sport, dport, udp_chksum=udp_chksum)
    if payload is not None:
        return bytes(p / Raw(payload))
    p = p / g
    if inner:
        p = p / Ether(src="02:00:00:00:01:01", dst="02:00:00:00:02:01") / \
            inner_l3(4, "10.0.0.1", "10.0.0.2", "tcp", 40000, 80, 16)
    return bytes(p)


def hostile_cases():
    """(name, record, expect) where expect = {geneve, status, errors, problem}.

    'geneve' is whether the frame is Geneve (by destination port; None when
    the UDP or Geneve header is unusable, so either answer is acceptable),
    'problem' whether a careful decoder must flag it (error or warning), or
    None when either answer is acceptable (legal but unusual).
    """
    H = []
    ovn = opt(0x0102, 0x80, bytes.fromhex("0001000a"))
    ovs = opt(0x0101, 0x01, bytes.fromhex("deadbeef"))

    def add(name, rec, geneve_, status, errors=(), problem="auto"):
        # problem: "auto" = flag it when genv has an error code for it;
        # None = legal but unusual (genv's warning is a courtesy)
        H.append((name, rec, {"geneve": geneve_, "status": status, "errors": list(errors),
                              "problem": bool(errors) if problem == "auto" else problem}))

    # decided by destination port, whatever the source port
    for sp in (4789, 53, 3784, 6081):
        add("geneve from sport %d" % sp, plain(sport=sp, opts=[ovs]), True, "ok")
    add("geneve over ipv6 from sport 4789", plain(oip=6, sport=4789), True, "ok")
    add("udp from sport 6081 to 40000 (not geneve)",
        plain(sport=GNV_PORT, dport=40000, payload=bytes(range(40))), False, "ok")
    add("dns from sport 6081 to 53 (not geneve)",
        plain(sport=GNV_PORT, dport=53,
              payload=bytes.fromhex("123401000001000000000000076578616d706c6503636f6d0000010001")),
        False, "ok")
    # C bit consistency
    add("critical option without C bit", plain(opts=[ovn], g_kw={"crit": 0}), True, "invalid",
        ["geneve.critical_without_c"])
    add("C bit without critical option", plain(opts=[ovs], g_kw={"crit": 1}), True, "ok",
        ["geneve.c_without_critical"])
    add("C bit, no options", plain(g_kw={"crit": 1}), True, "ok", ["geneve.c_without_critical"])
    # versions
    for v in (1, 2, 3):
        add("version %d" % v, plain(opts=[ovs], g_kw={"ver": v}), True, "invalid",
            ["geneve.version"])
    # lengths
    b = bytearray(plain(opts=[ovs], udp_chksum=0))
    b[38:40] = struct.pack("!H", struct.unpack("!H", b[38:40])[0] + 16)
    add("udp length beyond the ip payload", bytes(b), True, "invalid", ["udp.overrun"])
    b = bytearray(plain(opts=[ovs]))
    b[38:40] = struct.pack("!H", 7)
    add("udp length below 8", bytes(b), None, "invalid", ["udp.length"])
    b = bytearray(plain(opts=[ovs], udp_chksum=0)) + b"\0\0\0\0"
    b[16:18] = struct.pack("!H", struct.unpack("!H", b[16:18])[0] + 4)
    fix_ip4_csum(b, 14)
    add("udp length shorter than the ip payload", bytes(b), True, "ok", ["udp.short"], problem=None)
    b = bytearray(plain(opts=[ovs]))
    b[16:18] = struct.pack("!H", struct.unpack("!H", b[16:18])[0] + 32)
    fix_ip4_csum(b, 14)
    add("ip total length beyond the frame", bytes(b), True, "invalid", ["ip4.overrun"])
    b = bytearray(plain(opts=[ovs]))
    b[24] ^= 0xff
    add("bad ipv4 header checksum", bytes(b), True, "invalid", ["ip4.checksum"])
    # checksums
    add("bad udp checksum (ipv4)", plain(opts=[ovs], udp_chksum=0x1234), True, "invalid",
        ["udp.checksum"])
    add("bad udp checksum (ipv6)", plain(oip=6, opts=[ovs], udp_chksum=0x1234), True,
        "invalid", ["udp.checksum"])
    add("zero udp checksum (ipv4)", plain(opts=[ovs], udp_chksum=0), True, "ok")
    add("zero udp checksum (ipv6)", plain(oip=6, opts=[ovs], udp_chksum=0), True, "ok",
        ["udp.checksum_zero_ipv6"])
    # options
    add("option overrun", plain(opts=[opt(0x0101, 0x01, b"\1\2\3\4", length=3)],
                                g_kw={"optlen": 2}), True, "invalid",
        ["geneve.option_overrun"])
    add("opt len beyond the payload", plain(opts=[ovs], g_kw={"optlen": 40}, inner=False),
        True, "invalid", ["geneve.opt_len"])
    add("opt len covers half an option", plain(opts=[ovs, ovs], g_kw={"optlen": 3}), True,
        "invalid", ["geneve.option_overrun"])
    add("geneve reserved bits", plain(opts=[ovs], g_kw={"rsvd": 0x21, "rsvd2": 0x5a}), True,
        "ok", ["geneve.reserved"], problem=None)
    add("option reserved bits", plain(opts=[opt(0x0101, 0x01, b"\1\2\3\4", rsvd=5)]), True,
        "ok", ["geneve.option_reserved"], problem=None)
    add("ovn option of the wrong size", plain(opts=[opt(0x0102, 0x80, bytes(8))]), True,
        "ok", ["geneve.option_layout"], problem=None)
    add("udp payload shorter than geneve", plain(payload=b"\0\0\x65\x58"), None, "invalid",
        ["geneve.short"])
    add("geneve without payload", plain(opts=[ovs], inner=False), True, "invalid",
        ["geneve.no_payload"])
    mpls = struct.pack("!I", (100 << 12) | (1 << 8) | 64) + \
        bytes(inner_l3(4, "10.0.0.1", "10.0.0.2", "tcp", 40000, 80, 16))
    add("unknown protocol type (MPLS)",
        bytes(outer(4, "10.200.0.1", "10.200.0.2", 50000) / geneve(100, 0x8847) / Raw(mpls)),
        True, "ok", ["geneve.proto"], problem=False)
    # truncated captures: (bytes, orig_len)
    full = plain(opts=[ovs, ovn, ovs])
    add("capture ends in the geneve header", (full[:46], len(full)), None, "truncated",
        ["geneve.truncated"])
    add("capture ends in the options", (full[:60], len(full)), True, "truncated",
        ["geneve.option_truncated"])
    add("capture ends in the udp header", (full[:38], len(full)), None, "truncated",
        ["udp.truncated"])
    add("capture ends in the inner frame", (full[:90], len(full)), True, "truncated",
        problem=True)
    # valid but unusual: OAM, 252 bytes of options, 12 options
    add("oam packet", plain(opts=[ovs], g_kw={"oam": 1}), True, "ok")
    add("252 bytes of options", plain(opts=[opt(0x0103, 3, bytes(124)), opt(0x0103, 4, bytes(120))]),
        True, "ok")
    add("12 options", plain(opts=[ovs] * 6 + [ovn] * 6), True, "ok")
    return H


# ---------------------------------------------------------------- fuzz corpus
def sll(frame):
    """Ethernet frame -> Linux cooked (SLL) frame."""
    return struct.pack("!HHH8sH", 0, 1, 6, frame[6:12] + b"\0\0", struct.unpack("!H", frame[12:14])[0]) \
        + frame[14:]


def corpus(d):
    import hashlib
    import os
    os.makedirs(d, exist_ok=True)
    rng = random.Random(6081)
    seeds = []
    for n in (0, 1, 2, 3, 5, 8, 12):
        for oip in (4, 6):
            b, _ = build_case(rng, n, nopt=n, oip=oip, max_opt=160)
            seeds.append(b"\x00" + b)
    for i in range(6):
        b, _ = build_case(rng, i, nopt=i, oip=4 + 2 * (i & 1))
        seeds.append(b"\x01" + b[14:])     # raw IP
        seeds.append(b"\x02" + sll(b))    # SLL
    b, _ = build_case(rng, 99, vlan=7, nopt=2)
    seeds.append(b"\x00" + b)
    for name, rec, _e in hostile_cases():
        data, olen = (rec, len(rec)) if isinstance(rec, bytes) else rec
        ctl = 0x04 if olen > len(data) else 0x00
        seeds.append(bytes([ctl]) + data)
    seeds.append(b"\x08" + plain(opts=[opt(0xFFA7, 0x01, struct.pack("!I", 9))]))  # no_csum
    seeds.append(b"\x10" + plain(opts=[opt(0x0102, 0x80, bytes(4))]))              # outer_only
    seeds.append(b"\x20" + plain(sport=1, dport=4789, opts=[opt(0x0101, 1, bytes(4))]))
    # named layouts: genv rts/trace/eptype, Mizar rts/scaled, Cilium v6, cPacket
    named = [opt(0xFFA7, 0x03, bytes([1, 4]) + bytes.fromhex("020000000001") + bytes([10, 200, 0, 1])),
             opt(0xFFA7, 0x02, bytes([1, 0, 0, 0])),
             opt(0xFFA7, 0x05, bytes([0, 1, 0, 7, 0, 0, 0, 1]) + bytes([10, 200, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])),
             opt(0x1101, 0x48, bytes([1, 10, 200, 0, 1]) + bytes.fromhex("020000000001") + b"\0"),
             opt(0x0111, 0x49, bytes(28)),
             opt(0x014B, 0x81, bytes(16) + bytes([0, 80, 0, 0])),
             opt(0x0164, 0x00, bytes(24))]
    seeds.append(b"\x00" + plain(opts=named))
    for o in named:
        seeds.append(b"\x00" + plain(opts=[o]))
    # short and empty inputs
    seeds += [b"\x00", b"\x01\x45", b"\x02" + bytes(10), b"\x00" + bytes(14)]
    total = 0
    for s in seeds:
        name = hashlib.sha1(s).hexdigest()
        with open(os.path.join(d, name), "wb") as f:
            f.write(s)
        total += len(s)
    print("%d seeds, %d bytes" % (len(seeds), total), file=sys.stderr)


# ---------------------------------------------------------------- bench input
def bench(path, n, templates=2048):
    rng = random.Random(1)
    tpl = []
    for i in range(templates):
        b, _ = build_case(rng, i, nopt=rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4, 6, 8, 12)),
                          oip=4 if rng.random() < 0.8 else 6, vni=1000 + rng.randrange(200))
        tpl.append(b)
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, LINK_ETH))
        hdrs = [struct.pack("<II", len(b), len(b)) + b for b in tpl]
        buf = []
        for i in range(n):
            buf.append(struct.pack("<II", 1700000000 + i // 1000000, i % 1000000))
            buf.append(hdrs[i % templates])
            if len(buf) >= 65536:
                f.write(b"".join(buf))
                buf = []
        f.write(b"".join(buf))


def write_cases(pcap, expect, cases):
    pcap_write(pcap, [c[0] for c in cases])
    with open(expect, "w") as f:
        json.dump([c[1] for c in cases], f, indent=0)


def write_hostile(pcap, expect):
    H = hostile_cases()
    pcap_write(pcap, [h[1] for h in H])
    ex = []
    for name, _rec, e in H:
        ex.append({"_name": name, "_geneve": e["geneve"], "status": e["status"],
                   "_errors": e["errors"], "_problem": e["problem"]})
    with open(expect, "w") as f:
        json.dump(ex, f, indent=0)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "cases" and len(args) == 2:
        write_cases(args[0], args[1], scapy_cases())
    elif cmd == "hostile" and len(args) == 2:
        write_hostile(args[0], args[1])
    elif cmd == "corpus" and len(args) == 1:
        corpus(args[0])
    elif cmd == "bench" and len(args) == 2:
        bench(args[0], int(args[1]))
    elif cmd == "compare" and len(args) == 2:
        peers.compare(args[0], args[1])
    elif cmd == "peers" and len(args) == 5:
        peers.hostile_table(*args)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
