/* SPDX-License-Identifier: MIT */
/*
 * The one client of the router's control socket in cmd/ (the wire format
 * is in router/ctl.h): connect, optionally bounded in time; one request
 * and its reply; the router's errors reported in genv's one format; and
 * the readers of replies.  A reply whose fields the CLI reads is asked
 * for as JSON and read with jansson (ctl_json_*); text the user asked for
 * is passed through untouched.  Every reply the CLI reads (trace drops
 * and capture, top, trace path) is JSON: there is no text parser of
 * router replies.
 *
 * May call: router/ctl.h (socket path, request framing), libcore/sbuf.h,
 * jansson, cli.h (gerr).  Never used below cmd/.
 */
#ifndef GENV_CTL_CLIENT_H
#define GENV_CTL_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include "../cli.h"
#include "../../libcore/sbuf.h"

struct ctl_client {
	const char *path;	/* resolved: -S, $GENV_SOCKET or the default */
	int fd;			/* -1 while not connected */
	int timeout_ms;		/* bound on connecting and on each reply; 0: none */
	bool redial;		/* a call on a lost connection dials once more
				 * (for requests that may be repeated) */
	unsigned int dials;	/* connections made so far */
};

/* Not connected yet; socket NULL or "" picks $GENV_SOCKET or the default. */
void ctl_client_init(struct ctl_client *c, const char *socket, int timeout_ms);
/* Connect (again).  0 or -errno. */
int ctl_client_dial(struct ctl_client *c);
void ctl_client_close(struct ctl_client *c);
/* One request (flags: RT_CTL_JSON, RT_CTL_PRETTY), dialling when not
 * connected; the reply's output is appended to out, *status is the
 * router's status (0 or a positive errno).  0 or -errno (transport: the
 * connection is then closed). */
int ctl_client_call(struct ctl_client *c, const char *line, int flags, int *status,
		    struct sbuf *out);

/* ---- errors in genv's format (gerr) ---- */

/* A status from the router: a command it rejected as malformed is a usage
 * error (EXIT_USAGE), anything else that failed a runtime failure. */
int ctl_status_exit(int status);
/* The router's message for a failed request: the "error" of a JSON reply,
 * else the text without its trailing newlines, else strerror(status). */
void ctl_error_msg(int status, const struct sbuf *body, bool json, struct sbuf *msg);
/* A message "line N: TEXT" (the router names the refused line of a batch):
 * N (1..max) in *line and the offset of TEXT, else 0. */
size_t ctl_error_line(const char *msg, unsigned long max, unsigned long *line);
/* Report a failed request: "PREFIXMESSAGE"; returns ctl_status_exit(status). */
int ctl_error_report(struct genv_ctx *g, int status, const struct sbuf *body, bool json,
		     const char *prefix);
/* Dial, or report "no router listening on 'PATH': ERR (HINT)".  EXIT_OK
 * or EXIT_FAIL. */
int ctl_dial_report(struct genv_ctx *g, struct ctl_client *c, const char *hint);
/* One request with every failure reported (PREFIX in front of transport
 * and router errors, HINT as for ctl_dial_report).  EXIT_OK with the
 * output in out, else EXIT_FAIL or ctl_status_exit(). */
int ctl_request(struct genv_ctx *g, struct ctl_client *c, const char *line, int flags,
		struct sbuf *out, const char *prefix, const char *hint);

/* ---- JSON replies (jansson) ---- */

/*
 * jansson stays inside ctl_client.c: its names clash with libcore's JSON
 * writer (json_null), which files here also use.  A document and its
 * members are jansson values; members are borrowed from the document.
 */
struct json_t;

/* The JSON object of a reply (ctl_json_free() it), or NULL when it is not one. */
struct json_t *ctl_json_load(const char *s, size_t size);
void ctl_json_free(struct json_t *doc);
/* A member of an object, or NULL. */
struct json_t *ctl_json_get(const struct json_t *obj, const char *key);
/* Elements of an array (0 / NULL for anything else). */
size_t ctl_json_len(const struct json_t *arr);
struct json_t *ctl_json_at(const struct json_t *arr, size_t i);
/* Members of an object: 0 / false / NULL when missing or of another type. */
uint64_t ctl_json_u64(const struct json_t *obj, const char *key);
bool ctl_json_bool(const struct json_t *obj, const char *key);
/* A member that must be an integer in 0..max: 0, or -EINVAL (missing,
 * another type, out of range). */
int ctl_json_get_u64(const struct json_t *obj, const char *key, uint64_t max, uint64_t *v);
const char *ctl_json_str(const struct json_t *obj, const char *key);
/* The keys of an object in order: NULL for the first, then the last one
 * returned; NULL at the end (and for anything but an object). */
const char *ctl_json_next_key(const struct json_t *obj, const char *prev);
/* Member key is present and null. */
bool ctl_json_is_null(const struct json_t *obj, const char *key);
/* A JSON string as the bytes the router had: libcore's writer escapes
 * every byte outside printable ASCII as \u00XX, so code points up to
 * U+00FF become one byte again. */
void ctl_json_bytes(const char *utf8, struct sbuf *out);

#endif
