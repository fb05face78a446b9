    1 2023-11-14 22:13:20.000000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 700 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 108
    ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=700 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
    2 2023-11-14 22:13:21.001000 fd00::1.49152 > fd00::2.6081: Geneve vni 701: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 120
    ipv6 src=fd00::1 dst=fd00::2 / udp sport=49152 / geneve vni=701 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
