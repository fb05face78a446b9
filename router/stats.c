/* SPDX-License-Identifier: MIT */
/*
 * Router drop reasons by name (see stats.h): the stable names and
 * descriptions that counters, the drop ring and `genv trace` print and
 * parse.  Layer: router; calls only libc.
 */
#include <string.h>
#include "stats.h"

static const char *const drop_names[] = {
#define RT_X(e, n, d) n,
	RT_DROPS(RT_X)
#undef RT_X
};
static const char *const drop_descs[] = {
#define RT_X(e, n, d) d,
	RT_DROPS(RT_X)
#undef RT_X
};

const char *rt_drop_name(unsigned int reason)
{
	return reason < RT_DROP__COUNT ? drop_names[reason] : "?";
}

const char *rt_drop_desc(unsigned int reason)
{
	return reason < RT_DROP__COUNT ? drop_descs[reason] : "?";
}

int rt_drop_lookup(const char *name)
{
	for (unsigned int i = 0; i < RT_DROP__COUNT; i++)
		if (!strcmp(drop_names[i], name))
			return (int)i;
	return -1;
}
