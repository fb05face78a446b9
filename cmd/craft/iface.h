/* SPDX-License-Identifier: MIT */
/*
 * craft -i IFACE: what the sending needs beyond the bytes.
 *   - the outer addresses the text left out, from the interface and the
 *     kernel's route and neighbour tables (router/nexthop.c);
 *   - one line per packet sent (-v) and a summary;
 *   - --expect FILTER: a capture opened before the first packet, waiting
 *     for a frame that matches decode's filter language (scapy's sr/srp).
 * Layer: cmd; calls commands, libcore/filter, libcore/lang, libcore/pkt,
 * libcore/print, router/nexthop, libpcap and libc.
 */
#ifndef GENV_CMD_CRAFT_IFACE_H
#define GENV_CMD_CRAFT_IFACE_H

#include <stdint.h>
#include <stddef.h>
#include <pcap/pcap.h>
#include "../cli.h"
#include "../../libcore/lang.h"
#include "../../libcore/print.h"

/*
 * Fill the outer Ethernet source and destination and the outer IP source
 * that spec leaves unset, for sending on ifname.  res are the layers as
 * built with the defaults (their outer destination is the one resolved).
 * Tells what it filled on stderr with -v.  0, or an exit status with the
 * message printed.
 */
int craft_iface_fill(struct genv_ctx *g, const char *ifname, struct gnv_spec *spec,
		     const struct gnv_layer *res);

/* The packets sent: a decoded line each with -v, the summary at the end. */
struct craft_sent {
	struct gnv_printer pr;
	struct sbuf sb;
	uint64_t n, bytes;
};
void craft_sent_init(struct craft_sent *s, struct genv_ctx *g);
int craft_sent_packet(struct craft_sent *s, struct genv_ctx *g, const uint8_t *p, size_t n);
int craft_sent_summary(struct craft_sent *s, struct genv_ctx *g, const char *ifname);

/* --expect FILTER on ifname: open before sending, wait after. */
struct craft_expect {
	pcap_t *pc;
	struct gnv_filter *flt;
	const char *text;
	bool matched;
	struct sbuf json;	/* with -j: the reply's decode, for the one document */
};
/* 0, or an exit status with the message printed (2: bad filter). */
int craft_expect_open(struct craft_expect *e, struct genv_ctx *g, const char *ifname,
		      const char *filter);
/* Wait up to timeout seconds for the first matching frame and print it
 * (with -j: keep its JSON in e->json, for the caller's document):
 * EXIT_OK when it came, EXIT_FAIL when not. */
int craft_expect_wait(struct craft_expect *e, struct genv_ctx *g, double timeout);
void craft_expect_close(struct craft_expect *e);

#endif
