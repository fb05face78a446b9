#!/usr/bin/python3
# A stand-in for `genv route run` on its control socket (router/ctl.h wire
# format), for tests/cli/trace.sh: no root, no TAP, no UDP port.
#   fakerouter.py SOCKET GENV TOPO DROPS
# 'trace packet ...' is answered by running `GENV trace packet -f TOPO` with
# the same frame (the router runs the same code); 'drops since N' and
# 'mirror since N' from the "drop ..." and "pkt ..." lines of the file DROPS
# (text as written, JSON when asked: the form genv trace reads);
# every request line is logged to SOCKET.log.
import json, os, socket, subprocess, sys

sock_path, genv, topo, drops_file = sys.argv[1:5]
lines = [l.rstrip("\n") for l in open(drops_file)]
rings = {"drops": [l for l in lines if l.startswith("drop ")],
         "mirror": [l for l in lines if l.startswith("pkt ")]}
log = open(sock_path + ".log", "a")


def record(line):
    """A "drop ..."/"pkt ..." text line as the router's JSON object (the
    same fields: router/dropring.c emits both forms from one set of calls)."""
    r = {}
    for kv in line.split()[1:]:
        k, v = kv.split("=", 1)
        r[k] = None if v == "-" else int(v) if k in ("seq", "time_ns", "vni", "len") else v
    if r["ingress"] == "underlay":
        r = {**r, "port": None}
    else:
        r = {**r, "from": None, "self": None}
    return r


def answer(flags, line):
    w = line.split()
    log.write(line + "\n")
    log.flush()
    if w[:2] in (["mirror", "on"], ["mirror", "off"]):
        return 0, ""
    if w[0] in rings and w[1:2] == ["since"]:
        since = int(w[2])
        out = [d for d in rings[w[0]] if int(d.split()[1].split("=")[1]) >= since]
        nxt = max([since] + [int(d.split()[1].split("=")[1]) + 1 for d in out])
        if flags != "-":
            return 0, json.dumps({"schema": 1, "drops": [record(d) for d in out],
                                  "next": nxt, "lost": 0, "suppressed": 0})
        return 0, "".join(d + "\n" for d in out) + "next=%d lost=0 suppressed=0\n" % nxt
    if w[:2] == ["trace", "packet"]:
        args = [genv, "trace", "packet", "-f", topo]
        if flags != "-":
            args.append("-j")
        i = 2
        while i < len(w):
            k = w[i]
            if k == "port":
                args += ["--in", w[i + 1]]; i += 2
            elif k == "underlay":
                args += ["--in", "underlay"]; i += 1
            elif k in ("from", "ttl", "tos", "hex"):
                args += ["--" + k, w[i + 1]]; i += 2
            elif k == "raw":
                args.append("--raw"); i += 1
            else:
                i += 1
        p = subprocess.run(args, capture_output=True, text=True)
        return (0, p.stdout) if p.returncode == 0 else (22, p.stderr.strip())
    return 22, "unknown command"


srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
if os.path.exists(sock_path):
    os.unlink(sock_path)
srv.bind(sock_path)
srv.listen(4)
while True:
    c, _ = srv.accept()
    buf = b""
    while True:
        d = c.recv(65536)
        if not d:
            break
        buf += d
        while b"\n" in buf:
            req, buf = buf.split(b"\n", 1)
            flags, line = req.decode().split(" ", 1)
            if line == "quit":
                c.close()
                sys.exit(0)
            st, body = answer(flags, line)
            b = body.encode()
            c.sendall(b"%d %d\n" % (st, len(b)) + b)
    c.close()
