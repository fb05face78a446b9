#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Compare `genv decode -j` with expectations and with the peers' output.

No scapy needed here (tests/cross/scapy_gen.py builds the packets).

  compare EXPECT JSONL            fields genv must report (from scapy_gen.py)
  tshark GENV_JSONL TSHARK_FIELDS field by field against tshark -T fields
                                  (run with the TSHARK_FIELDS list below)
  tcpdump GENV_JSONL TCPDUMP_TEXT vni, options, inner addresses against
                                  tcpdump -nn -vv
  fields                          print the tshark -e arguments used

Each check prints PASS<TAB>name or FAIL<TAB>name<TAB>why.
"""
import json
import re
import sys


# ---------------------------------------------------------------- checks
def get(d, path):
    for k in path.split("."):
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def num(v):
    if isinstance(v, str):
        try:
            return int(v, 0)
        except ValueError:
            return v
    return v


def same(want, got):
    if isinstance(want, bool) or isinstance(got, bool):
        return bool(want) == bool(got) and isinstance(got, (bool, int))
    if isinstance(want, int):
        return num(got) == want
    return want == got


def load_jsonl(path):
    frames = {}
    with open(path) as f:
        for ln, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                d = json.loads(line)
            except ValueError as e:
                print("FAIL\tJSON line %d\t%s" % (ln, e))
                continue
            if "frame" in d:
                frames[d["frame"]] = d
    return frames


def compare(expect_path, jsonl_path):
    """Print PASS<TAB>name or FAIL<TAB>name<TAB>why: one line per expected frame."""
    with open(expect_path) as f:
        expect = json.load(f)
    frames = load_jsonl(jsonl_path)
    for i, e in enumerate(expect, 1):
        name = "%d %s" % (i, e.pop("_name", ""))
        d = frames.get(i)
        if d is None:
            print("FAIL\t%s\tno JSON line for frame %d" % (name, i))
            continue
        bad = []
        e.pop("_problem", None)
        if "_errors" in e:
            # hostile set: an ok frame has exactly the listed warnings; a bad
            # one has at least the listed codes (one fault can cause others).
            want = sorted(e.pop("_errors"))
            got = sorted({x.get("code") for x in d.get("errors") or []})
            if e.get("status") == "ok" and want != got:
                bad.append("errors %s, expected exactly %s" % (got, want))
            elif not set(want) <= set(got):
                bad.append("errors %s, expected at least %s" % (got, want))
        if "_geneve" in e:
            isg, want_g = d.get("geneve") is not None, e.pop("_geneve")
            if want_g is not None and isg != want_g:
                bad.append("geneve %s" % ("present" if isg else "absent"))
        for k, want in e.items():
            got = get(d, k)
            if k == "geneve.options":
                got = got or []
                if len(got) != len(want):
                    bad.append("%d options, expected %d" % (len(got), len(want)))
                    continue
                for j, (wo, go) in enumerate(zip(want, got)):
                    for ok_, ov in wo.items():
                        if not same(ov, go.get(ok_)):
                            bad.append("option %d %s=%r expected %r" % (j, ok_, go.get(ok_), ov))
            elif not same(want, got):
                bad.append("%s=%r expected %r" % (k, got, want))
        print(("FAIL\t%s\t%s" % (name, "; ".join(bad))) if bad else "PASS\t%s" % name)


TCPDUMP_FLAG = re.compile(r"bad|\[\|[a-z0-9]*\]|truncated|invalid|malformed|error", re.I)
TCPDUMP_TS = re.compile(r"^\d\d:\d\d:\d\d\.\d{6} ")   # a frame's first line
TCPDUMP_HEX = re.compile(r"^\s+0x[0-9a-f]{4}:")             # hex dump of undecoded bytes
EXPERT_WARN = 6291456          # tshark: PI_WARN; PI_ERROR is 8388608


def hostile_table(expect_path, genv_jsonl, tshark_fields, tshark_csum_fields, tcpdump_text):
    """Print a table of verdicts on the hostile set (measured, not asserted).

    A verdict is wrong when a tool shows a Geneve frame as something else (or
    another frame as Geneve), or does not flag a malformed Geneve frame, or
    flags a well-formed one.  tshark counts as flagging when it reports an
    expert item of severity warning or error, a malformed or a short
    ("packet size limited during capture") frame; tcpdump
    when its text says bad/invalid/truncated/error or shows "[|proto]".
    """
    with open(expect_path) as f:
        expect = json.load(f)

    def genv(path):
        out = {}
        for n, d in load_jsonl(path).items():
            codes = {x.get("code") for x in d.get("errors") or []} - INFO_CODES
            out[n] = (d.get("geneve") is not None, bool(codes))
        return out

    # "shown raw" is information, not a fault
    INFO_CODES = {"geneve.proto"}

    def tshark(path):
        out = {}
        with open(path) as f:
            for line in f:
                c = line.rstrip("\n").split("\t") + ["", "", "", ""]
                if not c[0].strip().isdigit():
                    continue
                sev = [int(x) for x in c[2].split(",") if x.strip().isdigit()]
                out[int(c[0])] = ("geneve" in c[1].split(":"),
                                  c[3] != "" or c[4] != "" or any(x >= EXPERT_WARN for x in sev))
        return out

    def tcpdump(path):
        out, n = {}, 0
        with open(path) as f:
            for line in f:
                if TCPDUMP_TS.match(line):
                    n += 1
                    out[n] = (False, False)
                elif not n or TCPDUMP_HEX.match(line):
                    continue
                g, fl = out[n]
                out[n] = (g or "Geneve" in line, fl or bool(TCPDUMP_FLAG.search(line)))
        return out

    tools = (("genv decode -j", genv(genv_jsonl)), ("tshark", tshark(tshark_fields)),
             ("tshark +udp csum", tshark(tshark_csum_fields)),
             ("tcpdump -nn -vv", tcpdump(tcpdump_text)))
    miss = [0] * len(tools)
    rows = []
    for i, e in enumerate(expect, 1):
        want_g, want_p = e["_geneve"], e["_problem"]
        cells = []
        for k, (_name, res) in enumerate(tools):
            g, fl = res.get(i, (False, False))
            if want_g is not None and g != want_g:
                why = "WRONG: shown as Geneve" if g else "WRONG: not Geneve"
            elif want_g is not False and want_p is not None and fl != want_p:
                why = "WRONG: flagged" if fl else "WRONG: not flagged"
            else:
                why = "right"
            miss[k] += why != "right"
            cells.append(why)
        rows.append((e["_name"], cells))
    w = max(len(r[0]) for r in rows)
    cw = 23
    print("%-*s  %s" % (w, "hostile packet", "  ".join("%-*s" % (cw, t[0]) for t in tools)))
    for name, c in rows:
        print("%-*s  %s" % (w, name, "  ".join("%-*s" % (cw, x) for x in c)))
    n = len(expect)
    print("%-*s  %s" % (w, "misjudged", "  ".join(
        "%-*s" % (cw, "%d/%d (%.0f%%)" % (m, n, 100.0 * m / n)) for m in miss)))


# ---------------------------------------------------------------- tshark
TSHARK_FIELDS = [
    "frame.number", "frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
    "udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport", "icmp.type",
    "icmpv6.type", "vlan.id", "geneve.version", "geneve.vni", "geneve.flags.oam",
    "geneve.flags.critical", "geneve.proto_type", "geneve.option.class",
    "geneve.option.type", "geneve.option.type.critical", "geneve.option.length",
]


def tshark_frames(path):
    """{frame: {field: [values]}} plus the per-level layer walk."""
    out = {}
    with open(path) as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if not c or not c[0].strip().isdigit():
                continue
            c += [""] * (len(TSHARK_FIELDS) - len(c))
            d = {k: (v.split(",") if v != "" else []) for k, v in zip(TSHARK_FIELDS, c)}
            out[int(c[0])] = d
    return out


def tshark_levels(d):
    """Split the layers of one frame at 'geneve': [outer, inner] dicts of
    ip {src,dst,version}, l4 {proto,sport,dport,type}."""
    idx = {k: 0 for k in ("ip", "ipv6", "udp", "tcp", "icmp", "icmpv6")}
    levels = [{}, {}]
    lv = 0

    def take(field):
        vals = d.get(field, [])
        i = idx[field.split(".")[0]]
        return vals[i] if i < len(vals) else None

    for p in d["frame.protocols"][0].split(":") if d["frame.protocols"] else []:
        if p == "geneve":
            lv = 1
            continue
        if lv > 1:
            break
        L = levels[lv]
        if p in ("ip", "ipv6") and "ip" not in L:
            L["ip"] = {"version": 4 if p == "ip" else 6,
                       "src": take(p + ".src"), "dst": take(p + ".dst")}
        elif p in ("udp", "tcp") and "l4" not in L:
            L["l4"] = {"proto": 17 if p == "udp" else 6,
                       "sport": take(p + ".srcport"), "dport": take(p + ".dstport")}
        elif p in ("icmp", "icmpv6") and "l4" not in L:
            L["l4"] = {"proto": 1 if p == "icmp" else 58, "type": take(p + ".type")}
        if p in idx:
            idx[p] += 1
    return levels


def check_tshark(genv_jsonl, tshark_path):
    g, t = load_jsonl(genv_jsonl), tshark_frames(tshark_path)
    for n in sorted(g):
        d, ts = g[n], t.get(n)
        name = "frame %d" % n
        if ts is None:
            print("FAIL\t%s\tno tshark line" % name)
            continue
        bad = []

        def cmp(what, want, got):
            if num(want) != num(got) and not (isinstance(want, bool) and num(got) == int(want)):
                bad.append("%s: genv %r, tshark %r" % (what, want, got))

        gv = d.get("geneve")
        if gv is None or "geneve" not in ts["frame.protocols"][0].split(":"):
            bad.append("Geneve: genv %s, tshark %s" % (gv is not None, ts["frame.protocols"]))
            print("FAIL\t%s\t%s" % (name, "; ".join(bad)))
            continue
        one = lambda k: ts[k][0] if ts[k] else None  # noqa: E731
        cmp("version", gv["version"], one("geneve.version"))
        cmp("vni", gv["vni"], one("geneve.vni"))
        cmp("oam", gv["oam"], one("geneve.flags.oam"))
        cmp("critical", gv["critical"], one("geneve.flags.critical"))
        cmp("proto", gv["proto"], one("geneve.proto_type"))
        opts = gv.get("options") or []
        # geneve.option.length: first the total option length, then each
        # option's size including its 4-byte header
        lens = ts["geneve.option.length"]
        cmp("opt_len", gv["opt_len"], lens[0] if lens else 0)
        cmp("option count", len(opts), len(ts["geneve.option.class"]))
        if len(opts) == len(ts["geneve.option.class"]):
            for i, o in enumerate(opts):
                cmp("option %d class" % i, o["class"], ts["geneve.option.class"][i])
                cmp("option %d type" % i, o["type"], ts["geneve.option.type"][i])
                cmp("option %d critical" % i, o["critical"], ts["geneve.option.type.critical"][i])
                cmp("option %d size" % i, 4 + o["len"],
                    lens[1 + i] if 1 + i < len(lens) else None)
        levels = tshark_levels(ts)
        for lv, key in ((0, "outer"), (1, "inner")):
            L, gl = levels[lv], d.get(key) or {}
            gip = gl.get("ip")
            if gip:
                tip = L.get("ip") or {}
                cmp(key + " ip version", gip["version"], tip.get("version"))
                cmp(key + " ip src", gip["src"], tip.get("src"))
                cmp(key + " ip dst", gip["dst"], tip.get("dst"))
            gl4 = gl.get("l4") if key == "inner" else dict(gl.get("udp") or {}, proto=17)
            if gl4 and gl4.get("proto") in (6, 17):
                tl4 = L.get("l4") or {}
                cmp(key + " l4 proto", gl4["proto"], tl4.get("proto"))
                cmp(key + " sport", gl4["sport"], tl4.get("sport"))
                cmp(key + " dport", gl4["dport"], tl4.get("dport"))
            elif gl4 and gl4.get("proto") in (1, 58):
                tl4 = L.get("l4") or {}
                cmp(key + " l4 proto", gl4["proto"], tl4.get("proto"))
                cmp(key + " icmp type", gl4.get("icmp_type"), tl4.get("type"))
        gvl = [v.get("vid") for v in ((d.get("outer") or {}).get("eth") or {}).get("vlan") or []]
        if gvl or ts["vlan.id"]:
            cmp("outer vlan ids", ",".join(map(str, gvl)), ",".join(ts["vlan.id"]))
        print(("FAIL\t%s\t%s" % (name, "; ".join(bad))) if bad else "PASS\t%s" % name)


# ---------------------------------------------------------------- tcpdump
TD_ADDR = re.compile(r"(\S+) > (\S+):(?:\s|$)")
TD_VNI = re.compile(r"Geneve, Flags \[([^\]]*)\], vni (0x[0-9a-f]+)")
TD_OPT = re.compile(r"class .*?\((0x[0-9a-f]+)\) type (0x[0-9a-f]+)(\(C\))? len (\d+)"
                    r"(?: data ([0-9a-f ]+))?")


def tcpdump_frames(path):
    frames, n = {}, 0
    with open(path) as f:
        for line in f:
            if TCPDUMP_TS.match(line):
                n += 1
                frames[n] = line
            elif n:
                frames[n] += line
    return frames


def check_tcpdump(genv_jsonl, tcpdump_text):
    g, t = load_jsonl(genv_jsonl), tcpdump_frames(tcpdump_text)
    for n in sorted(g):
        d, text = g[n], t.get(n)
        name = "frame %d" % n
        gv = d.get("geneve")
        if text is None or gv is None:
            print("FAIL\t%s\tgenv Geneve %s, tcpdump text %s" % (name, gv is not None,
                                                                 text is not None))
            continue
        bad = []
        m = TD_VNI.search(text)
        if not m:
            print("FAIL\t%s\ttcpdump shows no Geneve header: %s" % (name, text[:200].strip()))
            continue
        flags = set(x.strip() for x in m.group(1).split(",")) - {"none"}
        if int(m.group(2), 16) != gv["vni"]:
            bad.append("vni: genv %d, tcpdump %s" % (gv["vni"], m.group(2)))
        want_flags = ({"O"} if gv["oam"] else set()) | ({"C"} if gv["critical"] else set())
        if flags != want_flags:
            bad.append("flags: genv %s, tcpdump %s" % (sorted(want_flags), sorted(flags)))
        rest = text[m.end():]
        ob = rest.find("options [")
        tops = TD_OPT.findall(rest[ob:rest.find("]\n", ob) + 1]) if ob >= 0 else []
        opts = gv.get("options") or []
        if len(tops) != len(opts):
            bad.append("options: genv %d, tcpdump %d" % (len(opts), len(tops)))
        else:
            for i, (o, (cls, typ, crit, ln, data)) in enumerate(zip(opts, tops)):
                if (o["class"], o["type"], o["critical"], 4 + o["len"]) != \
                        (int(cls, 16), int(typ, 16), bool(crit), int(ln)):
                    bad.append("option %d: genv %04x/%02x/%s/%d, tcpdump %s/%s%s/%s" % (
                        i, o["class"], o["type"], o["critical"], 4 + o["len"], cls, typ, crit, ln))
                elif data and data.replace(" ", "") != o["data"]:
                    bad.append("option %d data: genv %s, tcpdump %s" % (i, o["data"], data))
        inner = d.get("inner") or {}
        ip, l4 = inner.get("ip"), inner.get("l4") or {}
        if ip:
            a = TD_ADDR.search(rest)
            if l4.get("proto") in (6, 17):
                want = ("%s.%d" % (ip["src"], l4["sport"]), "%s.%d" % (ip["dst"], l4["dport"]))
            else:
                want = (ip["src"], ip["dst"])
            got = a.groups() if a else None
            if got != want:
                bad.append("inner addresses: genv %s > %s, tcpdump %s" % (
                    want[0], want[1], "%s > %s" % got if got else "none"))
        print(("FAIL\t%s\t%s" % (name, "; ".join(bad))) if bad else "PASS\t%s" % name)


def main(argv):
    cmd, args = (argv[1], argv[2:]) if len(argv) > 1 else ("", [])
    if cmd == "compare" and len(args) == 2:
        compare(*args)
    elif cmd == "tshark" and len(args) == 2:
        check_tshark(*args)
    elif cmd == "tcpdump" and len(args) == 2:
        check_tcpdump(*args)
    elif cmd == "fields" and not args:
        print(" ".join("-e " + f for f in TSHARK_FIELDS))
    elif cmd == "hostile-table" and len(args) == 5:
        hostile_table(*args)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
