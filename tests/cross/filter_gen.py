#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A varied Geneve capture for tests/cross/filter.sh: several VNIs, IPv4
and IPv6 inner frames, TCP (SYN, SYN-ACK, ACK), UDP, ICMP, ICMPv6, OVN
options and option-less frames, IPv4 and IPv6 outer headers."""
import sys
from scapy.all import Ether, IP, IPv6, UDP, TCP, ICMP, wrpcap
from scapy.layers.inet6 import ICMPv6EchoRequest
from scapy.contrib.geneve import GENEVE, GeneveOptions

out = []
inners = [
    lambda: IP(src="10.0.0.1", dst="10.0.0.2") / TCP(sport=40000, dport=80, flags="S"),
    lambda: IP(src="10.0.0.2", dst="10.0.0.1") / TCP(sport=80, dport=40000, flags="SA"),
    lambda: IP(src="10.0.0.1", dst="10.0.0.2") / TCP(sport=40000, dport=80, flags="A"),
    lambda: IP(src="10.1.0.5", dst="192.168.7.9") / UDP(sport=5353, dport=53),
    lambda: IP(src="192.168.7.9", dst="10.1.0.5") / ICMP(),
    lambda: IPv6(src="fd10::1", dst="fd10::2") / TCP(sport=443, dport=50001, flags="S"),
    lambda: IPv6(src="fd10::2", dst="fd20::9") / UDP(sport=123, dport=123),
    lambda: IPv6(src="fd20::9", dst="fd10::1") / ICMPv6EchoRequest(),
]
n = 0
for vni in (5, 100, 150, 200, 201, 4000):
    for i, mk in enumerate(inners):
        n += 1
        opts = b""
        optlen = 0
        g = GENEVE(vni=vni, proto=0x6558)
        if n % 3 == 0:
            o = GeneveOptions(classid=0x0102, type=0x80, length=1, data=bytes([0, 1, 0, n % 16]))
            g = GENEVE(vni=vni, proto=0x6558, optionlen=2, options=[o])
        mac = "02:00:00:00:00:%02x" % (i + 1)
        inner = Ether(src=mac, dst="02:00:00:00:01:01") / mk()
        if n % 4 == 0:
            outer = IPv6(src="fd00::1", dst="fd00::2")
        else:
            outer = IP(src="172.16.0.1", dst="172.16.0.%d" % (2 + n % 2))
        out.append(Ether() / outer / UDP(sport=49152 + n, dport=6081) / g / inner)
wrpcap(sys.argv[1], out)
