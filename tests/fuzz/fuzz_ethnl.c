/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the ethtool tunnel-info reply parser (cmd/offload/ethnl.c). */
#include <stddef.h>
#include <stdint.h>
#include "../../cmd/offload/ethnl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ethnl_tunnels t;
	const char *why;

	if (ethnl_tunnels_parse(data, size, &t, &why) == 0) {
		for (size_t i = 0; i < t.table_len; i++)
			for (size_t k = 0; k < t.table[i].entry_len; k++)
				(void)ethnl_tunnel_type_name(t.table[i].entry[k].type);
	} else if (!why) {
		__builtin_trap();	/* an error always says why */
	}
	return 0;
}
