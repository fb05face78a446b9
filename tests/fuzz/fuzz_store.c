/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for what an etcd member sends the router
 * (router/store_kv.c): one gateway reply (range, txn or watch message)
 * parsed, then each key placed and each value checked as the router does
 * before applying it (genv-store(5)), status values (liveness) and the
 * identity allocator's keys and values included, and the identity of
 * each endpoint value (what `route gc --store` reads).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "../../router/store_kv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_store_resp r;
	char err[256], obj[RT_STORE_OBJ_MAX];

	if (rt_store_parse_resp((const char *)data, size, &r, err, sizeof(err)))
		return 0;
	for (size_t i = 0; i < r.n; i++) {
		int kind = rt_store_key_parse("/genv/", r.kv[i].key, "h1", obj, sizeof(obj));

		if ((kind == RT_SK_GLOBAL || kind == RT_SK_OWN) && r.kv[i].value) {
			uint32_t id;

			rt_store_value_check(obj, r.kv[i].value, r.kv[i].vsize, err, sizeof(err));
			rt_store_ep_identity(r.kv[i].value, &id);
		}
		if (kind == RT_SK_IDENT && r.kv[i].value) {
			struct rt_store_ident d;

			rt_store_ident_parse(obj, r.kv[i].value, r.kv[i].vsize, &d, err, sizeof(err));
		}
		if (kind == RT_SK_STATUS && r.kv[i].value) {
			uint8_t fam, addr[16];

			rt_store_status_parse(r.kv[i].value, r.kv[i].vsize, &fam, addr, err, sizeof(err));
		}
	}
	rt_store_resp_free(&r);
	return 0;
}
