/* SPDX-License-Identifier: MIT */
/*
 * Internal: the per-layer decoders behind gnv_decode() (decode.c):
 * eth.c (Ethernet, VLAN, ARP), ip.c, l4.c, geneve.c, vxlan.c, gre.c, gue.c, stt.c.  They report through
 * pkt_err.h and never call decode.c.
 *
 * Layer: libcore; the parsers call only pkt_err.c, csum, opt_tlv, optreg,
 * cursor.h and libc.
 */
#ifndef GENV_LAYERS_H
#define GENV_LAYERS_H

#include "cursor.h"
#include "pkt.h"
#include "pkt_err.h"

/* Each returns true when decoding may continue into the next layer. */
bool gnv_decode_eth(struct gnv_pkt *pk, struct gnv_cur *c, struct gnv_eth *eth);
bool gnv_decode_arp(struct gnv_pkt *pk, struct gnv_cur *c, struct gnv_arp *arp);
/* On return the cursor is narrowed to the IP payload. */
bool gnv_decode_ip4(struct gnv_pkt *pk, struct gnv_cur *c, struct gnv_ip *ip,
		    const struct gnv_decode_cfg *cfg);
bool gnv_decode_ip6(struct gnv_pkt *pk, struct gnv_cur *c, struct gnv_ip *ip);
/* L4 after IP; the cursor covers the IP payload.  UDP narrows it to the
 * UDP payload. */
bool gnv_decode_l4(struct gnv_pkt *pk, struct gnv_cur *c, const struct gnv_ip *ip,
		   struct gnv_l4 *l4, const struct gnv_decode_cfg *cfg);
/* Geneve header and options; the cursor covers the UDP payload and is
 * left at the inner frame. */
bool gnv_decode_geneve(struct gnv_pkt *pk, struct gnv_cur *c, struct gnv_geneve *g);
/* VXLAN or VXLAN-GPE (vxlan.c) after UDP, GRE or NVGRE (gre.c) after IP:
 * fill pk->tun and the common fields of pk->gnv, leave the cursor at the
 * inner frame. */
bool gnv_decode_vxlan(struct gnv_pkt *pk, struct gnv_cur *c, bool gpe);
bool gnv_decode_gre(struct gnv_pkt *pk, struct gnv_cur *c, const struct gnv_decode_cfg *cfg);
/* GUE (gue.c) after UDP: the same; false also after a control message. */
bool gnv_decode_gue(struct gnv_pkt *pk, struct gnv_cur *c);
/* STT (stt.c) after TCP: the same; false also on a continuation segment. */
bool gnv_decode_stt(struct gnv_pkt *pk, struct gnv_cur *c);

#endif
