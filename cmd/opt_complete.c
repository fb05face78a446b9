/* SPDX-License-Identifier: MIT */
/*
 * `genv __complete WORD...`: the completion engine.  The shells' scripts in
 * completions/ and the REPL hand it the words after "genv" (the last one is
 * being completed) and get candidates back, one per line.  Everything comes
 * from the command table and the typed option tables, so a new command or
 * option completes without touching any script.
 *
 * The walk mirrors opt_parse() and main(): global options may come before
 * the command, options anywhere after it until "--", an option that takes a
 * value consumes the next word unless written --name=value or -xVALUE.
 */
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "complete.h"

struct comp {
	const char *cur;	/* the word being completed */
	size_t curlen;
	complete_fn emit;
	void *arg;
	int n;
};

/* Offer pfx+word (described by desc, or NULL) when it extends the word being completed. */
static void offer(struct comp *c, const char *pfx, const char *word, const char *desc)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "%s%s", pfx, word);

	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	if (strncmp(buf, c->cur, c->curlen))
		return;
	c->emit(c->arg, buf, desc);
	c->n++;
}

static const struct cmd *find_cmd(const char *name)
{
	for (const struct cmd *k = genv_commands; k->name; k++)
		if (!strcmp(k->name, name))
			return k->hidden ? NULL : k;
	return NULL;
}

static const struct opt *find_long(const struct cmd *k, const char *name, size_t n)
{
	const struct opt *tables[2] = { k ? k->opts : NULL, genv_global_opts };

	for (int t = 0; t < 2; t++)
		for (const struct opt *o = tables[t]; o && o->id; o++)
			if (strlen(o->lname) == n && !strncmp(o->lname, name, n))
				return o;
	return NULL;
}

static const struct opt *find_short(const struct cmd *k, char ch)
{
	const struct opt *tables[2] = { k ? k->opts : NULL, genv_global_opts };

	for (int t = 0; t < 2; t++)
		for (const struct opt *o = tables[t]; o && o->id; o++)
			if (o->sname && o->sname == ch)
				return o;
	return NULL;
}

/* The option whose value is the next word, or NULL (flag, inline value, unknown). */
static const struct opt *wants_value(const struct cmd *k, const char *w)
{
	if (w[1] == '-') {
		const struct opt *o;

		if (strchr(w, '='))
			return NULL;
		o = find_long(k, w + 2, strlen(w + 2));
		return o && o->type != OPT_FLAG ? o : NULL;
	}
	for (const char *p = w + 1; *p; p++) {
		const struct opt *o = find_short(k, *p);

		if (!o)
			return NULL;
		if (o->type != OPT_FLAG)
			return p[1] ? NULL : o;	/* -rFILE carries its value */
	}
	return NULL;
}

static void offer_ifaces(struct comp *c, const char *pfx)
{
	struct if_nameindex *ifs = if_nameindex();

	if (!ifs)
		return;
	for (struct if_nameindex *i = ifs; i->if_index; i++)
		offer(c, pfx, i->if_name, NULL);
	if_freenameindex(ifs);
}

static void offer_value(struct comp *c, const struct opt *o, const char *pfx)
{
	switch (o->type) {
	case OPT_ENUM:
		for (const char *const *ch = o->choices; ch && *ch; ch++)
			offer(c, pfx, *ch, NULL);
		break;
	case OPT_FILE:
		c->emit(c->arg, COMPLETE_FILE_MARK, NULL);
		c->n++;
		break;
	case OPT_IFACE:
		offer_ifaces(c, pfx);
		break;
	default:
		break;	/* free text and numbers: nothing to offer */
	}
}

static void offer_opts(struct comp *c, const struct opt *t)
{
	for (const struct opt *o = t; o && o->id; o++) {
		char s[3] = { '-', o->sname, 0 };

		offer(c, "--", o->lname, o->help);
		if (o->sname)
			offer(c, "", s, o->help);
	}
}

static void offer_commands(struct comp *c)
{
	for (const struct cmd *k = genv_commands; k->name; k++)
		if (!k->hidden)
			offer(c, "", k->name, k->summary);
}

/* The word being completed starts with '-': an option, or --name=VALUE. */
static void complete_dash(struct comp *c, const struct cmd *k)
{
	const char *eq = strchr(c->cur, '=');

	if (c->cur[1] == '-' && eq) {
		const struct opt *o = find_long(k, c->cur + 2, (size_t)(eq - c->cur - 2));
		char pfx[128];

		if (o && o->type != OPT_FLAG &&
		    (size_t)snprintf(pfx, sizeof(pfx), "--%s=", o->lname) < sizeof(pfx))
			offer_value(c, o, pfx);
		return;
	}
	if (k)
		offer_opts(c, k->opts);
	offer_opts(c, genv_global_opts);
	if (!k)
		offer(c, "--", "version", "print the version and exit");
}

int complete_words_desc(int nwords, char **words, complete_fn emit, void *arg)
{
	struct comp c = { .emit = emit, .arg = arg };
	const struct cmd *k = NULL;
	const struct opt *pending = NULL;
	bool dashdash = false;
	int npos = 0;

	c.cur = nwords > 0 ? words[nwords - 1] : "";
	c.curlen = strlen(c.cur);
	for (int i = 0; i < nwords - 1; i++) {
		const char *w = words[i];

		if (pending) {
			pending = NULL;
			continue;
		}
		if (!dashdash && w[0] == '-' && w[1]) {
			if (!strcmp(w, "--"))
				dashdash = true;
			else
				pending = wants_value(k, w);
			continue;
		}
		if (!k) {
			k = find_cmd(w);
			if (!k)
				return 0;	/* unknown command: nothing sensible */
			continue;
		}
		npos++;
	}

	if (pending)
		offer_value(&c, pending, "");
	else if (!dashdash && c.cur[0] == '-')
		complete_dash(&c, k);
	else if (!k || (!strcmp(k->name, "help") && npos == 0))
		offer_commands(&c);
	else if (k->subcmds && npos == 0)
		for (const char *const *s = k->subcmds; *s; s++)
			offer(&c, "", *s, NULL);
	return c.n;
}

struct plain {
	void (*emit)(void *arg, const char *cand);
	void *arg;
};

static void emit_plain(void *arg, const char *cand, const char *desc)
{
	struct plain *p = arg;

	(void)desc;
	p->emit(p->arg, cand);
}

int complete_words(int nwords, char **words,
		   void (*emit)(void *arg, const char *cand), void *arg)
{
	struct plain p = { emit, arg };

	return complete_words_desc(nwords, words, emit_plain, &p);
}

static void emit_line(void *arg, const char *cand, const char *desc)
{
	fprintf(arg, "%s\n", cand);
	(void)desc;
}

/* "cand<TAB>description", the form fish reads (and zsh's script converts) */
static void emit_line_desc(void *arg, const char *cand, const char *desc)
{
	if (desc && *desc)
		fprintf(arg, "%s\t%s\n", cand, desc);
	else
		fprintf(arg, "%s\n", cand);
}

int cmd_complete(struct genv_ctx *g, int argc, char **argv)
{
	const char *d = getenv("GENV_COMPLETE_DESC");

	complete_words_desc(argc - 1, argv + 1,
			    d && !strcmp(d, "1") ? emit_line_desc : emit_line, g->out);
	return EXIT_OK;
}
