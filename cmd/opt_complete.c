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
 * Layer: cmd; calls commands, complete, ctl_client, libcore/sbuf,
 * router/config, router/ctl and libc.
 */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "complete.h"
#include "common/ctl_client.h"
#include "optfile.h"
#include "../libcore/optfile.h"
#include "../libcore/optreg.h"
#include "../libcore/sbuf.h"
#include "../router/config.h"
#include "../router/ctl.h"
#include "../router/qos.h"
#include "../router/dpath.h"
#include "../router/lang.h"
#include "../router/port.h"

#define MAX_POS 16	/* positional words remembered for the router's grammar */

struct comp {
	const char *cur;	/* the word being completed */
	size_t curlen;
	complete_fn emit;
	void *arg;
	int n;
	const char *socket;	/* -S on the line, else the session's, else NULL */
	const char *pfx;	/* "--vpc=" while offering live values */
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

/* Option layout names, pfx before each ("opt=" in craft's packet words):
 * the built-ins, then those of the options file decode and craft would
 * read (--options on the line, $GENV_OPTIONS, ~/.config/genv/options.conf),
 * quietly skipped when it cannot be read. */
static void offer_opt_names(struct comp *c, const char *pfx, const char *file)
{
	struct gnv_optreg *reg = NULL;

	for (const char *const *n = gnv_opt_names; *n; n++) {
		const struct layout *l = gnv_layout_builtin_named(*n, strlen(*n));

		offer(c, pfx, *n, l ? l->desc : NULL);
	}
	if (genv_options_load(NULL, file, &reg) || !reg)
		return;
	for (unsigned int i = 0; i < reg->n; i++)
		offer(c, pfx, reg->l[i].name, reg->l[i].desc);
	gnv_optreg_free(reg);
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
		return o && o->type != OPT_FLAG && o->type != OPT_OPTARG ? o : NULL;
	}
	for (const char *p = w + 1; *p; p++) {
		const struct opt *o = find_short(k, *p);

		if (!o)
			return NULL;
		if (o->type != OPT_FLAG && o->type != OPT_OPTARG)
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

/* ---- live objects from the running router ---- */

/* One request, bounded by COMPLETE_LIVE_MS; 0 with the reply in out, or -errno. */
static int live_call(const char *socket, const char *line, int flags, struct sbuf *out)
{
	struct ctl_client c;
	int status = 0, ret;

	ctl_client_init(&c, socket, COMPLETE_LIVE_MS);
	ret = ctl_client_call(&c, line, flags, &status, out);
	ctl_client_close(&c);
	if (!ret && status)
		ret = -status;
	return ret ? ret : out->oom ? -ENOMEM : 0;
}

/* A word that can go into a request as one word (a VNI the user typed). */
static bool plain_word(const char *w)
{
	return *w && strlen(w) < 64 && !strpbrk(w, " \t\r\n");
}

/*
 * Ask `show TOPIC [VNI]` and offer word KEY (0-based) of every reply line
 * that starts with "TOPIC " (the headers; detail lines are indented); the
 * rest of the header is the candidate's description.
 */
static void offer_live(struct comp *c, const char *topic, const char *vni, int key)
{
	struct sbuf line = SBUF_INIT, out = SBUF_INIT;
	size_t tlen = strlen(topic);

	sbuf_printf(&line, "show %s%s%s", topic, vni ? " " : "", vni ? vni : "");
	if (!line.oom && !live_call(c->socket, sbuf_str(&line), 0, &out)) {
		char *save = NULL;

		for (char *l = strtok_r(out.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char *w = l, *end;

			if (strncmp(l, topic, tlen) || l[tlen] != ' ')
				continue;
			for (int i = 0; i < key && w; i++) {
				w = strchr(w, ' ');
				w = w ? w + 1 : NULL;
			}
			if (!w || !*w)
				continue;
			end = w + strcspn(w, " ");
			if (*end) {
				*end++ = 0;
				end += strspn(end, " ");
			}
			offer(c, c->pfx ? c->pfx : "", w, *end ? end : NULL);
		}
	}
	sbuf_free(&line);
	sbuf_free(&out);
}

static void offer_vpcs(struct comp *c) { offer_live(c, "vpc", NULL, 1); }
static void offer_ports(struct comp *c) { offer_live(c, "port", NULL, 1); }

static void offer_eps(struct comp *c, const char *vni)
{
	if (!vni || plain_word(vni))
		offer_live(c, "ep", vni, 2);
}

static void offer_nets(struct comp *c, const char *vni)
{
	if (plain_word(vni))
		offer_live(c, "net", vni, 2);
}

int complete_router_name(const char *socket, char *buf, size_t size)
{
	struct sbuf out = SBUF_INIT;
	const char *path = rt_ctl_path(socket), *id, *base;
	struct json_t *doc;
	int ret = live_call(socket, "show host", RT_CTL_JSON, &out);

	if (ret) {
		sbuf_free(&out);
		return ret;
	}
	/* {"schema":1,"host":{"addr":"10.200.0.1","id":"h1",...},...}; id "" when none */
	doc = ctl_json_load(sbuf_str(&out), out.len);
	id = ctl_json_str(ctl_json_get(doc, "host"), "id");
	base = strrchr(path, '/');
	if (id && *id)
		snprintf(buf, size, "%s", id);
	else
		snprintf(buf, size, "%s", base ? base + 1 : path);
	ctl_json_free(doc);
	sbuf_free(&out);
	return 0;
}

/* add port xdp IFACE [KEYWORD VALUE ...]: interfaces, then keywords, values */
static void complete_xdp_port(struct comp *c, int np, const char *prev)
{
	static const char *const onoff[] = { "on", "off", NULL }, *const sizes[] = { "2048", "4096", NULL },
				 *const rings[] = { "512", "1024", "2048", "4096", "8192", "16384", NULL };
	const char *const *list = rt_xdp_port_kws;
	struct if_nameindex *ifs, *i;

	if (np == 3) {
		ifs = if_nameindex();
		for (i = ifs; i && i->if_name; i++)
			offer(c, "", i->if_name, NULL);
		if (ifs)
			if_freenameindex(ifs);
		return;
	}
	if (!strcmp(prev, "mode"))
		list = rt_xdp_mode_names;
	else if (!strcmp(prev, "busy-poll"))
		list = onoff;
	else if (!strcmp(prev, "frame-size"))
		list = sizes;
	else if (!strcmp(prev, "ring"))
		list = rings;
	else if (!strcmp(prev, "queues") || !strcmp(prev, "mtu"))
		return;
	for (; *list; list++)
		offer(c, "", *list, NULL);
}

/* add|set port NAME [mtu N] [netns NS]: the keywords, the names of /run/netns */
static void complete_tap_port(struct comp *c, const char *prev)
{
	DIR *d;
	struct dirent *e;

	if (!strcmp(prev, "mtu"))
		return;
	if (strcmp(prev, "netns")) {
		for (const char *const *k = rt_tap_port_kws; *k; k++)
			offer(c, "", *k, NULL);
		return;
	}
	d = opendir("/run/netns");
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			offer(c, "", e->d_name, NULL);
	if (d)
		closedir(d);
}

/*
 * The router's command language after `genv route` (genv.conf(5)):
 *   add|del|set vpc VNI | net VNI PREFIX | ep VNI ADDR ... port NAME | port NAME
 *   show TOPIC [VNI]
 * pos[0..np-1] are the positional words before the one being completed.
 */
static void complete_route(struct comp *c, char **pos, int np, const char *prev)
{
	const char *sub = pos[0], *obj = np > 1 ? pos[1] : "";
	bool add = !strcmp(sub, "add");

	if (!strcmp(sub, "show")) {
		if (np == 1)
			for (const char *const *t = rt_show_topics; *t; t++)
				offer(c, "", *t, NULL);
		if (np == 1)
			offer(c, "", "store", NULL);	/* loop.c answers it (router/store.h) */
		else if (np == 2 && strcmp(obj, "port") && strcmp(obj, "host") && strcmp(obj, "config"))
			offer_vpcs(c);
		return;
	}
	if (strcmp(sub, "del") && strcmp(sub, "set") && !add)
		return;
	if (np == 1) {
		for (const char *const *t = rt_cmd_objects; *t; t++)
			if ((strcmp(*t, "host") && strcmp(*t, "qos")) || !strcmp(sub, "set"))
				offer(c, "", *t, NULL);
		return;
	}
	if (!strcmp(obj, "vpc") && np == 2 && !add)
		offer_vpcs(c);
	else if ((!strcmp(obj, "net") || !strcmp(obj, "ep") || !strcmp(obj, "ns") ||
		  !strcmp(obj, "policy")) && np == 2)
		offer_vpcs(c);
	else if (!strcmp(obj, "net") && np == 3 && !add)
		offer_nets(c, pos[2]);
	else if (!strcmp(obj, "ep") && np == 3 && !add)
		offer_eps(c, pos[2]);
	else if (!strcmp(obj, "ep") && np > 3 && !strcmp(prev, "port"))
		offer_ports(c);
	else if (!strcmp(obj, "ep") && np > 3 && !strcmp(prev, "proxy"))
		offer_eps(c, pos[2]);	/* a proxied endpoint's proxy: an endpoint of the VPC */
	else if ((!strcmp(obj, "qos") && np == 2) || (!strcmp(obj, "ep") && np > 3 && !strcmp(prev, "qos")))
		for (const char *const *q = rt_qos_class_names; *q; q++)
			offer(c, "", *q, NULL);
	else if (!strcmp(obj, "ep") && np > 3 && !strcmp(prev, "health")) {
		offer(c, "", "on", NULL);	/* backend health checks (router/health.h) */
		offer(c, "", "off", NULL);
	} else if (!strcmp(obj, "ep") && np > 3 && !strcmp(prev, "type"))
		for (const char *const *t = rt_lang_ep_types; *t; t++)
			offer(c, "", *t, NULL);
	else if (!strcmp(obj, "port") && np == 2 && !add)
		offer_ports(c);
	else if (!strcmp(obj, "vpc") && !strcmp(prev, "direct"))
		for (const char *const *m = rt_dp_modes; *m; m++)
			offer(c, "", *m, NULL);
	else if (!strcmp(obj, "port") && np == 2)
		offer(c, "", "xdp", NULL);
	else if (!strcmp(obj, "port") && add && !strcmp(pos[2], "xdp"))
		complete_xdp_port(c, np, prev);
	else if (!strcmp(obj, "port") && np >= 3 && strcmp(sub, "del"))
		complete_tap_port(c, prev);
	else if (!strcmp(obj, "host") && (!strcmp(prev, "offload") || !strcmp(prev, "rts"))) {
		offer(c, "", "on", NULL);
		offer(c, "", "off", NULL);
	} else if (!strcmp(obj, "host") && np % 2 == 0)
		for (const char *const *k = rt_host_kws; *k; k++)
			offer(c, "", *k, NULL);
}

/* Options whose values are the router's objects. */
static bool offer_live_value(struct comp *c, const struct cmd *k, const struct opt *o, const char *pfx)
{
	const char *n = o->lname;

	if (!k)
		return false;
	c->pfx = pfx;
	if ((!strcmp(k->name, "trace") && !strcmp(n, "vpc")) ||
	    (!strcmp(k->name, "route") && !strcmp(n, "vpc")) ||	/* route apply --vpc */
	    (!strcmp(k->name, "top") && !strcmp(n, "vni"))) {
		offer_vpcs(c);
		return true;
	}
	if (!strcmp(k->name, "trace") && !strcmp(n, "in")) {
		offer(c, pfx, "underlay", NULL);
		offer_ports(c);
		return true;
	}
	if (!strcmp(k->name, "trace") &&
	    (!strcmp(n, "src") || !strcmp(n, "dst") || !strcmp(n, "endpoint"))) {
		offer_eps(c, NULL);
		return true;
	}
	return false;
}

static void offer_value(struct comp *c, const struct cmd *k, const struct opt *o, const char *pfx)
{
	if (offer_live_value(c, k, o, pfx))
		return;
	switch (o->type) {
	case OPT_ENUM:
	case OPT_OPTARG:
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
			offer_value(c, k, o, pfx);
		c->pfx = NULL;	/* offer_live_value kept pfx, which dies here */
		return;
	}
	if (k)
		offer_opts(c, k->opts);
	offer_opts(c, genv_global_opts);
	if (!k)
		offer(c, "--", "version", "print the version and exit");
}

/* -S PATH, --socket PATH, --socket=PATH, -SPATH: the control socket named on the line */
static const char *socket_value(const struct cmd *k, const char *w)
{
	const struct opt *o;

	if (w[1] == '-') {
		const char *eq = strchr(w, '=');

		o = eq ? find_long(k, w + 2, (size_t)(eq - w - 2)) : NULL;
		return o && !strcmp(o->lname, "socket") ? eq + 1 : NULL;
	}
	for (const char *p = w + 1; *p; p++) {
		o = find_short(k, *p);
		if (!o || o->type != OPT_FLAG)
			return o && !strcmp(o->lname, "socket") && p[1] ? p + 1 : NULL;
	}
	return NULL;
}

int complete_words_sock(int nwords, char **words, const char *socket,
			complete_fn emit, void *arg)
{
	struct comp c = { .emit = emit, .arg = arg, .socket = socket };
	const struct cmd *k = NULL;
	const struct opt *pending = NULL;
	const char *options = NULL;	/* --options FILE on the line */
	bool dashdash = false;
	char *pos[MAX_POS];
	int npos = 0;

	c.cur = nwords > 0 ? words[nwords - 1] : "";
	c.curlen = strlen(c.cur);
	for (int i = 0; i < nwords - 1; i++) {
		char *w = words[i];

		if (pending) {
			if (!strcmp(pending->lname, "socket"))
				c.socket = w;
			if (!strcmp(pending->lname, "options"))
				options = w;
			pending = NULL;
			continue;
		}
		if (!dashdash && w[0] == '-' && w[1]) {
			if (!strcmp(w, "--")) {
				dashdash = true;
			} else {
				const char *sv = socket_value(k, w);

				if (sv)
					c.socket = sv;
				if (!strncmp(w, "--options=", 10))
					options = w + 10;
				pending = wants_value(k, w);
			}
			continue;
		}
		if (!k) {
			k = find_cmd(w);
			if (!k)
				return 0;	/* unknown command: nothing sensible */
			continue;
		}
		if (npos < MAX_POS)
			pos[npos] = w;
		npos++;
	}

	if (pending)
		offer_value(&c, k, pending, "");
	else if (!dashdash && c.cur[0] == '-')
		complete_dash(&c, k);
	else if (!k || (!strcmp(k->name, "help") && npos == 0))
		offer_commands(&c);
	else if (k->subcmds && npos == 0)
		for (const char *const *s = k->subcmds; *s; s++)
			offer(&c, "", *s, NULL);
	else if (!strcmp(k->name, "route") && npos < MAX_POS)
		complete_route(&c, pos, npos, nwords > 1 ? words[nwords - 2] : "");
	else if ((!strcmp(k->name, "decode") || !strcmp(k->name, "trace")) && npos > 0 &&
		 !strcmp(words[nwords - 2], "opt"))
		offer_opt_names(&c, "", options);	/* the filter 'opt NAME' */
	else if ((!strcmp(k->name, "craft") || !strcmp(k->name, "trace")) && !strncmp(c.cur, "opt=", 4))
		offer_opt_names(&c, "opt=", options);	/* the packet language */
	return c.n;
}

int complete_words_desc(int nwords, char **words, complete_fn emit, void *arg)
{
	return complete_words_sock(nwords, words, NULL, emit, arg);
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
