    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 122
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
    2 2023-11-14 22:13:21.001000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 200 opts [label labels=42,7, eptype type=scaled, rts match=1 mac=02:00:00:00:00:01 host=10.200.0.1 invalidate=0, qos class=premium prio=1]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 158
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=200 opt=label:42+7 opt=eptype:scaled opt=rts:match=1,mac=02:00:00:00:00:01,host=10.200.0.1 opt=qos:prio=1 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
    3 2023-11-14 22:13:22.002000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 200 [O] opts [trace reply=0 overflow=0 report=0 hops=0 id=1 seq=1], length 62
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=200 oam=1 opt=trace:id=1,seq=1
    4 2023-11-14 22:13:23.003000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 300 [C] opts [cilium.dsr(C) addr=10.96.0.10 port=80, mizar.pod label=5, mizar.rts match=1 host=10.200.0.2 mac=02:00:00:00:00:02]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 150
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=300 opt=cilium.dsr:addr=10.96.0.10,port=80 opt=mizar.pod:5,class=0x1101 opt=mizar.rts:match=1,host=10.200.0.2,mac=02:00:00:00:00:02 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
    5 2023-11-14 22:13:24.004000 fd00::1.49152 > fd00::2.6081: Geneve vni 400: fd10::1 > fd10::2 ICMP6 echo request id 7 seq 1, length 128
    eth / ipv6 src=fd00::1 dst=fd00::2 / udp sport=49152 / geneve vni=400 / ipv6 src=fd10::1 dst=fd10::2 / icmp6 id=7 seq=1 / payload hex=67656e762d70696e6736
    6 2023-11-14 22:13:25.005000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100: ARP who-has 10.0.0.2 tell 10.0.0.1, length 96
    eth / vlan id=42 / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=100 / eth dst=ff:ff:ff:ff:ff:ff src=02:00:00:00:00:0a / arp
    7 2023-11-14 22:13:26.006000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100: 10.0.0.1.33333 > 10.0.0.2.53 UDP payload 4, length 82
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=100 / ipv4 id=1 df=1 / udp sport=33333 dport=53 / payload hex=646e733f
    8 2023-11-14 22:13:27.007000 10.200.0.1.4789 > 10.200.0.2.6081: Geneve vni 500: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 114
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=4789 / geneve vni=500 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
    9 2023-11-14 22:13:28.008000 10.200.0.1.6081 > 10.200.0.2.53 UDP payload 12, length 54
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=6081 dport=53 / payload hex=123401000001000000000000
   10 2023-11-14 22:13:29.009000 ARP reply 10.200.0.2 is-at 02:00:00:00:00:02, length 42
    eth / arp op=2 sha=02:00:00:00:00:02 spa=10.200.0.2 tha=02:00:00:00:00:01 tpa=10.200.0.1
   11 2023-11-14 22:13:30.010000 ether 02:00:00:00:00:01 > 01:80:c2:00:00:0e type 0x88cc, length 43
    eth dst=01:80:c2:00:00:0e type=0x88cc / payload hex=0207040200000000010000000000000000000000000000000000000000
   12 2023-11-14 22:13:31.011000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100: 10.0.0.1 > 10.0.0.2 ICMP echo request id 7 seq 1, length 101
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 csum=zero / geneve vni=100 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 id=1 df=1 / icmp id=7 seq=1 / payload hex=67656e762d70696e67
   13 2023-11-14 22:13:32.012000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 122 [!geneve.critical_without_c]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=100 critical=0 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
   14 2023-11-14 22:13:33.013000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 600 opts [Experimental:0x7f len 4, Unassigned:0x01 len 0]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 126
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=600 opt=0xff01:0x7f:deadbeef opt=0x7777:0x01 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
