/* SPDX-License-Identifier: MIT */
/* Shared helpers of the router unit suites (rt_fixture.h). */
#include <check.h>
#include "../../libcore/build.h"
#include "../../libcore/lang.h"
#include "../../libcore/opt_genv.h"
#include "../../router/config.h"
#include "rt_fixture.h"

int rtfix_run(struct rt_tables *t, const char *line, struct sbuf *o)
{
	sbuf_reset(o);
	return rt_cmd_exec(t, NULL, line, false, o);
}

void rtfix_cmd(struct rt_tables *t, const char *line)
{
	struct sbuf o = SBUF_INIT;

	ck_assert_msg(rtfix_run(t, line, &o) == 0, "'%s': %s", line, sbuf_str(&o));
	sbuf_free(&o);
}

void rtfix_craft(const char *text, uint8_t *frame, size_t cap, size_t *size)
{
	struct gnv_spec spec;
	char err[256];

	gnv_spec_init(&spec, GENV_CLASS_DEFAULT);
	ck_assert_msg(gnv_lang_parse(text, &spec, err, sizeof(err)) == 0, "%s: %s", text, err);
	ck_assert_msg(gnv_build_ex(&spec, frame, cap, size, NULL, err, sizeof(err)) == 0, "%s: %s", text, err);
}

struct rt_tables *rtfix_tables(const char *const *topo, uint32_t ct_entries)
{
	struct rt_limits l;
	struct rt_tables *t;

	rt_limits_default(&l);
	l.max_eps = 64;
	l.max_hosts = 32;
	l.ct_entries = ct_entries;
	t = rt_tables_new(&l);
	ck_assert_ptr_nonnull(t);
	for (int i = 0; topo && topo[i]; i++)
		rtfix_cmd(t, topo[i]);
	rt_tables_set_now(t, 1000000000000ull);
	return t;
}
