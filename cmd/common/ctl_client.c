/* SPDX-License-Identifier: MIT */
/*
 * The control-socket client of cmd/: connection, request, error report,
 * and the JSON and text readers of replies (see ctl_client.h).  The
 * request framing is router/ctl.c's rt_ctl_call, next to the server that
 * answers it; jansson is included here and nowhere else.
 * May call: router/ctl.h, libcore (sbuf, num), jansson, cli.h (gerr).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <jansson.h>
#include "ctl_client.h"
#include "../../libcore/num.h"
#include "../../router/ctl.h"

void ctl_client_init(struct ctl_client *c, const char *socket, int timeout_ms)
{
	memset(c, 0, sizeof(*c));
	c->path = rt_ctl_path(socket);
	c->fd = -1;
	c->timeout_ms = timeout_ms;
}

void ctl_client_close(struct ctl_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* With a time bound, the connect does not wait on a full backlog either. */
int ctl_client_dial(struct ctl_client *c)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { c->timeout_ms / 1000, (c->timeout_ms % 1000) * 1000 };
	size_t n = strlen(c->path);
	int fd, ret;

	ctl_client_close(c);
	if (n >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, c->path, n + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (c->timeout_ms ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    (c->timeout_ms &&
	     (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0 ||
	      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0))) {
		ret = -errno;
		close(fd);
		return ret;
	}
	c->fd = fd;
	c->dials++;
	return 0;
}

int ctl_client_call(struct ctl_client *c, const char *line, int flags, int *status,
		    struct sbuf *out)
{
	size_t mark = out->len;
	int ret = 0;

	for (int attempt = 0; attempt < (c->redial ? 2 : 1); attempt++) {
		if (c->fd < 0) {
			ret = ctl_client_dial(c);
			if (ret)
				return ret;
		}
		ret = rt_ctl_call(c->fd, line, flags, status, out);
		if (!ret)
			return 0;
		/* the stream is out of step (or the router went away) */
		ctl_client_close(c);
		out->len = mark;
		if (out->buf)
			out->buf[mark] = 0;
	}
	return ret;
}

/* ---- errors ---- */

int ctl_status_exit(int status)
{
	if (!status)
		return EXIT_OK;
	return status == EINVAL || status == ERANGE ? EXIT_USAGE : EXIT_FAIL;
}

void ctl_error_msg(int status, const struct sbuf *body, bool json, struct sbuf *msg)
{
	const char *s = body->buf ? body->buf : "";
	size_t n = body->len;

	if (json) {
		json_t *doc = ctl_json_load(s, n);
		const char *e = ctl_json_str(doc, "error");

		if (e) {
			size_t mark = msg->len;

			ctl_json_bytes(e, msg);
			ctl_json_free(doc);
			if (msg->len > mark)
				return;
			s = "";
			n = 0;
		} else {
			ctl_json_free(doc);
		}
	}
	while (n && s[n - 1] == '\n')
		n--;
	if (n)
		sbuf_add(msg, s, n);
	else
		sbuf_puts(msg, strerror(status));
}

size_t ctl_error_line(const char *msg, unsigned long max, unsigned long *line)
{
	const char *end;
	uint64_t n;

	if (strncmp(msg, "line ", 5) || num_parse_lead(msg + 5, 1, max, &n, &end) || strncmp(end, ": ", 2))
		return 0;
	*line = (unsigned long)n;
	return (size_t)(end + 2 - msg);
}

int ctl_error_report(struct genv_ctx *g, int status, const struct sbuf *body, bool json,
		     const char *prefix)
{
	struct sbuf msg = SBUF_INIT;

	ctl_error_msg(status, body, json, &msg);
	gerr(g, "%s%s", prefix, sbuf_str(&msg));
	sbuf_free(&msg);
	return ctl_status_exit(status);
}

int ctl_dial_report(struct genv_ctx *g, struct ctl_client *c, const char *hint)
{
	int ret = ctl_client_dial(c);

	if (!ret)
		return EXIT_OK;
	if (ret == -ENOENT || ret == -ECONNREFUSED)
		gerr(g, "no router listening on '%s': %s (%s)", c->path, strerror(-ret), hint);
	else
		gerr(g, "cannot connect to '%s': %s", c->path, strerror(-ret));
	return EXIT_FAIL;
}

int ctl_request(struct genv_ctx *g, struct ctl_client *c, const char *line, int flags,
		struct sbuf *out, const char *prefix, const char *hint)
{
	int status = 0, ret;

	if (c->fd < 0 && ctl_dial_report(g, c, hint))
		return EXIT_FAIL;
	ret = ctl_client_call(c, line, flags, &status, out);
	if (ret) {
		gerr(g, "%s'%s': %s", prefix, c->path, strerror(-ret));
		return EXIT_FAIL;
	}
	if (status)
		return ctl_error_report(g, status, out, flags & (RT_CTL_JSON | RT_CTL_PRETTY), prefix);
	return EXIT_OK;
}

/* ---- JSON ---- */

json_t *ctl_json_load(const char *s, size_t size)
{
	json_t *doc = json_loadb(s, size, 0, NULL);

	if (doc && !json_is_object(doc)) {
		json_decref(doc);
		doc = NULL;
	}
	return doc;
}

const char *ctl_json_next_key(const json_t *obj, const char *prev)
{
	void *it;

	if (!json_is_object(obj))
		return NULL;
	it = prev ? json_object_iter_next((json_t *)obj, json_object_key_to_iter(prev)) :
		    json_object_iter((json_t *)obj);
	return it ? json_object_iter_key(it) : NULL;
}

void ctl_json_free(json_t *doc)
{
	json_decref(doc);
}

json_t *ctl_json_get(const json_t *obj, const char *key)
{
	return json_object_get(obj, key);
}

size_t ctl_json_len(const json_t *arr)
{
	return json_array_size(arr);
}

json_t *ctl_json_at(const json_t *arr, size_t i)
{
	return json_array_get(arr, i);
}

uint64_t ctl_json_u64(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	json_int_t x = json_is_integer(v) ? json_integer_value(v) : 0;

	return x > 0 ? (uint64_t)x : 0;
}

int ctl_json_get_u64(const json_t *obj, const char *key, uint64_t max, uint64_t *out)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return -EINVAL;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

bool ctl_json_bool(const json_t *obj, const char *key)
{
	return json_is_true(json_object_get(obj, key));
}

const char *ctl_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

bool ctl_json_is_null(const json_t *obj, const char *key)
{
	return json_is_null(json_object_get(obj, key));
}

void ctl_json_bytes(const char *utf8, struct sbuf *out)
{
	const unsigned char *p = (const unsigned char *)utf8;

	while (*p) {
		if ((p[0] & 0xfe) == 0xc2 && (p[1] & 0xc0) == 0x80) {
			sbuf_putc(out, (char)(((p[0] & 0x03) << 6) | (p[1] & 0x3f)));
			p += 2;
		} else {
			sbuf_putc(out, (char)*p++);
		}
	}
}
