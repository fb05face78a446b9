#!/usr/bin/env python3
"""Truth tables for the router's NetworkPolicy engine, in the style of the
Kubernetes network policy conformance tests: namespaces x, y, z with pods
a and b each, fixed scenarios plus seeded random ones.

gen.py OUTDIR [--random N] [--seed S]
writes OUTDIR/NAME.genv (one host, every pod on a local TAP port) and
OUTDIR/NAME.cases: lines "src dst proto port tap packet... <TAB> expect"
where expect is allow or deny (tests/policy/ref.py decides).
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref  # noqa: E402

NS = {"x": {"ns": "x", "env": "prod"}, "y": {"ns": "y", "env": "dev"},
      "z": {"ns": "z"}}
POD_LABELS = {"a": {"pod": "a", "app": "web", "tier": "front"},
              "b": {"pod": "b", "app": "db"}}
CASES = [("tcp", 80), ("tcp", 81), ("udp", 53), ("tcp", 53), ("sctp", 80),
         ("icmp", 0)]


def pods():
    out = {}
    for i, ns in enumerate(sorted(NS)):
        for j, p in enumerate(sorted(POD_LABELS)):
            out[ns + "/" + p] = {"ns": ns, "labels": dict(POD_LABELS[p]),
                                 "ip": "10.0.%d.%d" % (i + 1, j + 10),
                                 "mac": "02:00:00:00:%02x:%02x" % (i + 1, j + 10),
                                 "tap": "t%s%s" % (ns, p)}
    return out


def S(match=None, expr=None):
    return {"match": match or {}, "expr": expr or []}


def R(peers=None, ports=None):
    return {"peers": peers or [], "ports": ports or []}


def P(proto, port=None, end=None):
    return {"proto": proto, "port": port, "end": end}


def pol(name, ns, select, types=None, ingress=None, egress=None):
    return {"name": name, "ns": ns, "select": select, "types": types,
            "ingress": ingress or [], "egress": egress or []}


ALL = S()
SCENARIOS = {
    "default-allow": [],
    "deny-all-ingress": [pol("deny-in", "x", ALL, ["ingress"])],
    "deny-all-egress": [pol("deny-out", "x", ALL, ["egress"])],
    "deny-all-both": [pol("deny", "y", ALL, ["ingress", "egress"])],
    "allow-all-ingress": [pol("deny-in", "x", ALL, ["ingress"]),
                          pol("allow-in", "x", ALL, ingress=[R()])],
    "allow-from-ns": [pol("from-y", "x", S({"pod": "a"}),
                          ingress=[R([{"ns": S({"ns": "y"})}])])],
    "allow-from-ns-by-name": [pol("from-z", "x", ALL, ingress=[
        R([{"ns": S({"kubernetes.io/metadata.name": "z"})}])])],
    "pod-and-ns-one-peer": [pol("and", "x", S({"pod": "a"}), ingress=[
        R([{"pod": S({"pod": "b"}), "ns": S({"env": "dev"})}])])],
    "pod-or-ns-two-peers": [pol("or", "x", S({"pod": "a"}), ingress=[
        R([{"pod": S({"pod": "b"})}, {"ns": S({"env": "dev"})}])])],
    "pod-selector-own-ns": [pol("own", "y", ALL, ingress=[
        R([{"pod": S({"app": "web"})}])])],
    "ipblock-except": [pol("cidr", "x", S({"pod": "a"}), ingress=[
        R([{"cidr": "10.0.0.0/16", "except": ["10.0.2.0/24", "10.0.3.11/32"]}])])],
    "egress-ipblock": [pol("cidr-out", "z", ALL, egress=[
        R([{"cidr": "10.0.1.0/24"}], [P("tcp", 80)])])],
    "port-range": [pol("range", "x", ALL, ingress=[
        R([], [P("tcp", 53, 81)])])],
    "port-range-and-udp": [pol("range2", "y", S({"pod": "b"}), ingress=[
        R([{"ns": ALL}], [P("tcp", 8000, 8090), P("udp", 53)])])],
    "proto-only": [pol("udp-any", "z", ALL, ingress=[R([], [P("udp")])])],
    "egress-dns-only": [pol("dns", "x", ALL, ["egress"], egress=[
        R([], [P("udp", 53), P("tcp", 53)])])],
    "sctp": [pol("sctp", "y", ALL, ingress=[R([], [P("sctp", 80)])])],
    "expr-in": [pol("in", "x", ALL, ingress=[R([{"ns": S(expr=[
        ("env", "In", ["dev", "test"])])}])])],
    "expr-notin": [pol("notin", "x", ALL, ingress=[R([{"ns": S(expr=[
        ("env", "NotIn", ["prod"])])}])])],
    "expr-exists": [pol("exists", "y", S(expr=[("tier", "Exists", [])]),
                        ingress=[R([{"pod": S(expr=[("tier", "Exists", [])]),
                                     "ns": ALL}])])],
    "expr-doesnotexist": [pol("dne", "z", S(expr=[("tier", "DoesNotExist", [])]),
                              ingress=[R([{"ns": S(expr=[("env", "DoesNotExist", [])])}])])],
    "expr-mixed": [pol("mixed", "x", S({"app": "web"}, [("pod", "NotIn", ["b"])]),
                       ingress=[R([{"pod": S(expr=[("app", "In", ["db"])]),
                                    "ns": S(expr=[("env", "Exists", [])])}],
                                  [P("tcp", 80)])])],
    "union": [pol("u1", "x", S({"pod": "a"}), ingress=[R([{"ns": S({"ns": "y"})}], [P("tcp", 80)])]),
              pol("u2", "x", S({"pod": "a"}), ingress=[R([{"ns": S({"ns": "z"})}], [P("udp", 53)])]),
              pol("u3", "x", ALL, ["ingress"])],
    "ingress-and-egress": [pol("both", "x", ALL, ["ingress", "egress"],
                               ingress=[R([{"pod": ALL}])],
                               egress=[R([{"ns": S({"env": "dev"})}], [P("tcp", 80)])]),
                           pol("y-in", "y", ALL, ingress=[R([{"ns": S({"ns": "z"})}])])],
    "egress-implicit-type": [pol("eg", "y", S({"pod": "a"}), egress=[
        R([{"pod": S({"pod": "b"})}])])],
}


def sel_text(sel):
    words = ["%s=%s" % kv for kv in sorted(sel.get("match", {}).items())]
    for key, op, values in sel.get("expr", []):
        words.append({"In": "%s=in(%s)" % (key, "|".join(values)),
                      "NotIn": "%s=notin(%s)" % (key, "|".join(values)),
                      "Exists": key, "DoesNotExist": "!" + key}[op])
    return ",".join(words) or "all"


def rule_text(word, rule):
    out = [word]
    for peer in rule["peers"]:
        out.append("from" if word == "ingress" else "to")
        if "cidr" in peer:
            out += ["cidr", peer["cidr"]]
            if peer.get("except"):
                out += ["except", ",".join(peer["except"])]
            continue
        if "pod" in peer:
            out += ["pod", sel_text(peer["pod"])]
        if "ns" in peer:
            out += ["ns", sel_text(peer["ns"])]
    for p in rule["ports"]:
        if p["port"] is None:
            out += ["port", p["proto"]]
        elif p.get("end"):
            out += ["port", "%s/%d-%d" % (p["proto"], p["port"], p["end"])]
        else:
            out += ["port", "%s/%d" % (p["proto"], p["port"])]
    return " ".join(out)


def config(world):
    lines = ["set host addr 10.200.0.1 id h1"]
    for p in world["pods"].values():
        lines.append("add port " + p["tap"])
    lines.append("add vpc 100 name conf cidr 10.0.0.0/16")
    for ns, labels in sorted(world["namespaces"].items()):
        lab = ",".join("%s=%s" % kv for kv in sorted(labels.items()))
        lines.append("add ns 100 %s%s" % (ns, " labels " + lab if lab else ""))
    for p in world["pods"].values():
        lab = ",".join("%s=%s" % kv for kv in sorted(p["labels"].items()))
        lines.append("add ep 100 %s mac %s port %s ns %s labels %s"
                     % (p["ip"], p["mac"], p["tap"], p["ns"], lab))
    for pl in world["policies"]:
        words = ["add policy 100", pl["name"], "ns", pl["ns"], "select",
                 sel_text(pl["select"])]
        if pl["types"] is not None:
            words += ["type", ",".join(pl["types"])]
        words += [rule_text("ingress", r) for r in pl["ingress"]]
        words += [rule_text("egress", r) for r in pl["egress"]]
        lines.append(" ".join(words))
    return "\n".join(lines) + "\n"


def packet(s, d, proto, port):
    head = "eth src=%s / ipv4 src=%s dst=%s" % (s["mac"], s["ip"], d["ip"])
    if proto == "icmp":
        return head + " / icmp"
    if proto == "sctp":   # common header: ports, verification tag, checksum
        return head + " proto=132 / payload hex=9c40%04x0000000000000000" % port
    return head + " / %s dport=%d" % (proto, port)


def cases(world):
    for src in sorted(world["pods"]):
        for dst in sorted(world["pods"]):
            if src == dst:
                continue
            for proto, port in CASES:
                yield (src, dst, proto, port,
                       ref.verdict(world, src, dst, proto, port))


def rand_sel(rng, keys):
    if rng.random() < 0.25:
        return S()
    match, expr = {}, []
    for _ in range(rng.randint(1, 2)):
        key, vals = rng.choice(keys)
        op = rng.choice(["eq", "In", "NotIn", "Exists", "DoesNotExist"])
        if op == "eq":
            match[key] = rng.choice(vals)
        elif op in ("In", "NotIn"):
            expr.append((key, op, sorted(set(rng.sample(vals, rng.randint(1, len(vals)))))))
        else:
            expr.append((key, op, []))
    return S(match, expr)


POD_KEYS = [("pod", ["a", "b"]), ("app", ["web", "db"]), ("tier", ["front"])]
NS_KEYS = [("ns", ["x", "y", "z"]), ("env", ["prod", "dev"]),
           ("kubernetes.io/metadata.name", ["x", "y", "z"])]


def rand_rule(rng):
    peers = []
    for _ in range(rng.choice([0, 1, 1, 2])):
        kind = rng.choice(["pod", "ns", "both", "cidr"])
        if kind == "cidr":
            cidr = rng.choice(["10.0.0.0/16", "10.0.1.0/24", "10.0.2.0/23"])
            exc = {"10.0.0.0/16": ["10.0.2.10/32", "10.0.1.0/25"],
                   "10.0.1.0/24": ["10.0.1.0/29", "10.0.1.11/32"],
                   "10.0.2.0/23": ["10.0.2.10/32", "10.0.3.0/24"]}[cidr]
            peers.append({"cidr": cidr, "except": rng.choice([[], exc[:1], exc])})
            continue
        peer = {}
        if kind in ("pod", "both"):
            peer["pod"] = rand_sel(rng, POD_KEYS)
        if kind in ("ns", "both"):
            peer["ns"] = rand_sel(rng, NS_KEYS)
        peers.append(peer)
    ports = []
    for _ in range(rng.choice([0, 0, 1, 2])):
        proto = rng.choice(["tcp", "udp", "sctp"])
        kind = rng.choice(["one", "range", "any"])
        if kind == "any":
            ports.append(P(proto))
        elif kind == "range":
            lo = rng.choice([53, 80, 81])
            ports.append(P(proto, lo, lo + rng.choice([0, 1, 30, 8000])))
        else:
            ports.append(P(proto, rng.choice([53, 80, 81, 8081])))
    return R(peers, ports)


def rand_scenario(rng, idx):
    pols = []
    for k in range(rng.randint(1, 3)):
        types = rng.choice([None, ["ingress"], ["egress"], ["ingress", "egress"]])
        ing = [rand_rule(rng) for _ in range(rng.choice([0, 1, 2]))]
        eg = [rand_rule(rng) for _ in range(rng.choice([0, 1, 2]))]
        if types is not None:   # genv refuses rules of a direction not in type
            ing = ing if "ingress" in types else []
            eg = eg if "egress" in types else []
        pols.append(pol("r%d-%d" % (idx, k), rng.choice(sorted(NS)),
                        rand_sel(rng, POD_KEYS), types, ing, eg))
    return pols


def main(argv):
    out, nrand, seed = argv[1], 10, 1
    if "--random" in argv:
        nrand = int(argv[argv.index("--random") + 1])
    if "--seed" in argv:
        seed = int(argv[argv.index("--seed") + 1])
    scen = dict(SCENARIOS)
    rng = random.Random(seed)
    for i in range(nrand):
        scen["random-%d-%d" % (seed, i)] = rand_scenario(rng, i)
    os.makedirs(out, exist_ok=True)
    for name, pols in scen.items():
        world = {"namespaces": NS, "pods": pods(), "policies": pols}
        with open(os.path.join(out, name + ".genv"), "w") as f:
            f.write(config(world))
        with open(os.path.join(out, name + ".cases"), "w") as f:
            for src, dst, proto, port, ok in cases(world):
                f.write("%s %s %s/%d\t%s\t%s\t%s\n" % (
                    src, dst, proto, port, world["pods"][src]["tap"],
                    packet(world["pods"][src], world["pods"][dst], proto, port),
                    "allow" if ok else "deny"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
