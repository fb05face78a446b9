/* SPDX-License-Identifier: MIT */
/*
 * The NIC's drop and error counters (nicstats.h), as ethtool -S reads
 * them: the string set's size, its names, then the values in the same
 * order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <linux/sockios.h>
#include "nicstats.h"

#define NIC_STATS_MAX	65536		/* more is a confused driver */

static const char *const loss_words[] = {
	"drop", "discard", "err", "miss", "fifo", "overrun", "overflow", "lost", "crc",
	"timeout", "fail", NULL
};

bool nic_stats_wanted(const char *name)
{
	for (int i = 0; loss_words[i]; i++)
		if (strcasestr(name, loss_words[i]))
			return true;
	return false;
}

static int ethtool(int fd, const char *ifname, void *data)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_data = data;
	return ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
}

int nic_stats_read(int fd, const char *ifname, struct nic_stats *s)
{
	struct ethtool_sset_info *si;
	struct ethtool_gstrings *gs = NULL;
	struct ethtool_stats *st = NULL;
	uint32_t count;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	si = calloc(1, sizeof(*si) + sizeof(si->data[0]));
	if (!si)
		return -ENOMEM;
	si->cmd = ETHTOOL_GSSET_INFO;
	si->sset_mask = 1ULL << ETH_SS_STATS;
	s->err = ethtool(fd, ifname, si);
	if (!s->err && (!(si->sset_mask & (1ULL << ETH_SS_STATS)) || !si->data[0]))
		s->err = -EOPNOTSUPP;
	if (!s->err && si->data[0] > NIC_STATS_MAX)
		s->err = -EPROTO;
	if (s->err)
		goto out;
	count = si->data[0];
	gs = calloc(1, sizeof(*gs) + (size_t)count * ETH_GSTRING_LEN);
	st = calloc(1, sizeof(*st) + (size_t)count * sizeof(st->data[0]));
	s->c = calloc(count, sizeof(s->c[0]));
	if (!gs || !st || !s->c) {
		ret = -ENOMEM;
		goto out;
	}
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_STATS;
	gs->len = count;
	st->cmd = ETHTOOL_GSTATS;
	st->n_stats = count;
	s->err = ethtool(fd, ifname, gs);
	if (!s->err)
		s->err = ethtool(fd, ifname, st);
	if (s->err)
		goto out;
	/* a driver may answer with fewer than it announced */
	if (gs->len < count)
		count = gs->len;
	if (st->n_stats < count)
		count = st->n_stats;
	s->total = count;
	for (uint32_t i = 0; i < count; i++) {
		struct nic_ctr *c = &s->c[s->n];

		memcpy(c->name, gs->data + (size_t)i * ETH_GSTRING_LEN, ETH_GSTRING_LEN);
		c->name[ETH_GSTRING_LEN] = '\0';
		if (!c->name[0] || !nic_stats_wanted(c->name))
			continue;
		c->val = st->data[i];
		s->n++;
	}
out:
	free(si);
	free(gs);
	free(st);
	if (ret)
		nic_stats_free(s);
	return ret;
}

void nic_stats_free(struct nic_stats *s)
{
	free(s->c);
	s->c = NULL;
	s->n = 0;
}

static const struct nic_ctr *find(const struct nic_stats *s, const char *name)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (!strcmp(s->c[i].name, name))
			return &s->c[i];
	return NULL;
}

void nic_stats_emit(struct gnv_emit *e, const struct nic_stats *s, const struct nic_stats *prev)
{
	bool json = gnv_emit_is_json(e);

	gnv_emit_obj_open(e, "nic_counters", "nic drops/errors (ethtool -S): ");
	gnv_emit_bool(e, "supported", NULL, !s->err, NULL, NULL);
	if (s->err) {
		gnv_emit_str(e, "error", "%s\n", s->err == -EOPNOTSUPP ? "not supported" : strerror(-s->err));
		gnv_emit_null(e, "total", NULL);
		gnv_emit_null(e, "counters", NULL);
		gnv_emit_obj_close(e, NULL);
		return;
	}
	gnv_emit_null(e, "error", NULL);
	gnv_emit_u64(e, "total", NULL, s->total);
	gnv_emit_text(e, "%zu of %u counters%s\n", s->n, s->total, s->n && prev ? ", +change since the last sample" : "");
	gnv_emit_obj_open(e, "counters", NULL);
	for (size_t i = 0; i < s->n; i++) {
		const struct nic_ctr *c = &s->c[i], *p = find(prev, c->name);

		if (json) {
			gnv_emit_obj_open(e, c->name, NULL);
			gnv_emit_u64(e, "value", NULL, c->val);
			if (prev && p)
				gnv_emit_u64(e, "delta", NULL, c->val - p->val);
			else
				gnv_emit_null(e, "delta", NULL);
			gnv_emit_obj_close(e, NULL);
		} else if (prev && p) {
			gnv_emit_text(e, "  %-32s %20llu  +%llu\n", c->name, (unsigned long long)c->val,
				      (unsigned long long)(c->val - p->val));
		} else {
			gnv_emit_text(e, "  %-32s %20llu\n", c->name, (unsigned long long)c->val);
		}
	}
	gnv_emit_obj_close(e, NULL);
	gnv_emit_obj_close(e, NULL);
}
