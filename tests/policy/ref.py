"""Reference evaluator of Kubernetes NetworkPolicy (networking.k8s.io/v1).

Written from the Kubernetes documentation (concepts/services-networking/
network-policies), not from router/policy.c, so that the router can be
checked against it (tests/cli/policy_truth.sh).

Model:
  namespaces: {name: {label: value}}  (kubernetes.io/metadata.name implicit)
  pods:       {name: {"ns": ns, "labels": {...}, "ip": "10.0.1.5"}}
  policies:   [{"name", "ns", "select": selector, "types": [..] or None,
                "ingress": [rule], "egress": [rule]}]
  selector:   {"match": {k: v}, "expr": [(key, op, [values])]}
              op in In, NotIn, Exists, DoesNotExist; {} selects all
  rule:       {"peers": [peer] or [] (= all), "ports": [port] or [] (= all)}
  peer:       {"pod": sel} | {"ns": sel} | {"pod": sel, "ns": sel}
              | {"cidr": "a/n", "except": ["b/m", ...]}
  port:       {"proto": "tcp"|"udp"|"sctp", "port": N or None, "end": N or None}
"""
import ipaddress


def sel_match(sel, labels):
    """A LabelSelector: every matchLabels pair and every expression."""
    for k, v in sel.get("match", {}).items():
        if labels.get(k) != v:
            return False
    for key, op, values in sel.get("expr", []):
        has = key in labels
        if op == "In":
            ok = has and labels[key] in values
        elif op == "NotIn":
            ok = not has or labels[key] not in values
        elif op == "Exists":
            ok = has
        elif op == "DoesNotExist":
            ok = not has
        else:
            raise ValueError("operator " + op)
        if not ok:
            return False
    return True


def ns_labels(namespaces, ns):
    labels = dict(namespaces.get(ns, {}))
    labels["kubernetes.io/metadata.name"] = ns
    return labels


def policy_types(pol):
    """policyTypes; unset: Ingress, plus Egress when there are egress rules."""
    if pol.get("types") is not None:
        return set(pol["types"])
    types = {"ingress"}
    if pol.get("egress"):
        types.add("egress")
    return types


def selects(pol, pod):
    return pod["ns"] == pol["ns"] and sel_match(pol["select"], pod["labels"])


def peer_match(world, pol, peer, other):
    """Does peer (of a rule of pol) match the pod or address 'other'?"""
    if "cidr" in peer:
        ip = ipaddress.ip_address(other["ip"])
        if ip not in ipaddress.ip_network(peer["cidr"]):
            return False
        return not any(ip in ipaddress.ip_network(e)
                       for e in peer.get("except", []))
    if other.get("ns") is None:        # an address that is not a pod
        return False
    if "ns" in peer:
        if not sel_match(peer["ns"], ns_labels(world["namespaces"],
                                               other["ns"])):
            return False
    elif other["ns"] != pol["ns"]:     # podSelector alone: own namespace
        return False
    if "pod" in peer:
        return sel_match(peer["pod"], other["labels"])
    return True


def port_match(rule, proto, port):
    if not rule["ports"]:
        return True
    for p in rule["ports"]:
        if p["proto"] != proto:
            continue
        if p.get("port") is None:
            return True
        end = p.get("end") or p["port"]
        if p["port"] <= port <= end:
            return True
    return False


def rule_allows(world, pol, rule, other, proto, port):
    if not port_match(rule, proto, port):
        return False
    if not rule["peers"]:
        return True
    return any(peer_match(world, pol, peer, other) for peer in rule["peers"])


def direction(world, pod, other, proto, port, dirn):
    """(allowed, isolated) for traffic of pod in direction dirn."""
    isolated = False
    for pol in world["policies"]:
        if dirn not in policy_types(pol) or not selects(pol, pod):
            continue
        isolated = True
        for rule in pol.get(dirn, []):
            if rule_allows(world, pol, rule, other, proto, port):
                return True, True
    return not isolated, isolated


def verdict(world, src, dst, proto, port):
    """True when src may send to dst (pods by name)."""
    s, d = world["pods"][src], world["pods"][dst]
    eg, _ = direction(world, s, d, proto, port, "egress")
    ing, _ = direction(world, d, s, proto, port, "ingress")
    return eg and ing
