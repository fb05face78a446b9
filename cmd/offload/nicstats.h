/* SPDX-License-Identifier: MIT */
/*
 * The NIC's own drop and error counters: `ethtool -S IFACE` (the
 * ETH_SS_STATS string set, ETHTOOL_GSTRINGS and ETHTOOL_GSTATS ioctls)
 * filtered to the names that count losses: drop, discard, err, miss,
 * fifo, overrun, overflow, lost, crc, timeout, fail (any case).
 * Layer: cmd; calls libcore/emit and libc.
 */
#ifndef GENV_OFFLOAD_NICSTATS_H
#define GENV_OFFLOAD_NICSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/ethtool.h>
#include "../../libcore/emit.h"

struct nic_ctr {
	char name[ETH_GSTRING_LEN + 1];
	uint64_t val;
};

struct nic_stats {
	int err;			/* 0, -EOPNOTSUPP (no ethtool -S) or -errno */
	uint32_t total;			/* counters the driver has */
	size_t n;			/* of them, drops and errors */
	struct nic_ctr *c;
};

bool nic_stats_wanted(const char *name);
/* Read into s (s->err tells why not); 0 or -ENOMEM. */
int nic_stats_read(int fd, const char *ifname, struct nic_stats *s);
void nic_stats_free(struct nic_stats *s);
/* The "nic_counters" section: values, and with prev (same counters, an
 * earlier read) the deltas since it. */
void nic_stats_emit(struct gnv_emit *e, const struct nic_stats *s, const struct nic_stats *prev);

#endif
