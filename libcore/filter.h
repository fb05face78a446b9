/* SPDX-License-Identifier: MIT */
/*
 * genv filter expressions.  genv's own terms are evaluated on the decoded
 * packet; everything else is libpcap filter text, compiled with
 * pcap_compile() and run on the frame with pcap_offline_filter():
 *
 *   vni LIST                 Geneve VNI in LIST: N, N-M, or a comma list of them
 *   opt CLASS[:TYPE] | NAME  an option of that class (and type), or registry name (ovn)
 *   NAME.FIELD OP VALUE      a named option's field compares (ovn.out == 10;
 *                            OP one of == != < <= > >=; addresses and names == !=)
 *   critical                 the C bit is set or an option is critical
 *   oam                      the O bit is set
 *   inner [src|dst] host A   inner IPv4/IPv6 (or ARP) address
 *   inner [src|dst] net P/L  inner address in a prefix
 *   inner [src|dst] port LIST  inner TCP/UDP port
 *   inner tcp|udp|icmp|icmp6 inner L4 protocol
 *   inner tcp flags F[/M]    inner TCP flags F set (within mask M, all others clear)
 *   inner ether [src|dst] [host] MAC  inner Ethernet address
 *   outer [src|dst] host|net, outer port|sport|dport LIST   the outer headers
 *   malformed                the frame is truncated or invalid (not mere warnings)
 *   error CODE               the decoder reported CODE (e.g. geneve.opt_len)
 *
 * Terms combine with not/!, and/&&, or/|| (binding in that order, as in
 * C and Wireshark) and parentheses.  Any subtree without a genv term is
 * handed to libpcap ("udp and vni 5" = pcap "udp" AND genv "vni 5"),
 * written with the parentheses that keep genv's grouping.  An expression
 * without genv terms is pure libpcap text and keeps libpcap's rules.
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

/*
 * The same, and *errpos (when not NULL) is the byte offset of the word the
 * error is about (the length of the text when the filter ends too soon).
 */
int gnv_filter_parse_at(const char *text, struct gnv_filter **out,
			char *err, size_t errsz, size_t *errpos);

/* The same, knowing the option names of an options file (optreg.h); the
 * frames it matches must be decoded with the same registry. */
struct gnv_optreg;
int gnv_filter_parse_reg(const char *text, const struct gnv_optreg *reg, struct gnv_filter **out,
			 char *err, size_t errsz, size_t *errpos);

/* "  TEXT\n     ^": the text and a caret under byte pos, for error messages. */
size_t gnv_filter_caret(const char *text, size_t pos, char *buf, size_t n);

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
