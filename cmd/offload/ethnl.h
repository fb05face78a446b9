/* SPDX-License-Identifier: MIT */
/*
 * Replies of the "ethtool" generic-netlink family, read into structs.
 * The parsers are pure (bytes in, struct out, no I/O) so that they can be
 * unit-tested on malformed fixtures and fuzzed (tests/fuzz/fuzz_ethnl.c).
 * Input: the attributes after the genlmsghdr of one reply.
 *
 * ETHTOOL_MSG_TUNNEL_INFO_GET_REPLY (Documentation/networking/ethtool-netlink.rst):
 *   HEADER (nest)
 *   UDP_PORTS (nest)
 *     UDP_TABLE (nest, repeated)
 *       TABLE_SIZE u32 | TABLE_TYPES bitset | TABLE_ENTRY (nest, repeated)
 *                                              ENTRY_PORT be16, ENTRY_TYPE u32
 */
#ifndef GENV_OFFLOAD_ETHNL_H
#define GENV_OFFLOAD_ETHNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETHNL_TABLES_MAX 8
#define ETHNL_ENTRIES_MAX 64

struct ethnl_tunnel_entry {
	uint16_t port;			/* host order */
	uint32_t type;			/* ETHTOOL_UDP_TUNNEL_TYPE_* */
};

struct ethnl_tunnel_table {
	uint32_t size;
	uint32_t types;			/* bit n: ETHTOOL_UDP_TUNNEL_TYPE n */
	struct ethnl_tunnel_entry entry[ETHNL_ENTRIES_MAX];
	size_t entry_len;
};

struct ethnl_tunnels {
	struct ethnl_tunnel_table table[ETHNL_TABLES_MAX];
	size_t table_len;
};

/* 0, or -EBADMSG with *why naming what is wrong (a static string). */
int ethnl_tunnels_parse(const void *buf, size_t size, struct ethnl_tunnels *out, const char **why);

/* "vxlan", "geneve", "vxlan-gpe" as ethtool names them, NULL if unknown. */
const char *ethnl_tunnel_type_name(uint32_t type);

#endif
