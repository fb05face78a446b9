/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the router's command language, as the control socket
 * and -f/--state files feed it (router/exec.c, lang.c, verbs.c, show.c).
 * The input is lines; each line with a control byte (tab aside) is skipped
 * as the socket and the file loader refuse it, the others run through
 * rt_cmd_exec() on small tables.  Checks the promises that do not depend
 * on the input:
 *   - a rejected command changes nothing (dump before == dump after);
 *   - the dump re-creates the tables exactly (dump -> load -> dump);
 *   - JSON mode answers every command (not blanks and comments) in JSON.
 * A reload (router/reload.c) of that dump onto the tables of the input's
 * first half either arrives at the dump's objects (its lines, in any
 * order: ports, namespaces and policies dump in slot order) or, refused,
 * changes nothing.
 * The same bytes are then loaded as a --state file (router/state.c: the
 * frame, the control-byte check, then the commands) from a memfd: a file
 * refused for its frame or a control byte runs no command at all.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "../../libcore/sbuf.h"
#include "../../router/config.h"
#include "../../router/lang.h"
#include "../../router/reload.h"
#include "../../router/state.h"
#include "../../router/tables.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rt_tables *fresh(void)
{
	struct rt_limits l;
	struct rt_tables *t;

	rt_limits_default(&l);
	l.max_vpcs = 8;
	l.max_nets = 8;
	l.max_eps = 32;
	l.max_hosts = 16;
	l.max_ports = 4;
	l.flows_per_vpc = 16;
	/* small policy tables too: the defaults (16,384 policies, 262,144
	 * tracked connections) cost more per input than the input itself */
	l.max_ns = 16;
	l.max_idents = 32;
	l.max_policies = 16;
	l.ct_entries = 64;
	/* and the direct-path cache: its 4,096 default entries, cleared one
	 * by one, were half of the time of an input (about 80 exec/s) */
	l.dp_size = 16;
	t = rt_tables_new(&l);
	if (!t)
		abort();
	return t;
}

static void dump(const struct rt_tables *t, struct sbuf *o)
{
	sbuf_reset(o);
	if (rt_config_dump(t, o) || o->oom)
		abort();
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether dumps a and b hold the same lines in any order: a reload
 * promises the file's objects, and ports, namespaces and policies dump
 * in table slot order, which a delete and an add reuse (router/reload.c,
 * same_objects()).  The other invariants compare dumps exactly. */
static bool same_lines(const char *a, const char *b)
{
	char *ca = strdup(a), *cb = strdup(b), **la = NULL, **lb = NULL;
	size_t na = 0, nb = 0;
	bool same = false;

	if (!ca || !cb)
		abort();
	for (char *p = ca; *p; p++)
		na += *p == '\n';
	for (char *p = cb; *p; p++)
		nb += *p == '\n';
	if (na != nb)
		goto out;
	la = calloc(na + 1, sizeof(*la));
	lb = calloc(nb + 1, sizeof(*lb));
	if (!la || !lb)
		abort();
	na = nb = 0;
	for (char *p = strtok(ca, "\n"); p; p = strtok(NULL, "\n"))
		la[na++] = p;
	for (char *p = strtok(cb, "\n"); p; p = strtok(NULL, "\n"))
		lb[nb++] = p;
	qsort(la, na, sizeof(*la), cmp_line);
	qsort(lb, nb, sizeof(*lb), cmp_line);
	same = na == nb;
	for (size_t i = 0; same && i < na; i++)
		same = !strcmp(la[i], lb[i]);
out:
	free(la);
	free(lb);
	free(ca);
	free(cb);
	return same;
}

/* Run the lines of data without a control byte; refusals are fine. */
static void run_lines(struct rt_tables *t, const uint8_t *data, size_t size)
{
	struct sbuf o = SBUF_INIT;
	char line[RT_LINE_MAX];

	for (size_t i = 0; i < size; i++) {
		size_t n = 0;
		bool bad = false;

		for (; i < size && data[i] != '\n'; i++) {
			bad |= (data[i] < 0x20 && data[i] != '\t') || data[i] == 0x7f;
			if (n + 1 < sizeof(line))
				line[n++] = (char)data[i];
		}
		line[n] = 0;
		sbuf_reset(&o);
		if (!bad)
			rt_cmd_exec(t, NULL, line, false, &o);
	}
	sbuf_free(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sbuf before, after, out;
	struct rt_tables *t = fresh(), *t2;
	char line[RT_LINE_MAX];
	size_t i = 0;

	while (i < size) {
		size_t n = 0;
		bool bad = false;
		const char *p;
		int r;

		while (i < size && data[i] != '\n') {
			if ((data[i] < 0x20 && data[i] != '\t') || data[i] == 0x7f)
				bad = true;
			if (n + 1 < sizeof(line))
				line[n++] = (char)data[i];
			i++;
		}
		i++;
		line[n] = 0;
		if (bad)
			continue;
		dump(t, &before);
		sbuf_reset(&out);
		r = rt_cmd_exec(t, NULL, line, (n & 1) != 0, &out);
		if (r) {
			dump(t, &after);
			if (strcmp(sbuf_str(&before), sbuf_str(&after)))
				abort();	/* a rejected command changed the tables */
		}
		p = line + strspn(line, " \t\r");
		if ((n & 1) && *p && *p != '#' && (!out.len || out.buf[0] != '{'))
			abort();	/* JSON mode answers every command in JSON */
	}
	/* dump -> load -> dump */
	dump(t, &before);
	t2 = fresh();
	for (char *p = before.buf, *nl; p && (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = 0;
		sbuf_reset(&out);
		if (rt_cmd_exec(t2, NULL, p, false, &out))
			abort();	/* the dump does not load */
		*nl = '\n';
	}
	dump(t2, &after);
	if (strcmp(sbuf_str(&before), sbuf_str(&after)))
		abort();	/* the dump does not re-create the tables */
	/* reload: the whole input's dump onto the first half's tables */
	{
		struct rt_tables *t4 = fresh();
		static struct sbuf half;

		run_lines(t4, data, size / 2);
		dump(t4, &half);
		sbuf_reset(&out);
		if (!rt_cmd_reload(t4, NULL, sbuf_str(&before), (size & 1) != 0, &out)) {
			dump(t4, &after);
			if (!same_lines(sbuf_str(&before), sbuf_str(&after)))
				abort();	/* a reload that did not arrive at the file */
		} else {
			dump(t4, &after);
			if (strcmp(sbuf_str(&half), sbuf_str(&after)))
				abort();	/* a refused reload changed the tables */
		}
		rt_tables_free(t4);
	}
	rt_tables_free(t);
	rt_tables_free(t2);

	/* the bytes as a state file */
	{
		int fd = memfd_create("state", 0);
		char path[64], err[512];
		unsigned long lines = 9;
		struct rt_tables *t3;
		int r;

		if (fd < 0)
			return 0;
		if (size && write(fd, data, size) != (ssize_t)size)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		t3 = fresh();
		dump(t3, &before);
		r = rt_state_load(t3, NULL, path, true, &lines, err, sizeof(err));
		dump(t3, &after);
		if (r && (strstr(err, "control byte") || strstr(err, "state file") ||
			  strstr(err, "end line")) && (lines || strcmp(sbuf_str(&before), sbuf_str(&after))))
			abort();	/* refused, yet commands ran */
		rt_tables_free(t3);
		close(fd);
	}
	return 0;
}
