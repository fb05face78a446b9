/* SPDX-License-Identifier: MIT */
/*
 * cmd/common/ctl_client.c: the control-socket client of the CLI.  Its readers
 * against canned and real router replies (text and JSON give the same
 * error message; `show top` read as text, as top reads it, holds what its
 * JSON holds), its error texts, and a lost connection dialled again.
 * The client is compiled into this file (the unit runner does not link
 * cmd/); so is a gerr() that keeps the last message.  test_top.c's copy
 * of cmd/top/router.c uses the client from here.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "../../cmd/common/ctl_client.c"
#include "../../libcore/num.h"
#include "../../router/config.h"
#include "../../router/pipeline.h"

Suite *ctl_client_suite(void);

static char last_err[512];

void gerr(struct genv_ctx *g, const char *fmt, ...)
{
	va_list ap;

	(void)g;
	va_start(ap, fmt);
	vsnprintf(last_err, sizeof(last_err), fmt, ap);
	va_end(ap);
}

static void msg_of(int status, const char *body, bool json, char *buf, size_t size)
{
	struct sbuf b = SBUF_INIT, m = SBUF_INIT;

	sbuf_puts(&b, body);
	ctl_error_msg(status, &b, json, &m);
	snprintf(buf, size, "%s", sbuf_str(&m));
	sbuf_free(&b);
	sbuf_free(&m);
}

START_TEST(error_msg_forms)
{
	char m[256];

	msg_of(EINVAL, "{\"schema\":1,\"error\":\"'x': not a \\\"VNI\\\"\\n\"}", true, m, sizeof(m));
	ck_assert_str_eq(m, "'x': not a \"VNI\"\n");
	/* libcore writes bytes outside ASCII as \u00XX: they come back as bytes */
	msg_of(EINVAL, "{\"schema\":1,\"error\":\"caf\\u00e9 \\u0001\"}", true, m, sizeof(m));
	ck_assert_str_eq(m, "caf\xe9 \x01");
	msg_of(ENOENT, "{\"schema\":1,\"error\":\"\"}", true, m, sizeof(m));
	ck_assert_str_eq(m, strerror(ENOENT));
	/* not JSON, or no "error": the text without its trailing newlines */
	msg_of(EINVAL, "no such vpc\n\n", true, m, sizeof(m));
	ck_assert_str_eq(m, "no such vpc");
	msg_of(EINVAL, "line 1\nline 2\n", false, m, sizeof(m));
	ck_assert_str_eq(m, "line 1\nline 2");
	msg_of(EIO, "", false, m, sizeof(m));
	ck_assert_str_eq(m, strerror(EIO));
	ck_assert_int_eq(ctl_status_exit(0), EXIT_OK);
	ck_assert_int_eq(ctl_status_exit(EINVAL), EXIT_USAGE);
	ck_assert_int_eq(ctl_status_exit(ERANGE), EXIT_USAGE);
	ck_assert_int_eq(ctl_status_exit(ENOENT), EXIT_FAIL);
}
END_TEST

/* A rejected command: the JSON reply's message is the text reply's. */
START_TEST(error_msg_router_json_is_text)
{
	static const char *const bad[] = {
		"add vpc 99999999", "add net 7 10.0.0.0/8", "frobnicate", "set host mtu 70000",
		"show vpc x", "add vpc 5 name \"quoted\"",
	};
	struct rt_tables *t = rt_tables_new(NULL);

	ck_assert_ptr_nonnull(t);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sbuf text = SBUF_INIT, json = SBUF_INIT, mt = SBUF_INIT, mj = SBUF_INIT;
		int rt = rt_cmd_exec(t, NULL, bad[i], false, &text);
		int rj = rt_cmd_exec(t, NULL, bad[i], true, &json);

		ck_assert_msg(rt < 0 && rt == rj, "%s: %d %d", bad[i], rt, rj);
		ctl_error_msg(-rt, &text, false, &mt);
		ctl_error_msg(-rj, &json, true, &mj);
		ck_assert_str_eq(sbuf_str(&mj), sbuf_str(&mt));
		ck_assert_ptr_null(strstr(sbuf_str(&mj), "schema"));
		sbuf_free(&text);
		sbuf_free(&json);
		sbuf_free(&mt);
		sbuf_free(&mj);
	}
	rt_tables_free(t);
}
END_TEST

/* "line N: TEXT" from the router: N strict (no sign, no overflow, 1..max) */
START_TEST(error_line)
{
	unsigned long n = 99;

	ck_assert_uint_eq(ctl_error_line("line 3: add ep: bad", 10, &n), 8);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(ctl_error_line("line 10: x", 10, &n), 9);
	ck_assert_uint_eq(n, 10);
	n = 99;
	ck_assert_uint_eq(ctl_error_line("line 11: x", 10, &n), 0);
	ck_assert_uint_eq(ctl_error_line("line 0: x", 10, &n), 0);
	ck_assert_uint_eq(ctl_error_line("line 18446744073709551619: x", ULONG_MAX, &n), 0);
	ck_assert_uint_eq(ctl_error_line("line -1: x", ULONG_MAX, &n), 0);
	ck_assert_uint_eq(ctl_error_line("line  3: x", 10, &n), 0);
	ck_assert_uint_eq(ctl_error_line("line 3 x", 10, &n), 0);
	ck_assert_uint_eq(ctl_error_line("line 3", 10, &n), 0);
	ck_assert_uint_eq(ctl_error_line("add ep: bad", 10, &n), 0);
	ck_assert_uint_eq(ctl_error_line("", 10, &n), 0);
	ck_assert_uint_eq(n, 99);
}
END_TEST

START_TEST(json_reader)
{
	const char *s = "{\"schema\":1,\"host\":{\"addr\":\"10.200.0.1\",\"id\":\"h1\",\"rts\":true,"
			"\"mtu\":1500},\"peers\":[{\"addr\":\"10.200.0.2\",\"refs\":3}],\"x\":null,\"neg\":-4}";
	struct json_t *doc = ctl_json_load(s, strlen(s)), *host, *peers;

	ck_assert_ptr_nonnull(doc);
	host = ctl_json_get(doc, "host");
	ck_assert_str_eq(ctl_json_str(host, "id"), "h1");
	ck_assert(ctl_json_bool(host, "rts"));
	ck_assert_uint_eq(ctl_json_u64(host, "mtu"), 1500);
	ck_assert_uint_eq(ctl_json_u64(host, "id"), 0);		/* another type */
	ck_assert_ptr_null(ctl_json_str(host, "mtu"));
	ck_assert_ptr_null(ctl_json_str(host, "nope"));
	ck_assert_uint_eq(ctl_json_u64(doc, "neg"), 0);
	ck_assert(ctl_json_is_null(doc, "x") && !ctl_json_is_null(doc, "host") &&
		  !ctl_json_is_null(doc, "nope"));
	peers = ctl_json_get(doc, "peers");
	ck_assert_uint_eq(ctl_json_len(peers), 1);
	ck_assert_uint_eq(ctl_json_u64(ctl_json_at(peers, 0), "refs"), 3);
	ck_assert_ptr_null(ctl_json_at(peers, 1));
	ck_assert_uint_eq(ctl_json_len(host), 0);
	/* NULL in, NULL or 0 out: a missing member needs no check */
	ck_assert_ptr_null(ctl_json_str(ctl_json_get(doc, "nope"), "id"));
	ctl_json_free(doc);
	ck_assert_ptr_null(ctl_json_load("[1,2]", 5));
	ck_assert_ptr_null(ctl_json_load("host addr 10.0.0.1", 18));
	ck_assert_ptr_null(ctl_json_load("{\"a\":1} {", 9));
}
END_TEST

/* `show host` of a real router, read as JSON */
START_TEST(json_router_show_host)
{
	struct rt_tables *t = rt_tables_new(NULL);
	struct sbuf o = SBUF_INIT;
	struct json_t *doc;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "set host addr 10.200.0.1 id h1", false, &o), 0);
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show host", true, &o), 0);
	doc = ctl_json_load(sbuf_str(&o), o.len);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(ctl_json_str(ctl_json_get(doc, "host"), "id"), "h1");
	ck_assert_str_eq(ctl_json_str(ctl_json_get(doc, "host"), "addr"), "10.200.0.1");
	ctl_json_free(doc);
	sbuf_free(&o);
	rt_tables_free(t);
}
END_TEST

/* The text form of `show top`, "KIND key value key value ...", split in
 * place: the oracle that the JSON top reads says what the text says. */
#define REC_MAX 40
struct ctl_rec {
	const char *kind;
	int n;
	const char *key[REC_MAX], *val[REC_MAX];
};

static char *next_word(char **s)
{
	char *w = *s + strspn(*s, " \t"), *e;

	if (!*w)
		return NULL;
	e = w + strcspn(w, " \t");
	*s = *e ? e + 1 : e;
	*e = 0;
	return w;
}

static int ctl_rec_split(struct ctl_rec *r, char *line)
{
	char *s = line, *w, *v;

	r->n = 0;
	if (!(w = next_word(&s)))
		return -EINVAL;
	r->kind = w;
	while (r->n < REC_MAX && (w = next_word(&s)) && (v = next_word(&s))) {
		r->key[r->n] = w;
		r->val[r->n++] = v;
	}
	return 0;
}

static const char *ctl_rec_str(const struct ctl_rec *r, const char *key)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->key[i], key))
			return r->val[i];
	return NULL;
}

static int ctl_rec_u64(const struct ctl_rec *r, const char *key, uint64_t max, uint64_t *v)
{
	const char *s = ctl_rec_str(r, key);

	return !s || num_parse_u64(s, 0, max, v) ? -EINVAL : 0;
}

/* The JSON object of array key in doc whose member mkey is the text value v
 * (numbers compared as text). */
static struct json_t *find_by(struct json_t *doc, const char *key, const char *mkey, const char *v)
{
	struct json_t *arr = ctl_json_get(doc, key);

	for (size_t i = 0; i < ctl_json_len(arr); i++) {
		struct json_t *o = ctl_json_at(arr, i);
		const char *sv = ctl_json_str(o, mkey);
		char num[24];

		if (!sv) {
			snprintf(num, sizeof(num), "%llu", (unsigned long long)ctl_json_u64(o, mkey));
			sv = num;
		}
		if (!strcmp(sv, v))
			return o;
	}
	return NULL;
}

/* A text field against its JSON twin: "-" is null (or "" for names),
 * numbers compare as numbers. */
static void same_field(const struct ctl_rec *r, struct json_t *o, const char *key)
{
	const char *t = ctl_rec_str(r, key), *j = ctl_json_str(o, key);
	uint64_t v;

	ck_assert_msg(t, "%s: no %s in the text", r->kind, key);
	if (!strcmp(t, "-")) {
		ck_assert_msg(ctl_json_is_null(o, key) || (j && !*j), "%s %s: '-' and not null", r->kind, key);
	} else if (j) {
		ck_assert_str_eq(t, j);
	} else if (ctl_json_get(o, key) && !ctl_rec_u64(r, key, UINT64_MAX, &v)) {
		ck_assert_uint_eq(v, ctl_json_u64(o, key));
	} else {
		ck_assert_msg(!strcmp(t, ctl_json_bool(o, key) ? "1" : "0"), "%s %s: %s", r->kind, key, t);
	}
}

/* `show top` read as text (what top does) and as JSON carry the same values. */
START_TEST(show_top_text_is_json)
{
	static const char *const setup[] = {
		"set host addr 10.200.0.1", "add port tap0", "add vpc 100 name blue cidr 10.0.0.0/16",
		"add vpc 7 cidr 10.7.0.0/16", "add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port tap0",
	};
	static const char *const ctr[] = { "rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "drops" };
	struct rt_tables *t = rt_tables_new(NULL);
	struct sbuf text = SBUF_INIT, json = SBUF_INIT;
	struct json_t *doc, *o;
	struct rt_flow *e;
	unsigned int nflow = 0, ndrop = 0;
	char *line, *save = NULL;

	ck_assert_ptr_nonnull(t);
	for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++)
		ck_assert_int_eq(rt_cmd_exec(t, NULL, setup[i], false, &text), 0);
	e = &rt_vpc_find(t, 100)->flows.e[0];
	e->family = 4;
	e->proto = 17;
	memcpy(e->src, "\x0a\x00\x01\x05", 4);
	memcpy(e->dst, "\x0a\x00\x02\x07", 4);
	e->sport = 1;
	e->dport = 2;
	e->pkts = 3;
	e->src_ep = true;
	e->path = RT_PATH_DECAP;
	e->host.family = 4;
	memcpy(e->host.a, "\x0a\xc8\x00\x02", 4);
	e->verdict = RT_DROP;
	e->reason = RT_DROP_ECN;
	sbuf_reset(&text);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show top 100", false, &text), 0);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show top 100", true, &json), 0);
	doc = ctl_json_load(sbuf_str(&json), json.len);
	ck_assert_ptr_nonnull(doc);
	for (line = strtok_r(text.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct ctl_rec r;

		ck_assert_int_eq(ctl_rec_split(&r, line), 0);
		if (!strcmp(r.kind, "top")) {
			same_field(&r, doc, "now_ns");
		} else if (!strcmp(r.kind, "stats") || !strcmp(r.kind, "direct")) {
			for (int i = 0; i < r.n; i++)
				same_field(&r, ctl_json_get(doc, r.kind), r.key[i]);
		} else if (!strcmp(r.kind, "vpc") || !strcmp(r.kind, "port")) {
			bool vpc = r.kind[0] == 'v';

			o = find_by(doc, vpc ? "vpcs" : "ports", vpc ? "vni" : "name",
				    ctl_rec_str(&r, vpc ? "vni" : "name"));
			ck_assert_ptr_nonnull(o);
			for (size_t i = 0; i < sizeof(ctr) / sizeof(ctr[0]); i++)
				same_field(&r, o, ctr[i]);
			same_field(&r, o, "name");
			same_field(&r, o, vpc ? "endpoints" : "up");
			if (vpc)
				same_field(&r, o, "flows");
		} else if (!strcmp(r.kind, "drop")) {
			uint64_t v;

			ck_assert_int_eq(ctl_rec_u64(&r, "count", UINT64_MAX, &v), 0);
			ck_assert_uint_eq(v, ctl_json_u64(ctl_json_get(doc, "drops"), ctl_rec_str(&r, "reason")));
			ndrop++;
		} else if (!strcmp(r.kind, "flow")) {
			static const char *const f[] = {
				"vni", "proto", "src", "dst", "sport", "dport", "packets", "bytes",
				"first_ns", "last_ns", "src_ep", "dst_ep", "path", "host",
			};
			const char *reason;
			char verdict[64];

			o = ctl_json_at(ctl_json_get(doc, "flows"), nflow++);
			ck_assert_ptr_nonnull(o);
			for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
				same_field(&r, o, f[i]);
			/* "verdict:reason" in text, apart in JSON */
			reason = ctl_json_str(o, "reason");
			snprintf(verdict, sizeof(verdict), "%s%s%s", ctl_json_str(o, "verdict"),
				 reason ? ":" : "", reason ? reason : "");
			ck_assert_str_eq(ctl_rec_str(&r, "verdict"), verdict);
		} else {
			ck_abort_msg("unknown record '%s'", r.kind);
		}
	}
	ck_assert_uint_eq(nflow, 1);
	ck_assert_uint_eq(ctl_json_len(ctl_json_get(doc, "flows")), nflow);
	ck_assert_uint_eq(ctl_json_len(ctl_json_get(doc, "vpcs")), 2);
	ck_assert_uint_eq(ctl_json_len(ctl_json_get(doc, "ports")), 1);
	ck_assert_uint_eq(ndrop, 0);	/* text lists the reasons that counted */
	ctl_json_free(doc);
	sbuf_free(&text);
	sbuf_free(&json);
	rt_tables_free(t);
}
END_TEST

static void sock_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "/tmp/genv-ctl-test-%d-%s.sock", (int)getpid(), name);
	unlink(buf);
}

START_TEST(dial_errors)
{
	struct genv_ctx g = { 0 };
	struct ctl_client c;
	struct sbuf out = SBUF_INIT;
	char path[128], want[256];

	sock_path(path, sizeof(path), "none");
	ctl_client_init(&c, path, 0);
	ck_assert_str_eq(c.path, path);
	ck_assert_int_eq(ctl_client_dial(&c), -ENOENT);
	ck_assert_int_eq(ctl_dial_report(&g, &c, "is it running?"), EXIT_FAIL);
	snprintf(want, sizeof(want), "no router listening on '%s': %s (is it running?)", path,
		 strerror(ENOENT));
	ck_assert_str_eq(last_err, want);
	ck_assert_int_eq(ctl_request(&g, &c, "show host", 0, &out, "f:1: ", "hint"), EXIT_FAIL);
	snprintf(want, sizeof(want), "no router listening on '%s': %s (hint)", path, strerror(ENOENT));
	ck_assert_str_eq(last_err, want);
	ck_assert_uint_eq(c.dials, 0);

	/* bounded in time: the same errors */
	ctl_client_init(&c, path, 300);
	ck_assert_int_eq(ctl_client_dial(&c), -ENOENT);

	memset(path, 'x', sizeof(path) - 1);
	path[sizeof(path) - 1] = 0;
	ctl_client_init(&c, path, 0);
	ck_assert_int_eq(ctl_dial_report(&g, &c, "hint"), EXIT_FAIL);
	ck_assert_ptr_nonnull(strstr(last_err, "cannot connect to 'xxx"));
	ck_assert_ptr_nonnull(strstr(last_err, strerror(ENAMETOOLONG)));
	sbuf_free(&out);
}
END_TEST

/* A server for one test: each connection answers its first request with
 * "STATUS BODY" and closes; a request "err" gets status 22. */
static pid_t serve(const char *path, int conns)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	pid_t pid;

	ck_assert_int_ge(lfd, 0);
	ck_assert_uint_lt(strlen(path), sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid) {
		close(lfd);
		return pid;
	}
	for (int i = 0; i < conns; i++) {
		int fd = accept(lfd, NULL, NULL);
		const char *bad = "{\"schema\":1,\"error\":\"bad \\\"word\\\"\"}";
		char req[256], rep[300];
		ssize_t n = fd < 0 ? -1 : recv(fd, req, sizeof(req) - 1, 0);
		int len;

		if (n <= 0)
			_exit(1);
		req[n] = 0;
		req[strcspn(req, "\n")] = 0;
		if (!strcmp(req, "j err"))
			len = snprintf(rep, sizeof(rep), "22 %zu\n%s", strlen(bad), bad);
		else
			len = snprintf(rep, sizeof(rep), "0 %zu\n%s", strlen(req), req);
		if (len > 0 && send(fd, rep, (size_t)len, 0) < 0)
			_exit(1);
		close(fd);
	}
	_exit(0);
}

START_TEST(call_redial_and_errors)
{
	struct genv_ctx g = { 0 };
	struct ctl_client c;
	struct sbuf out = SBUF_INIT;
	char path[128];
	int status = -1, wst;
	pid_t pid;

	signal(SIGPIPE, SIG_IGN);
	sock_path(path, sizeof(path), "srv");
	pid = serve(path, 3);
	ctl_client_init(&c, path, 1000);
	c.redial = true;
	ck_assert_int_eq(ctl_client_call(&c, "show top", 0, &status, &out), 0);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(sbuf_str(&out), "- show top");
	ck_assert_uint_eq(c.dials, 1);
	/* the server closed that connection: dialled again, output not doubled */
	sbuf_reset(&out);
	ck_assert_int_eq(ctl_client_call(&c, "show top 7", RT_CTL_JSON, &status, &out), 0);
	ck_assert_str_eq(sbuf_str(&out), "j show top 7");
	ck_assert_uint_eq(c.dials, 2);
	/* a router error in JSON, reported with the prefix */
	ctl_client_close(&c);
	sbuf_reset(&out);
	ck_assert_int_eq(ctl_request(&g, &c, "err", RT_CTL_JSON, &out, "f:3: ", "hint"), EXIT_USAGE);
	ck_assert_str_eq(last_err, "f:3: bad \"word\"");
	ctl_client_close(&c);
	ck_assert_int_eq(waitpid(pid, &wst, 0), pid);
	ck_assert(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
	/* the listener is gone: no redial can help */
	ck_assert_int_eq(ctl_client_call(&c, "show top", 0, &status, &out), -ECONNREFUSED);
	unlink(path);
	sbuf_free(&out);
}
END_TEST

Suite *ctl_client_suite(void)
{
	Suite *s = suite_create("ctl_client");
	TCase *tc = tcase_create("client");

	tcase_add_test(tc, error_msg_forms);
	tcase_add_test(tc, error_msg_router_json_is_text);
	tcase_add_test(tc, error_line);
	tcase_add_test(tc, json_reader);
	tcase_add_test(tc, json_router_show_host);
	tcase_add_test(tc, show_top_text_is_json);
	tcase_add_test(tc, dial_errors);
	tcase_add_test(tc, call_redial_and_errors);
	suite_add_tcase(s, tc);
	return s;
}
