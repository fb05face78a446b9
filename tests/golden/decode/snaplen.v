    1 2023-11-14 22:13:20.000000 frame, length 122 [!eth.truncated]
    payload
    2 2023-11-14 22:13:21.001000 frame, length 122 [!eth.truncated]
    payload hex=020000000002
    3 2023-11-14 22:13:22.002000 frame, length 122 [!eth.truncated]
    payload hex=02000000000202000000000108
    4 2023-11-14 22:13:23.003000 ether 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x0800, length 122 [!ip4.truncated]
    eth type=0x0800
    5 2023-11-14 22:13:24.004000 ether 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x0800, length 122 [!ip4.truncated]
    eth type=0x0800 / payload hex=4500006c0001
    6 2023-11-14 22:13:25.005000 ether 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x0800, length 122 [!ip4.truncated]
    eth type=0x0800 / payload hex=4500006c00014000401124ee0ac800010ac800
    7 2023-11-14 22:13:26.006000 10.200.0.1 > 10.200.0.2 UDP [|udp], length 122 [!udp.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 proto=17 len=108
    8 2023-11-14 22:13:27.007000 10.200.0.1 > 10.200.0.2 UDP [|udp], length 122 [!udp.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 proto=17 len=108 / payload hex=c00017c1
    9 2023-11-14 22:13:28.008000 10.200.0.1 > 10.200.0.2 UDP [|udp], length 122 [!udp.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 proto=17 len=108 / payload hex=c00017c10058cd
   10 2023-11-14 22:13:29.009000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve [|geneve], length 122 [!geneve.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 dport=6081 len=88 csum=0xcd54
   11 2023-11-14 22:13:30.010000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve [|geneve], length 122 [!geneve.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 dport=6081 len=88 csum=0xcd54 / payload hex=02406558
   12 2023-11-14 22:13:31.011000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve [|geneve], length 122 [!geneve.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 dport=6081 len=88 csum=0xcd54 / payload hex=02406558000064
   13 2023-11-14 22:13:32.012000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C], length 122 [!geneve.option_truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 dport=6081 len=88 csum=0xcd54 / payload hex=0240655800006400
   14 2023-11-14 22:13:33.013000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) len 4 [|opt]], length 122 [!geneve.option_truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 dport=6081 len=88 csum=0xcd54 / payload hex=024065580000640001028001
   15 2023-11-14 22:13:34.014000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) len 4 [|opt]], length 122 [!geneve.option_truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 dport=6081 len=88 csum=0xcd54 / payload hex=024065580000640001028001000100
   16 2023-11-14 22:13:35.015000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10], length 122 [!inner.eth.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 len=88 csum=0xcd54 / geneve vni=100 opt=ovn:in=1,out=10
   17 2023-11-14 22:13:36.016000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10], length 122 [!inner.eth.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 len=88 csum=0xcd54 / geneve vni=100 opt=ovn:in=1,out=10 / payload hex=02000000000b0200
   18 2023-11-14 22:13:37.017000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10], length 122 [!inner.eth.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 len=88 csum=0xcd54 / geneve vni=100 opt=ovn:in=1,out=10 / payload hex=02000000000b02000000000a08
   19 2023-11-14 22:13:38.018000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: ether 02:00:00:00:00:0a > 02:00:00:00:00:0b type 0x0800, length 122 [!inner.ip4.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 len=88 csum=0xcd54 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a type=0x0800
   20 2023-11-14 22:13:39.019000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: ether 02:00:00:00:00:0a > 02:00:00:00:00:0b type 0x0800, length 122 [!inner.ip4.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 len=88 csum=0xcd54 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a type=0x0800 / payload hex=4500003200014000
   21 2023-11-14 22:13:40.020000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: ether 02:00:00:00:00:0a > 02:00:00:00:00:0b type 0x0800, length 122 [!inner.ip4.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 len=88 csum=0xcd54 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a type=0x0800 / payload hex=45000032000140003f0627c30a0000010a0000
   22 2023-11-14 22:13:41.021000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1 > 10.0.0.2 TCP [|tcp], length 122 [!inner.tcp.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 len=88 csum=0xcd54 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 proto=6 len=50
   23 2023-11-14 22:13:42.022000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1 > 10.0.0.2 TCP [|tcp], length 122 [!inner.tcp.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 len=88 csum=0xcd54 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 proto=6 len=50 / payload hex=9c400050000003e8
   24 2023-11-14 22:13:43.023000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1 > 10.0.0.2 TCP [|tcp], length 122 [!inner.tcp.truncated]
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 len=88 csum=0xcd54 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 proto=6 len=50 / payload hex=9c400050000003e8000000005018ffffe17900
   25 2023-11-14 22:13:44.024000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 122
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 len=88 csum=0xcd54 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 len=50 / tcp seq=1000 flags=PA csum=0xe179
   26 2023-11-14 22:13:45.025000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 122
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 len=108 / udp sport=49152 len=88 csum=0xcd54 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 len=50 / tcp seq=1000 flags=PA csum=0xe179 / payload hex=68656c6c
   27 2023-11-14 22:13:46.026000 10.200.0.1.49152 > 10.200.0.2.6081: Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: 10.0.0.1.40000 > 10.0.0.2.80 TCP [P.] payload 10, length 122
    eth / ipv4 src=10.200.0.1 dst=10.200.0.2 id=1 df=1 / udp sport=49152 / geneve vni=100 opt=ovn:in=1,out=10 / eth dst=02:00:00:00:00:0b src=02:00:00:00:00:0a / ipv4 ttl=63 id=1 df=1 / tcp seq=1000 flags=PA / payload hex=68656c6c6f2067656e76
