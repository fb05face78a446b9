/* SPDX-License-Identifier: MIT */
/*
 * genv filter expressions.  genv's own terms are evaluated on the decoded
 * packet; everything else is libpcap filter text, compiled with
 * pcap_compile() and run on the frame with pcap_offline_filter():
 *
 *   vni N              Geneve VNI is N
 *   opt CLASS[:TYPE]   an option of that class (and type, 8 bits) is present
 *   critical           the C bit is set or an option is critical
 *   oam                the O bit is set
 *   inner host A       inner IPv4/IPv6 (or ARP) source or destination is A
 *   inner port N       inner TCP/UDP source or destination port is N
 *   malformed          the frame is truncated or invalid (not mere warnings)
 *   error CODE         the decoder reported CODE (e.g. geneve.opt_len)
 *
 * Terms combine with and/&&, or/||, not/! and parentheses.  As in libpcap,
 * 'and' and 'or' have the same precedence and group left to right.  Any
 * part of the expression without a genv term is handed to libpcap whole
 * ("udp and vni 5" = pcap "udp" AND genv "vni 5"), so libpcap sees its
 * own syntax intact.  An expression without genv terms is pure libpcap.
 *
 * Layer: libcore; filter.c calls libcore, libc and libpcap (the one
 * exception: see filter.c).
 */
#ifndef GENV_FILTER_H
#define GENV_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <pcap/pcap.h>
#include "pkt.h"

struct gnv_filter;

/* Parse; returns 0 or -EINVAL with a message in err.  Empty text matches all. */
int gnv_filter_parse(const char *text, struct gnv_filter **out,
		     char *err, size_t errsz);

/* Compile the libpcap parts for a link type (DLT_*).  0 or -EINVAL. */
int gnv_filter_compile(struct gnv_filter *f, int dlt, int snaplen,
		       char *err, size_t errsz);

/* Does the frame match?  h/data are the raw frame for the libpcap parts. */
bool gnv_filter_match(const struct gnv_filter *f, const struct gnv_pkt *pk,
		      const struct pcap_pkthdr *h, const uint8_t *data);

/*
 * A libpcap filter that every matching frame satisfies (for pcap_setfilter
 * on a live capture), or NULL when none can be derived.  The full filter
 * must still be applied with gnv_filter_match().
 */
const char *gnv_filter_capture(const struct gnv_filter *f);

bool gnv_filter_has_genv(const struct gnv_filter *f);	/* any genv term */
bool gnv_filter_has_pcap(const struct gnv_filter *f);	/* any libpcap part */

void gnv_filter_free(struct gnv_filter *f);

#endif
