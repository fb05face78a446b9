#!/usr/bin/python3
"""VXLAN (GBP), VXLAN-GPE, GRE and NVGRE against scapy and tshark.

  tunnels.py scapy PCAP EXPECT     frames built by scapy, the fields it set
  tunnels.py craft GENV PCAP EXPECT frames built by `genv craft --hex`
  tunnels.py fields                the tshark -e arguments
  tunnels.py check EXPECT JSONL TSHARK
      every frame: genv decode -j has the fields expected, and tshark
      reports the same ones.  Prints PASS/FAIL lines (tab separated).
"""
import json
import struct
import subprocess
import sys

FIELDS = ["frame.number", "vxlan.vni", "vxlan.gbp", "vxlan.flag_g", "vxlan.next_proto",
          "gre.key", "gre.sequence_number", "gre.checksum", "gre.proto",
          "gre.flags_and_version", "ip.src", "udp.dstport"]


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", i + 1, 0, len(fr), len(fr)) + fr)


def scapy_cases():
    from scapy.all import Ether, IP, IPv6, UDP, TCP, ICMP, GRE
    from scapy.layers.vxlan import VXLAN
    out = []
    o4 = Ether() / IP(src="192.0.2.1", dst="192.0.2.2")
    inner = Ether() / IP(src="10.0.0.1", dst="10.0.0.2") / TCP(sport=1000, dport=80)
    out.append(({"tunnel": "vxlan", "vni": 100, "gbp": None},
                o4 / UDP(sport=1, dport=4789) / VXLAN(vni=100, flags=0x08) / inner))
    out.append(({"tunnel": "vxlan", "vni": 16777215, "gbp": 4660},
                o4 / UDP(sport=2, dport=4789) / VXLAN(vni=0xFFFFFF, flags=0x88, gpid=4660) / inner))
    out.append(({"tunnel": "vxlan-gpe", "vni": 7, "next_proto": 1},
                o4 / UDP(sport=3, dport=4790) / VXLAN(vni=7, flags=0x0C, NextProtocol=1) /
                IP(src="10.0.0.3", dst="10.0.0.4") / ICMP()))
    out.append(({"tunnel": "vxlan-gpe", "vni": 8, "next_proto": 3},
                o4 / UDP(sport=4, dport=4790) / VXLAN(vni=8, flags=0x0C, NextProtocol=3) / inner))
    out.append(({"tunnel": "gre", "key": 5, "seq": 77, "proto": 0x0800},
                o4 / GRE(key_present=1, key=5, seqnum_present=1, seqence_number=77) /
                IP(src="10.0.0.5", dst="10.0.0.6") / ICMP()))
    out.append(({"tunnel": "gre", "key": None, "seq": None, "proto": 0x86DD, "csum": "ok"},
                o4 / GRE(chksum_present=1, proto=0x86DD) / IPv6(src="fd00::1", dst="fd00::2") /
                TCP(sport=5, dport=6)))
    out.append(({"tunnel": "nvgre", "vsid": 100, "flowid": 9, "key": (100 << 8) | 9},
                o4 / GRE(key_present=1, key=(100 << 8) | 9, proto=0x6558) / inner))
    out.append(({"tunnel": "nvgre", "vsid": 0xABCDEF, "flowid": 0, "key": 0xABCDEF00},
                Ether() / IPv6(src="2001:db8::1", dst="2001:db8::2") /
                GRE(key_present=1, key=0xABCDEF00, proto=0x6558) / inner))
    return [(exp, bytes(p)) for exp, p in out]


CRAFT = [
    ({"tunnel": "vxlan", "vni": 100, "gbp": None}, "vxlan vni=100 / eth / ipv4 / tcp"),
    ({"tunnel": "vxlan", "vni": 42, "gbp": 1234}, "vxlan vni=42 gbp=1234 / eth / ipv4 / udp"),
    ({"tunnel": "vxlan", "vni": 43, "gbp": 9}, "eth / ipv6 / udp sport=50007 / vxlan vni=43 gbp=9 gbpflags=0x48 / eth / ipv6 / icmp6"),
    ({"tunnel": "vxlan-gpe", "vni": 5, "next_proto": 2}, "vxlan-gpe vni=5 / ipv6 / tcp"),
    ({"tunnel": "vxlan-gpe", "vni": 6, "next_proto": 3}, "gpe vni=6 / eth / ipv4 / icmp"),
    ({"tunnel": "gre", "key": 0x1234, "seq": 9, "proto": 0x6558, "csum": "ok"},
     "gre key=0x1234 seq=9 csum=auto / eth / ipv4 / tcp"),
    ({"tunnel": "gre", "key": None, "seq": None, "proto": 0x0800}, "gre / ipv4 / icmp"),
    ({"tunnel": "nvgre", "vsid": 300, "flowid": 2, "key": (300 << 8) | 2},
     "nvgre vsid=300 flowid=2 / eth / ipv4 / udp"),
    ({"tunnel": "nvgre", "vsid": 1, "flowid": 0, "key": 256}, "eth / ipv6 / nvgre vsid=1 / eth / ipv4 / tcp"),
]


def craft_cases(genv):
    out = []
    for exp, spec in CRAFT:
        hx = subprocess.run([genv, "craft", "--hex", spec], check=True, capture_output=True,
                            text=True).stdout.strip()
        out.append((dict(exp, spec=spec), bytes.fromhex(hx)))
    return out


def genv_fields(d):
    t = d.get("tunnel") or {}
    r = {"tunnel": t.get("type")}
    vx, gre = t.get("vxlan"), t.get("gre")
    if vx:
        r["vni"] = vx["vni"]
        r["gbp"] = vx["gbp"]["id"] if vx.get("gbp") else None
        r["next_proto"] = vx.get("next_proto")
    if gre:
        r.update(key=gre["key"], seq=gre["seq"], proto=gre["proto"], csum=gre["csum"],
                 vsid=gre["vsid"], flowid=gre["flowid"])
    return r


def num(s):
    if s == "":
        return None
    s = s.split(",")[0]
    return int(s, 16) if s.startswith("0x") else int(s)


def check(expect, jsonl, tsv):
    exp = json.load(open(expect))
    got = [json.loads(l) for l in open(jsonl)]
    ts = [l.rstrip("\n").split("\t") for l in open(tsv)]
    if len(got) != len(exp) or len(ts) != len(exp):
        print("FAIL\tframe count\tgenv %d tshark %d expected %d" % (len(got), len(ts), len(exp)))
        return
    for i, (e, d, t) in enumerate(zip(exp, got, ts)):
        name = "frame %d %s" % (i + 1, e.get("spec", e["tunnel"]))
        g = genv_fields(d)
        bad = ["%s: genv %r, built %r" % (k, g.get(k), v) for k, v in e.items()
               if k != "spec" and g.get(k) != v]
        if d["status"] != "ok":
            bad.append("status %s %s" % (d["status"], [x["code"] for x in d["errors"]]))
        tf = dict(zip(FIELDS, t + [""] * len(FIELDS)))
        # tshark's view of the same frame
        if g["tunnel"] in ("vxlan", "vxlan-gpe"):
            pairs = [("vni", num(tf["vxlan.vni"]))]
            if g["tunnel"] == "vxlan":
                gb = num(tf["vxlan.gbp"]) if tf["vxlan.flag_g"] in ("1", "True") else None
                pairs.append(("gbp", gb))
            else:
                pairs.append(("next_proto", num(tf["vxlan.next_proto"])))
        else:
            pairs = [("key", num(tf["gre.key"])), ("seq", num(tf["gre.sequence_number"])),
                     ("proto", num(tf["gre.proto"]))]
            if num(tf["gre.flags_and_version"]) & 0x8000:
                pairs.append(("csum_value", num(tf["gre.checksum"])))
        for k, v in pairs:
            mine = g.get(k)
            if k == "csum_value":
                mine = d["tunnel"]["gre"]["checksum"]
            if mine != v:
                bad.append("%s: genv %r, tshark %r" % (k, mine, v))
        print(("FAIL\t%s\t%s" % (name, "; ".join(bad))) if bad else ("PASS\t%s" % name))


def main():
    cmd = sys.argv[1]
    if cmd == "fields":
        print(" ".join("-e " + f for f in FIELDS))
        return 0
    if cmd == "check":
        check(*sys.argv[2:5])
        return 0
    cases = scapy_cases() if cmd == "scapy" else craft_cases(sys.argv[2])
    pcap, expect = sys.argv[-2], sys.argv[-1]
    write_pcap(pcap, [fr for _, fr in cases])
    json.dump([e for e, _ in cases], open(expect, "w"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
