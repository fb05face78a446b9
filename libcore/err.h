/* SPDX-License-Identifier: MIT */
/*
 * Decode results: every problem found in untrusted bytes is an error code
 * with the byte offset where it was found.  A code has a severity:
 *   truncated - the capture ends before the headers say the packet ends
 *   invalid   - the bytes themselves break a rule (RFC 8926, RFC 791, ...)
 *   warning   - legal but worth a look (fragment, zero IPv6 UDP checksum)
 * The packet's status is the worst severity among its errors.
 *
 * Layer: libcore; err.c calls only libc.
 */
#ifndef GENV_ERR_H
#define GENV_ERR_H

#include <stdbool.h>
#include <stdint.h>

enum gnv_status {
	GNV_OK = 0,
	GNV_TRUNCATED = 1,
	GNV_INVALID = 2,
};

enum gnv_severity {
	GNV_SEV_WARNING = 0,
	GNV_SEV_TRUNCATED = 1,
	GNV_SEV_INVALID = 2,
};

/* X(ENUM, severity, "code", "message") -- codes are stable API (JSON). */
#define GNV_ERRORS(X) \
	X(HDR_OVERRUN,     INVALID,   "header.overrun",       "header runs past the length the enclosing layer claims") \
	X(ETH_TRUNC,       TRUNCATED, "eth.truncated",        "Ethernet header truncated") \
	X(VLAN_TRUNC,      TRUNCATED, "vlan.truncated",       "802.1Q tag truncated") \
	X(VLAN_DEPTH,      INVALID,   "vlan.depth",           "more than two VLAN tags") \
	X(ARP_TRUNC,       TRUNCATED, "arp.truncated",        "ARP header truncated") \
	X(ARP_FORMAT,      INVALID,   "arp.format",           "ARP is not Ethernet/IPv4 (hlen 6, plen 4)") \
	X(IP_VERSION,      INVALID,   "ip.version",           "IP version does not match the EtherType") \
	X(IP4_TRUNC,       TRUNCATED, "ip4.truncated",        "IPv4 header truncated") \
	X(IP4_IHL,         INVALID,   "ip4.ihl",              "IPv4 header length below 20 bytes") \
	X(IP4_TOTLEN,      INVALID,   "ip4.total_length",     "IPv4 total length shorter than its header") \
	X(IP4_OVERRUN,     INVALID,   "ip4.overrun",          "IPv4 total length runs past the end of the frame") \
	X(IP4_LEN_ZERO,    WARNING,   "ip4.length_zero",      "IPv4 total length 0: presumed GSO/BIG TCP, length taken from the frame") \
	X(IP4_OPTIONS,     INVALID,   "ip4.options",          "malformed IPv4 option") \
	X(IP4_CSUM,        INVALID,   "ip4.checksum",         "IPv4 header checksum incorrect") \
	X(IP_FRAGMENT,     WARNING,   "ip.fragment",          "IP fragment: payload beyond this fragment not decoded") \
	X(IP6_TRUNC,       TRUNCATED, "ip6.truncated",        "IPv6 header truncated") \
	X(IP6_OVERRUN,     INVALID,   "ip6.overrun",          "IPv6 payload length runs past the end of the frame") \
	X(IP6_LEN_ZERO,    WARNING,   "ip6.length_zero",      "IPv6 payload length 0 without jumbo option: presumed BIG TCP, length taken from the frame") \
	X(IP6_EXT_TRUNC,   TRUNCATED, "ip6.ext_truncated",    "IPv6 extension header truncated") \
	X(IP6_EXT,         INVALID,   "ip6.ext",              "malformed IPv6 extension header") \
	X(IP6_EXT_DEPTH,   INVALID,   "ip6.ext_depth",        "too many IPv6 extension headers") \
	X(UDP_TRUNC,       TRUNCATED, "udp.truncated",        "UDP header truncated") \
	X(UDP_LEN,         INVALID,   "udp.length",           "UDP length below 8 bytes") \
	X(UDP_OVERRUN,     INVALID,   "udp.overrun",          "UDP length runs past the IP payload") \
	X(UDP_SHORT,       WARNING,   "udp.short",            "UDP length shorter than the IP payload (trailing bytes)") \
	X(UDP_CSUM,        INVALID,   "udp.checksum",         "UDP checksum incorrect") \
	X(UDP_CSUM_PARTIAL, WARNING,  "udp.checksum_partial", "UDP checksum left for offload (captured before the NIC filled it in)") \
	X(UDP6_CSUM_ZERO,  WARNING,   "udp.checksum_zero_ipv6", "zero UDP checksum over IPv6 (allowed only where configured, RFC 6936)") \
	X(TCP_TRUNC,       TRUNCATED, "tcp.truncated",        "TCP header truncated") \
	X(TCP_DOFF,        INVALID,   "tcp.data_offset",      "TCP data offset below 20 bytes or past the segment") \
	X(TCP_CSUM,        INVALID,   "tcp.checksum",         "TCP checksum incorrect") \
	X(TCP_CSUM_PARTIAL, WARNING,  "tcp.checksum_partial", "TCP checksum left for offload (captured before the NIC filled it in)") \
	X(ICMP_TRUNC,      TRUNCATED, "icmp.truncated",       "ICMP header truncated") \
	X(ICMP_CSUM,       INVALID,   "icmp.checksum",        "ICMP checksum incorrect") \
	X(GNV_TRUNC,       TRUNCATED, "geneve.truncated",     "Geneve header truncated") \
	X(GNV_SHORT,       INVALID,   "geneve.short",         "UDP payload shorter than the Geneve base header") \
	X(GNV_VERSION,     INVALID,   "geneve.version",       "Geneve version is not 0") \
	X(GNV_OPTLEN,      INVALID,   "geneve.opt_len",       "Geneve Opt Len runs past the UDP payload") \
	X(GNV_OPT_OVERRUN, INVALID,   "geneve.option_overrun", "Geneve option length runs past Opt Len") \
	X(GNV_OPT_TRUNC,   TRUNCATED, "geneve.option_truncated", "Geneve options truncated by the capture") \
	X(GNV_CRIT_NO_C,   INVALID,   "geneve.critical_without_c", "critical option present but the C bit is clear") \
	X(GNV_C_NO_CRIT,   WARNING,   "geneve.c_without_critical", "C bit set but no option is critical") \
	X(GNV_RSVD,        WARNING,   "geneve.reserved",      "Geneve reserved bits set (ignored on receipt)") \
	X(GNV_OPT_RSVD,    WARNING,   "geneve.option_reserved", "Geneve option reserved bits set") \
	X(GNV_OPT_LAYOUT,  WARNING,   "geneve.option_layout", "option data does not fit its registered layout") \
	X(GNV_PROTO,       WARNING,   "geneve.proto",         "Geneve protocol type not decoded (shown raw)") \
	X(GNV_EMPTY,       INVALID,   "geneve.no_payload",    "Geneve packet carries no inner frame") \
	X(VX_TRUNC,        TRUNCATED, "vxlan.truncated",      "VXLAN header truncated") \
	X(VX_SHORT,        INVALID,   "vxlan.short",          "UDP payload shorter than the VXLAN header") \
	X(VX_FLAGS,        INVALID,   "vxlan.flags",          "VXLAN I flag clear: the VNI is not valid") \
	X(VX_RSVD,         WARNING,   "vxlan.reserved",       "VXLAN reserved bits set (ignored on receipt)") \
	X(VX_VERSION,      INVALID,   "vxlan.version",        "VXLAN-GPE version is not 0") \
	X(VX_PROTO,        WARNING,   "vxlan.proto",          "VXLAN-GPE next protocol not decoded (shown raw)") \
	X(VX_EMPTY,        INVALID,   "vxlan.no_payload",     "VXLAN packet carries no inner frame") \
	X(GRE_TRUNC,       TRUNCATED, "gre.truncated",        "GRE header truncated") \
	X(GRE_VERSION,     INVALID,   "gre.version",          "GRE version is not 0") \
	X(GRE_FLAGS,       INVALID,   "gre.flags",            "GRE routing, strict source route or recursion bits set (RFC 2784: discard)") \
	X(GRE_RSVD,        WARNING,   "gre.reserved",         "GRE reserved bits set (ignored on receipt)") \
	X(GRE_CSUM,        INVALID,   "gre.checksum",         "GRE checksum incorrect") \
	X(GRE_PROTO,       WARNING,   "gre.proto",            "GRE protocol type not decoded (shown raw)") \
	X(GRE_EMPTY,       INVALID,   "gre.no_payload",       "GRE packet carries no inner frame") \
	X(GUE_TRUNC,       TRUNCATED, "gue.truncated",        "GUE header or extension fields truncated") \
	X(GUE_VERSION,     INVALID,   "gue.version",          "GUE variant is not 0 or 1 (variant 1: IP version not 4 or 6)") \
	X(GUE_PROTO,       WARNING,   "gue.proto",            "GUE protocol not decoded (shown raw)") \
	X(GUE_EMPTY,       INVALID,   "gue.no_payload",       "GUE packet carries no inner packet") \
	X(STT_TRUNC,       TRUNCATED, "stt.truncated",        "STT frame header truncated") \
	X(STT_VERSION,     INVALID,   "stt.version",          "STT version is not 0") \
	X(STT_EMPTY,       INVALID,   "stt.no_payload",       "STT frame carries no inner frame") \
	X(STT_CONT,        WARNING,   "stt.continuation",     "STT continuation segment: no STT header")

enum gnv_errcode {
#define GNV_X(e, s, c, m) GNV_E_##e,
	GNV_ERRORS(GNV_X)
#undef GNV_X
	GNV_E__COUNT
};

struct gnv_err {
	uint16_t code;		/* enum gnv_errcode */
	uint32_t offset;	/* bytes from the start of the frame */
	bool inner;		/* found in the encapsulated frame */
};

const char *gnv_err_code(unsigned int code);	/* "geneve.version" */
const char *gnv_err_msg(unsigned int code);	/* human sentence */
enum gnv_severity gnv_err_severity(unsigned int code);
const char *gnv_status_name(enum gnv_status st); /* "ok" ... */
int gnv_err_lookup(const char *code);		/* code string -> enum, or -1 */

#endif
