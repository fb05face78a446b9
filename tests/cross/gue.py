#!/usr/bin/python3
"""GUE (draft-ietf-intarea-gue) against scapy and tshark.

  gue.py scapy PCAP EXPECT      frames whose outer and inner layers scapy
                                builds, the GUE header written here from the
                                draft; EXPECT: what was built
  gue.py check EXPECT JSONL TSV every frame: genv decode -j has the GUE fields
                                and inner layers expected, and tshark's view
                                (variant 1 decoded as IP with -d, the UDP
                                payload bytes otherwise) agrees
  gue.py parse GENV             `genv craft` GUE frames taken apart by scapy:
                                the header fields, the inner packet and its
                                checksums as scapy reads and recomputes them
  gue.py same PCAP HEXLINES     the frames of PCAP are the hex lines (the
                                decode -v round trip)
Prints PASS/FAIL lines (tab separated).
"""
import json
import struct
import subprocess
import sys

FIELDS = ["frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "udp.dstport", "data.data"]
PORT = 6080


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", i + 1, 0, len(fr), len(fr)) + fr)


def gue_hdr(proto, ctl=False, flags=0, ext=b""):
    """Variant 0: |0 0|C| Hlen | proto/ctype | flags | ext (Hlen words)."""
    return struct.pack("!BBH", (0x20 if ctl else 0) | (len(ext) // 4), proto, flags) + ext


def scapy_cases():
    from scapy.all import Ether, IP, IPv6, UDP, TCP, ICMP, Raw
    o4 = Ether() / IP(src="192.0.2.1", dst="192.0.2.2") / UDP(sport=1111, dport=PORT)
    o6 = Ether() / IPv6(src="2001:db8::1", dst="2001:db8::2") / UDP(sport=2222, dport=PORT)
    i4 = IP(src="10.0.0.1", dst="10.0.0.2") / ICMP(id=5, seq=6)
    i6 = IPv6(src="fd00::1", dst="fd00::2") / TCP(sport=1000, dport=80)
    ie = Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02") / IP(src="10.0.0.3", dst="10.0.0.4") / \
        UDP(sport=53, dport=3333)
    out = [
        ({"variant": 0, "proto": 4, "hlen": 0, "flags": 0, "extensions": "", "control": False,
          "isrc": "10.0.0.1", "l4": 1}, o4 / Raw(gue_hdr(4)) / i4),
        ({"variant": 0, "proto": 41, "hlen": 0, "flags": 0, "extensions": "", "control": False,
          "isrc": "fd00::1", "l4": 6}, o6 / Raw(gue_hdr(41)) / i6),
        ({"variant": 0, "proto": 143, "hlen": 0, "flags": 0, "extensions": "", "control": False,
          "isrc": "10.0.0.3", "l4": 17}, o4 / Raw(gue_hdr(143)) / ie),
        ({"variant": 0, "proto": 4, "hlen": 2, "flags": 0x8000, "extensions": "0000000112345678",
          "control": False, "isrc": "10.0.0.1", "l4": 1},
         o4 / Raw(gue_hdr(4, flags=0x8000, ext=bytes.fromhex("0000000112345678"))) / i4),
        ({"variant": 0, "ctype": 7, "hlen": 1, "flags": 0, "extensions": "cafebabe", "control": True,
          "isrc": None, "l4": None},
         o4 / Raw(gue_hdr(7, ctl=True, ext=bytes.fromhex("cafebabe")) + b"\x01\x02\x03\x04")),
        ({"variant": 1, "proto": 4, "isrc": "10.0.0.1", "l4": 1, "control": False}, o4 / i4),
        ({"variant": 1, "proto": 41, "isrc": "fd00::1", "l4": 6, "control": False}, o6 / i6),
    ]
    return [(exp, bytes(p)) for exp, p in out]


def check(expect, jsonl, tsv):
    exp = json.load(open(expect))
    got = [json.loads(l) for l in open(jsonl)]
    ts = [l.rstrip("\n").split("\t") for l in open(tsv)]
    if len(got) != len(exp) or len(ts) != len(exp):
        print("FAIL\tframe count\tgenv %d tshark %d expected %d" % (len(got), len(ts), len(exp)))
        return
    for i, (e, d, t) in enumerate(zip(exp, got, ts)):
        name = "frame %d variant %d %s" % (i + 1, e["variant"],
                                           "ctype %d" % e["ctype"] if e.get("ctype") else
                                           "proto %s" % e.get("proto"))
        bad = []
        tun = (d.get("tunnel") or {})
        g = tun.get("gue")
        if tun.get("type") != "gue" or not g:
            print("FAIL\t%s\tnot decoded as GUE: %s" % (name, tun))
            continue
        for k in ("variant", "proto", "ctype", "hlen", "flags", "extensions", "control"):
            if k in e and g.get(k) != e[k]:
                bad.append("%s: genv %r, built %r" % (k, g.get(k), e[k]))
        inner = d["inner"] or {}
        ip = inner.get("ip") or {}
        l4 = inner.get("l4") or {}
        if ip.get("src") != e["isrc"]:
            bad.append("inner src: genv %r, built %r" % (ip.get("src"), e["isrc"]))
        if l4.get("proto") != e["l4"]:
            bad.append("inner l4: genv %r, built %r" % (l4.get("proto"), e["l4"]))
        if d["status"] != "ok":
            bad.append("status %s %s" % (d["status"], [x["code"] for x in d["errors"]]))
        tf = dict(zip(FIELDS, t + [""] * len(FIELDS)))
        if e["variant"] == 1:
            # tshark -d udp.port==6080,ip: the second IP header is the inner one
            srcs = (tf["ip.src"] or tf["ipv6.src"]).split(",")
            if srcs[-1] != e["isrc"]:
                bad.append("tshark inner src %r, genv %r" % (srcs[-1], ip.get("src")))
        else:
            data = tf["data.data"].replace(":", "")
            hdr = d["tunnel"]["gue"]
            # tshark's UDP payload bytes: the header genv read from them
            if data:
                b0 = int(data[0:2], 16)
                if (b0 >> 6, b0 & 0x1f, bool(b0 & 0x20)) != (hdr["variant"], hdr["hlen"], hdr["control"]):
                    bad.append("tshark bytes %s vs genv header %s" % (data[:8], hdr))
                if data[8:8 + 8 * hdr["hlen"]] != hdr["extensions"]:
                    bad.append("tshark ext %s vs genv %s" % (data[8:8 + 8 * hdr["hlen"]], hdr["extensions"]))
            elif tf["udp.dstport"] != str(PORT):
                bad.append("tshark: not UDP %d" % PORT)
        print(("FAIL\t%s\t%s" % (name, "; ".join(bad))) if bad else ("PASS\t%s" % name))


CRAFT = [
    "gue / ipv4 / icmp id=9 seq=3",
    "eth / ipv6 / udp / gue / ipv6 / tcp sport=7 dport=8 / payload text=hi",
    "gue / eth / ipv4 / udp sport=5 dport=6 / payload len=11",
    "gue flags=0x8000 ext=00000001 / ipv4 / tcp",
    "gue ver=1 / ipv4 / udp",
    "gue ver=1 / ipv6 / icmp6",
]


def parse(genv):
    from scapy.all import Ether, IP, IPv6, UDP
    for spec in CRAFT:
        hx = subprocess.run([genv, "craft", "--hex", spec], check=True, capture_output=True,
                            text=True).stdout.strip()
        raw = bytes.fromhex(hx)
        p = Ether(raw)
        bad = []
        u = p[UDP]
        if u.dport != PORT:
            bad.append("dport %d" % u.dport)
        pl = bytes(u.payload)
        if "ver=1" in spec:
            body = pl
        else:
            b0, proto, flags = struct.unpack("!BBH", pl[:4])
            hlen = b0 & 0x1f
            body = pl[4 + 4 * hlen:]
            want = 41 if "gue / ipv6" in spec else 143 if "gue / eth" in spec else 4
            if b0 >> 6 != 0 or proto != want:
                bad.append("header %02x proto %d, want proto %d" % (b0, proto, want))
            if "ext=00000001" in spec and (hlen != 1 or flags != 0x8000 or pl[4:8] != b"\0\0\0\1"):
                bad.append("hlen %d flags %#x ext %s" % (hlen, flags, pl[4:8].hex()))
            if want == 143:
                body = bytes(Ether(body)[IP])
        inner = IPv6(body) if body[0] >> 4 == 6 else IP(body)
        # scapy recomputes every checksum and length of the inner packet
        re = inner.__class__(bytes(inner))
        for layer in (re, re.payload):
            for f in ("chksum", "cksum", "len", "plen"):
                if f in layer.fields:
                    o = layer.getfieldval(f)
                    layer.setfieldval(f, None)
                    n = layer.__class__(bytes(layer)).getfieldval(f)
                    layer.setfieldval(f, o)
                    if o != n:
                        bad.append("inner %s.%s %r, scapy %r" % (layer.name, f, o, n))
        # the outer UDP checksum too
        uo = u.chksum
        u2 = p.copy()
        u2[UDP].chksum = None
        if Ether(bytes(u2))[UDP].chksum != uo:
            bad.append("outer udp checksum %#x" % uo)
        print(("FAIL\tcraft %s\t%s" % (spec, "; ".join(bad))) if bad else ("PASS\tcraft %s" % spec))


def same(pcap, hexlines):
    d = open(pcap, "rb").read()[24:]
    frames = []
    while d:
        n = struct.unpack("<IIII", d[:16])[2]
        frames.append(d[16:16 + n].hex())
        d = d[16 + n:]
    got = [l.strip() for l in open(hexlines)]
    for i, f in enumerate(frames):
        g = got[i] if i < len(got) else "(none)"
        print(("PASS\tframe %d crafts back" % (i + 1)) if f == g else
              ("FAIL\tframe %d crafts back\t%s" % (i + 1, g[:200])))
    if len(got) != len(frames):
        print("FAIL\tframe count\t%d frames, %d texts" % (len(frames), len(got)))


def main():
    cmd = sys.argv[1]
    if cmd == "same":
        same(sys.argv[2], sys.argv[3])
        return 0
    if cmd == "fields":
        print(" ".join("-e " + f for f in FIELDS))
        return 0
    if cmd == "check":
        check(*sys.argv[2:5])
        return 0
    if cmd == "parse":
        parse(sys.argv[2])
        return 0
    cases = scapy_cases()
    write_pcap(sys.argv[2], [fr for _, fr in cases])
    json.dump([e for e, _ in cases], open(sys.argv[3], "w"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
