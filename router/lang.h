/* SPDX-License-Identifier: MIT */
/*
 * The words of the router's command language (config.h): one command line
 * split into words, the parsers for the values those words hold, and the
 * error messages that name a word by its position.  Private to router/:
 * verbs.c, show.c, drops_cmd.c and exec.c build on it.
 * Layer: router; calls tables (lookups by name), libcore (num.h, parse_ip,
 * parse_mac) and libc.  Knows nothing of verbs, show or exec.
 *
 * The value parsers take word i of the command: 0 with the value, or
 * -EINVAL with the message in c->err ("missing VNI after word 3" when i
 * is past the last word, else "word 4 'x': ...").
 */
#ifndef GENV_RT_LANG_H
#define GENV_RT_LANG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../libcore/pkt.h"
#include "config.h"
#include "tables.h"

#define RT_LINE_MAX	8192
#define RT_WORDS_MAX	256
#define RT_CMD_ERR_MAX	256

/* One command line being run. */
struct rt_cmd {
	struct rt_tables *t;
	const struct rt_runtime_ops *ops;
	int n;
	char *w[RT_WORDS_MAX];
	int pos[RT_WORDS_MAX];		/* word number in the line, 1-based */
	char name[32];			/* "add ep": prefix of messages */
	char err[2 * RT_CMD_ERR_MAX];	/* the message returned */
	char msg[RT_CMD_ERR_MAX];	/* from the tables and the runtime */
	char buf[RT_LINE_MAX];
};

/* Endpoint types by enum genv_eptype: "simple" ... "gateway", NULL. */
extern const char *const rt_lang_ep_types[];

/* Split line into c->w (blanks separate words, '#' starts a comment);
 * rejects over-long lines, too many words and control bytes. */
int rt_lang_split(struct rt_cmd *c, const char *line);

/* The error message, prefixed with c->name; -EINVAL. */
int rt_lang_err(struct rt_cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An error about word i; -EINVAL. */
int rt_lang_word_err(struct rt_cmd *c, int i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A message from the tables or the runtime, which already says what is
 * wrong: prefixed with c->name; returns r. */
int rt_lang_err_from(struct rt_cmd *c, int r, const char *msg);

bool rt_lang_is_word(const char *w, const char *const *list);
/* list as "a, b, c" into buf. */
void rt_lang_list_words(char *buf, size_t n, const char *const *list);
/* "word i 'x': unknown keyword (expected a, b)"; -EINVAL. */
int rt_lang_unknown_kw(struct rt_cmd *c, int i, const char *const *kws);

int rt_lang_u32(struct rt_cmd *c, int i, uint32_t min, uint32_t max, const char *what,
		uint32_t *v);
int rt_lang_ip(struct rt_cmd *c, int i, const char *what, int *family, uint8_t a[16]);
int rt_lang_addr(struct rt_cmd *c, int i, const char *what, struct gnv_addr *a);
int rt_lang_prefix(struct rt_cmd *c, int i, struct rt_prefix *p);
int rt_lang_mac(struct rt_cmd *c, int i, uint8_t mac[6]);
/* A VPC by VNI or name; must_exist: a VNI must name a VPC. */
int rt_lang_vpc(struct rt_cmd *c, int i, bool must_exist, uint32_t *vni);
/* A port by name: its index. */
int rt_lang_port(struct rt_cmd *c, int i, int *port);

/* Index after the values of a list keyword at i: the words up to the next
 * keyword of kws.  At least one value, else a negative error. */
int rt_lang_list_end(struct rt_cmd *c, int i, const char *const *kws, const char *what);
/* Is the list from i to end the single value 'none'? */
bool rt_lang_is_none(struct rt_cmd *c, int i, int end);
/*
 * The host addresses after list keyword i ('divider', 'bouncer', 'host'),
 * up to the next keyword: the first time the keyword appears in a command
 * they replace the list (*seen tells); 'none' empties it where allowed.
 * Returns the index after the list, or a negative error.
 */
int rt_lang_host_list(struct rt_cmd *c, int i, const char *const *kws, const char *what,
		      bool *seen, bool none_ok, struct gnv_addr *addrs, uint8_t *n,
		      unsigned int max);

#endif
