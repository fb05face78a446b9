# arp.format
    1 2023-11-14 22:13:20.000000 ARP htype 1 ptype 0x0800 op 1, length 46 [!arp.format]
    eth / arp sha=00:00:00:00:00:00 spa=0.0.0.0 tpa=0.0.0.0 hlen=8 / payload len=4
# arp.truncated
    1 2023-11-14 22:13:20.000000 ARP [|arp], length 42 [!arp.truncated]
    eth type=0x0806 / payload hex=000108000604000102000000
# eth.truncated
    1 2023-11-14 22:13:20.000000 frame, length 122 [!eth.truncated]
    payload hex=02000000000202000000
# geneve.c_without_critical
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [OVN:0x01 len 4]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 122 [!geneve.c_without_critical]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=100 critical=1 opt=0x0102:0x01:00000000 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# geneve.critical_without_c
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 122 [!geneve.critical_without_c]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=100 critical=0 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# geneve.no_payload
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10], length 58 [!geneve.no_payload]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=100 opt=ovn:in=1,out=10
# geneve.opt_len
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 opts [OVN:0x01 len 0], length 54 [!geneve.opt_len]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 dport=6081 / payload hex=0a0065580000640001020100
# geneve.option_layout
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) len 8 bad-layout]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 126 [!geneve.option_layout]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=100 opt=0x0102:0x80:0000000000000000 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# geneve.option_overrun
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 opts [OVN:0x01 len 8], length 126 [!geneve.option_overrun]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=100 opthex=01020102 / payload hex=000000000000000002000000000b02000000000a080045000032000140003f0627c30a0000010a0000029c400050000003e8000000005018ffffe179000068656c6c6f2067656e76
# geneve.option_reserved
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 opts [OVN:0x01 len 4]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 122 [!geneve.option_reserved]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=100 opthex=0102014100000000 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# geneve.option_truncated
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) len 4 [|opt]], length 122 [!geneve.option_truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 dport=6081 len=88 csum=0xcd54 / payload hex=0240655800006400010280010001
# geneve.proto
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 proto 0x88b5, length 54 [!geneve.proto]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=100 proto=0x88b5 / payload hex=01020304
# geneve.reserved
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 122 [!geneve.reserved]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=100 rsvd=1 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# geneve.short
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve [|geneve], length 46 [!geneve.short]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 dport=6081 / payload hex=00006558
# geneve.truncated
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve [|geneve], length 122 [!geneve.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 dport=6081 len=88 csum=0xcd54 / payload hex=02406558
# geneve.version
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve ver 1 vni 100, length 114 [!geneve.version]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=100 ver=1 / payload hex=02000000000b02000000000a080045000032000140003f0627c30a0000010a0000029c400050000003e8000000005018ffffe179000068656c6c6f2067656e76
# gre.checksum
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2: GRE [C]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 106 [!gre.checksum]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / gre csum=0x22b8 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# gre.flags
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2: GRE [|gre], length 102 [!gre.flags]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 proto=47 / payload hex=4000655802000000000b02000000000a080045000032000140003f0627c30a0000010a0000029c400050000003e8000000005018ffffe179000068656c6c6f2067656e76
# gre.no_payload
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2: GRE, length 38 [!gre.no_payload]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / gre
# gre.proto
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2: GRE proto 0x88b5, length 42 [!gre.proto]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / gre proto=0x88b5 / payload hex=01020304
# gre.reserved
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2: GRE: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 102 [!gre.reserved]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / gre flags=0x0100 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# gre.truncated
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2: GRE [|gre], length 106 [!gre.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 proto=47 len=92 / payload hex=200065580000
# gre.version
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2: GRE [|gre], length 102 [!gre.version]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 proto=47 / payload hex=0001655802000000000b02000000000a080045000032000140003f0627c30a0000010a0000029c400050000003e8000000005018ffffe179000068656c6c6f2067656e76
# gue.no_payload
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6080: GUE proto 41, length 46 [!gue.no_payload]
    eth dst=02:00:00:00:00:02 src=02:00:00:00:00:01 type=0x0800 / ipv4 src=10.200.0.1 dst=10.200.0.2 ttl=64 tos=0x00 id=1 df=1 mf=0 rf=0 frag=0 proto=17 len=32 ihl=5 csum=0x253a / udp sport=49152 dport=6080 len=12 csum=0x125a / gue proto=41 ver=0 c=0 hlen=0 flags=0x0000
# gue.proto
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6080: GUE proto 17, length 50 [!gue.proto]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / gue proto=17 / payload hex=01020304
# gue.truncated
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6080: GUE [|gue], length 104 [!gue.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=90 / udp sport=49152 dport=6080 len=70 csum=0x2432 / payload hex=020400000000
# gue.version
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6080: GUE [|gue], length 96 [!gue.version]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 dport=6080 / payload hex=8004000045000032000140003f0627c30a0000010a0000029c400050000003e8000000005018ffffe179000068656c6c6f2067656e76
# header.overrun
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2 UDP [|udp], length 38 [!header.overrun]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 proto=17 / payload hex=c00017c1
# icmp.checksum
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2 ICMP echo request id 7 seq 1, length 51 [!icmp.checksum]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / icmp id=7 seq=1 csum=0x352c / payload hex=67656e762d70696e67
# icmp.truncated
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2 ICMP [|icmp], length 51 [!icmp.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 proto=1 len=37 / payload hex=0800
# ip.fragment
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2 UDP frag offset 1480, length 50 [!ip.fragment]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 frag=185 proto=17 / payload len=16
# ip.version
    1 2023-11-14 22:13:20.000000 IP version 6, length 63 [!ip.version]
    eth type=0x0800 / payload hex=6000000000091140fd000000000000000000000000000001fd000000000000000000000000000002c00017c10009b61578
# ip4.checksum
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 122 [!ip4.checksum]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 csum=0x71bb / udp sport=49152 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# ip4.ihl
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2 UDP, length 43 [!ip4.ihl]
    eth type=0x0800 / payload hex=4400001d000140004011263d0ac800010ac80002c00017c100099a8778
# ip4.length_zero
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 122 [!ip4.length_zero]
    eth dst=02:00:00:00:00:02 src=02:00:00:00:00:01 type=0x0800 / ipv4 src=10.200.0.1 dst=10.200.0.2 ttl=64 tos=0x00 id=1 df=1 mf=0 rf=0 frag=0 proto=17 len=0 ihl=5 csum=0x255a / udp sport=49152 dport=6081 len=88 csum=0xcd54 / geneve vni=100 ver=0 oam=0 critical=1 proto=0x6558 optlen=2 rsvd=0 rsvd2=0 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a type=0x0800 / ipv4 src=10.0.0.1 dst=10.0.0.2 ttl=63 tos=0x00 id=1 df=1 mf=0 rf=0 frag=0 proto=6 len=50 ihl=5 csum=0x27c3 / tcp sport=40000 dport=80 seq=1000 ack=0 flags=PA win=65535 urg=0 doff=5 csum=0xe179 rsvd=0 / payload hex=68656c6c6f2067656e76
# ip4.options
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 126 [!ip4.options]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 opts=44100000 / udp sport=49152 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# ip4.overrun
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 122 [!ip4.overrun]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=400 / udp sport=49152 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# ip4.total_length
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2 UDP, length 43 [!ip4.total_length]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 proto=17 len=16 csum=0x254a / payload hex=c00017c100099a8778
# ip4.truncated
    1 2023-11-14 22:13:20.000000 ether 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x0800, length 122 [!ip4.truncated]
    eth type=0x0800 / payload hex=4500006c00014000401124ee
# ip6.ext
    1 2023-11-14 22:13:20.000000 fd00::1 > fd00::2 proto 0, length 62 [!ip6.ext]
    eth / ipv6 src=fd00::1 dst=fd00::2 nh=0 / payload hex=1101010400000000
# ip6.ext_depth
    1 2023-11-14 22:13:20.000000 fd00::1 > fd00::2 proto 0, length 126 [!ip6.ext_depth]
    eth / ipv6 src=fd00::1 dst=fd00::2 nh=60 ext=3c000104000000003c000104000000003c000104000000003c000104000000003c000104000000003c000104000000003c000104000000003c00010400000000 / payload hex=3b00010400000000
# ip6.ext_truncated
    1 2023-11-14 22:13:20.000000 fd00::1 > fd00::2 proto 0, length 71 [!ip6.ext_truncated]
    eth / ipv6 src=fd00::1 dst=fd00::2 nh=0 plen=17 / payload hex=11000104
# ip6.length_zero
    1 2023-11-14 22:13:20.000000 fd00::1.49152 > fd00::2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 142 [!ip6.length_zero]
    eth dst=02:00:00:00:00:02 src=02:00:00:00:00:01 type=0x86dd / ipv6 src=fd00::1 dst=fd00::2 hlim=64 tc=0x00 flow=0x0 nh=17 plen=0 / udp sport=49152 dport=6081 len=88 csum=0xe8e2 / payload hex=0240655800006400010280010001000a02000000000b02000000000a080045000032000140003f0627c30a0000010a0000029c400050000003e8000000005018ffffe179000068656c6c6f2067656e76
# ip6.overrun
    1 2023-11-14 22:13:20.000000 fd00::1.5000 > fd00::2.5001 UDP payload 4, length 66 [!ip6.overrun]
    eth / ipv6 src=fd00::1 dst=fd00::2 plen=300 / udp sport=5000 dport=5001 / payload hex=78787878
# ip6.truncated
    1 2023-11-14 22:13:20.000000 ether 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x86dd, length 142 [!ip6.truncated]
    eth type=0x86dd / payload hex=6000000000581140fd000000000000000000000000000001fd0000000000
# stt.continuation
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.7471: STT continuation offset 38 of 102 id 1, length 98 [!stt.continuation]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / tcp sport=49152 dport=7471 seq=6684710 ack=1 flags=PA / payload hex=40003f0627c30a0000010a0000029c400050000003e8000000005018ffffe179000068656c6c6f2067656e76
# stt.no_payload
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.7471: STT context 0x5, length 72 [!stt.no_payload]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / tcp sport=49152 ack=1 / stt ctx=0x5 mss=1448
# stt.truncated
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.7471: STT [|stt], length 136 [!stt.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=122 / tcp sport=49152 dport=7471 seq=5373952 ack=1 flags=PA csum=0xbeca / payload hex=0000000005a800000000
# stt.version
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.7471: STT context 0x5, length 136 [!stt.version]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / tcp sport=49152 ack=1 / stt ctx=0x5 mss=1448 ver=1 / payload hex=02000000000b02000000000a080045000032000140003f0627c30a0000010a0000029c400050000003e8000000005018ffffe179000068656c6c6f2067656e76
# tcp.checksum
    1 2023-11-14 22:13:20.000000 10.200.0.1.40000 > 10.200.0.2.80 TCP [S] payload 4, length 58 [!tcp.checksum]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / tcp seq=1000 csum=0x2e1e / payload hex=64617461
# tcp.checksum_partial
    1 2023-11-14 22:13:20.000000 10.200.0.1.40000 > 10.200.0.2.80 TCP [S] payload 4, length 58 [!tcp.checksum_partial]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / tcp seq=1000 csum=0x15b1 / payload hex=64617461
# tcp.data_offset
    1 2023-11-14 22:13:20.000000 10.200.0.1.40000 > 10.200.0.2.80 TCP [S] payload 0, length 58 [!tcp.data_offset]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 proto=6 / payload hex=9c400050000003e8000000004002ffff3111000064617461
# tcp.truncated
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2 TCP [|tcp], length 58 [!tcp.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 proto=6 len=44 / payload hex=9c400050000003e80000
# udp.checksum
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 122 [!udp.checksum]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 csum=0xcda4 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# udp.checksum_partial
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 122 [!udp.checksum_partial]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 csum=0x15fc / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# udp.checksum_zero_ipv6
    1 2023-11-14 22:13:20.000000 fd00::1.49152 > fd00::2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 142 [!udp.checksum_zero_ipv6]
    eth / ipv6 src=fd00::1 dst=fd00::2 / udp sport=49152 csum=zero / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# udp.length
    1 2023-11-14 22:13:20.000000 10.200.0.1.5000 > 10.200.0.2.5001 UDP payload 0, length 46 [!udp.length]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=5000 dport=5001 len=4 csum=0x0000 / payload hex=61626364
# udp.overrun
    1 2023-11-14 22:13:20.000000 10.200.0.1.5000 > 10.200.0.2.5001 UDP payload 4, length 46 [!udp.overrun]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=5000 dport=5001 len=40 csum=zero / payload hex=61626364
# udp.short
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 126 [!udp.short]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 len=88 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76 / pad len=4
# udp.truncated
    1 2023-11-14 22:13:20.000000 10.200.0.1 > 10.200.0.2 UDP [|udp], length 122 [!udp.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 proto=17 len=108 / payload hex=c00017c1
# vlan.depth
    1 2023-11-14 22:13:20.000000 vlan 1 vlan 2 ether 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x8100, length 55 [!vlan.depth]
    eth / vlan / vlan id=2 type=0x8100 / payload hex=000308004500001d000140004011253d0ac800010ac80002c00017c100099a8778
# vlan.truncated
    1 2023-11-14 22:13:20.000000 ether 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x8100, length 47 [!vlan.truncated]
    eth type=0x8100 / payload hex=0064
# vxlan.flags
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.4789: VXLAN vni 100: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 114 [!vxlan.flags]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / vxlan vni=100 flags=0x00 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# vxlan.no_payload
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.4789: VXLAN vni 100, length 50 [!vxlan.no_payload]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / vxlan vni=100
# vxlan.proto
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.4790: VXLAN-GPE vni 100 next-proto 4, length 54 [!vxlan.proto]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / vxlan-gpe vni=100 np=4 / payload hex=01020304
# vxlan.reserved
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.4789: VXLAN vni 100: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 114 [!vxlan.reserved]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / vxlan vni=100 rsvd2=1 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
# vxlan.short
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.4789: VXLAN [|vxlan], length 45 [!vxlan.short]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 dport=4789 / payload hex=080000
# vxlan.truncated
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.4789: VXLAN [|vxlan], length 114 [!vxlan.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=100 / udp sport=49152 dport=4789 len=80 csum=0xb317 / payload hex=08000000
# vxlan.version
    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.4790: VXLAN-GPE ver 1 vni 100, length 114 [!vxlan.version]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / vxlan-gpe vni=100 flags=0x1c / payload hex=02000000000b02000000000a080045000032000140003f0627c30a0000010a0000029c400050000003e8000000005018ffffe179000068656c6c6f2067656e76
