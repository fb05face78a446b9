#!/usr/bin/python3
"""STT (draft-davie-stt) against scapy and tshark.

  stt.py build PCAP EXPECT       frames whose outer (Ether/IP/TCP to 7471,
                                 seq = frame length << 16 | offset, ack =
                                 frame id) and inner layers scapy builds, the
                                 STT header written here from the draft
                                 (scapy has no STT layer); EXPECT: what was built
  stt.py fields                  the tshark fields to print
  stt.py check EXPECT JSONL TSV  every frame: genv decode -j has the STT
                                 fields and inner layers built, and tshark's
                                 STT dissector read the same
  stt.py craft GENV PCAP EXPECT  the same from frames `genv craft` builds
                                 with the stt layer (checked by tshark)
Prints PASS/FAIL lines (tab separated).
"""
import json
import struct
import sys

FIELDS = ["frame.number", "stt.pkt_len", "stt.seg_off", "stt.pkt_id", "stt.version", "stt.flags",
          "stt.l4offset", "stt.mss", "stt.vlan.pcp", "stt.vlan.v", "stt.vlan.id",
          "stt.context_id", "ip.src", "ipv6.src"]
HDR = 18


def stt_hdr(ctx, flags=0, l4off=0, mss=1448, pcp=0, v=0, vid=0, version=0):
    return struct.pack("!BBBBHHQH", version, flags, l4off, 0, mss, pcp << 13 | v << 12 | vid, ctx, 0)


def build(pcap, expect):
    from scapy.all import Ether, IP, IPv6, TCP, UDP, ICMP, Raw, wrpcap

    inner4 = Ether(src="02:00:00:00:00:0a", dst="02:00:00:00:00:0b") / IP(src="10.0.0.1", dst="10.0.0.2") / ICMP(id=7, seq=1)
    inner6 = Ether(src="02:00:00:00:00:0a", dst="02:00:00:00:00:0b", type=0x86dd) / IPv6(src="fd10::1", dst="fd10::2") / UDP(sport=1000, dport=2000) / Raw(b"stt6")
    innert = Ether(src="02:00:00:00:00:0a", dst="02:00:00:00:00:0b") / IP(src="10.0.0.3", dst="10.0.0.4") / TCP(sport=5000, dport=80, flags="S")
    cases = [  # (inner, header kw, frame id, first-of extra bytes, continuation offset)
        (inner4, dict(ctx=5), 1, 0, 0),
        (inner4, dict(ctx=0x1122334455667788, flags=0x05, l4off=34, mss=1400, pcp=3, v=1, vid=100), 2, 0, 0),
        (inner6, dict(ctx=0xffffffffff000064, flags=0x02, l4off=54, pcp=7, v=1, vid=4095), 3, 0, 0),
        (innert, dict(ctx=200, flags=0x0d, l4off=34, mss=9000), 4, 0, 0),
        (innert, dict(ctx=300, flags=0x09), 5, 3000, 0),	# first of a longer frame
        (None, None, 6, 0, 1448),				# a later segment
    ]
    frames, exp = [], []
    for inner, kw, ident, extra, off in cases:
        if kw is None:
            body = bytes(range(64))
            flen = 1448 + 64
        else:
            body = stt_hdr(**kw) + bytes(inner)
            flen = len(body) + extra
        outer = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="10.200.0.1", dst="10.200.0.2") / \
            TCP(sport=49152, dport=7471, flags="PA", seq=flen << 16 | off, ack=ident)
        frames.append(outer / Raw(body))
        e = {"frame_len": flen, "offset": off, "id": ident, "continuation": kw is None}
        if kw:
            e.update(version=0, flags=kw.get("flags", 0), l4_offset=kw.get("l4off", 0),
                     mss=kw.get("mss", 1448), pcp=kw.get("pcp", 0), v=bool(kw.get("v", 0)),
                     vlan=kw.get("vid", 0), context=kw["ctx"],
                     inner_src=inner.payload.src)
        exp.append(e)
    wrpcap(pcap, frames)
    with open(expect, "w") as f:
        json.dump(exp, f)


def craft(genv, pcap, expect):
    import subprocess
    from scapy.all import Ether, wrpcap

    cases = [
        ("stt ctx=5 / eth / ipv4 / icmp", dict(context=5), "10.0.0.1"),
        ("stt ctx=0x55667788 ctx_hi=0x11223344 flags=0x05 mss=1400 vlan=100 pcp=3 v=1 l4off=34 / eth / ipv4 src=10.9.0.1 / tcp",
         dict(context=0x1122334455667788, flags=5, mss=1400, vlan=100, pcp=3, v=True, l4_offset=34), "10.9.0.1"),
        ("tcp ack=77 / stt ctx=0xffffffff ctx_hi=0xffffffff flags=0x0a / eth / ipv6 / udp / payload len=100",
         dict(context=(1 << 64) - 1, flags=10, id=77), None),
    ]
    frames, exp = [], []
    for text, kw, src in cases:
        h = subprocess.run([genv, "craft", "--hex", text], capture_output=True, text=True, check=True).stdout.strip()
        b = bytes.fromhex(h)
        frames.append(Ether(b))
        e = {"frame_len": len(b) - 54, "offset": 0, "id": 0, "continuation": False, "version": 0,
             "flags": 0, "l4_offset": 0, "mss": 0, "pcp": 0, "v": False, "vlan": 0}
        e.update(kw)
        if src:
            e["inner_src"] = src
        exp.append(e)
    wrpcap(pcap, frames)
    with open(expect, "w") as f:
        json.dump(exp, f)


def out(ok, name, why=""):
    print(("PASS\t%s" % name) if ok else ("FAIL\t%s\t%s" % (name, why)))


def check(expect, jsonl, tsv):
    exp = json.load(open(expect))
    js = [json.loads(l) for l in open(jsonl)]
    ts = [l.rstrip("\n").split("\t") for l in open(tsv)]
    out(len(js) == len(exp) == len(ts), "frame count", "%d %d %d" % (len(exp), len(js), len(ts)))
    for i, (e, j, t) in enumerate(zip(exp, js, ts)):
        n = "frame %d" % (i + 1)
        s = (j.get("tunnel") or {}).get("stt")
        if not s:
            out(False, n + " genv", "no tunnel.stt: %s" % json.dumps(j)[:200])
            continue
        bad = {k: (s.get(k), v) for k, v in e.items() if k != "inner_src" and s.get(k) != v}
        inner = (j.get("inner") or {}).get("ip") or {}
        if "inner_src" in e and inner.get("src") != e["inner_src"]:
            bad["inner_src"] = (inner.get("src"), e["inner_src"])
        out(not bad, n + " genv fields", repr(bad))
        tf = dict(zip(FIELDS, t))
        tv = {"frame_len": int(tf["stt.pkt_len"]), "offset": int(tf["stt.seg_off"]),
              "id": int(tf["stt.pkt_id"], 16)}
        if not e["continuation"]:
            tv.update(version=int(tf["stt.version"]), flags=int(tf["stt.flags"], 16),
                      l4_offset=int(tf["stt.l4offset"]), mss=int(tf["stt.mss"]),
                      pcp=int(tf["stt.vlan.pcp"]), v=tf["stt.vlan.v"] in ("1", "True"),
                      vlan=int(tf["stt.vlan.id"]), context=int(tf["stt.context_id"], 16))
            srcs = tf["ip.src"].split(",")
            tv["inner_src"] = srcs[-1] if len(srcs) > 1 else (tf["ipv6.src"] or None)
        else:
            tv["continuation"] = True
        want = {k: v for k, v in e.items() if k != "continuation" or v}
        if e["continuation"]:
            want = {k: want[k] for k in ("frame_len", "offset", "id", "continuation")}
        if e["frame_len"] > 200:
            want.pop("inner_src", None)	# tshark waits for the rest of the frame
            tv.pop("inner_src", None)
        diff = {k: (tv.get(k), v) for k, v in want.items() if tv.get(k) != v}
        out(not diff, n + " tshark agrees", repr(diff))


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "fields":
        print(" ".join("-e " + f for f in FIELDS))
    elif sys.argv[1] == "craft":
        craft(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4])
