/* SPDX-License-Identifier: MIT */
/*
 * A client of etcd's v3 JSON gateway (HTTP/1.1 POST of JSON to /v3/...)
 * over libcurl: the members of one cluster, tried in turn from the one
 * that answered last, TLS with a CA and a client certificate.  Blocking:
 * the router calls it from its store thread (store.c), the CLI directly
 * (cmd/route/store_client.c).
 * Layer: router; calls store_kv, libcore sbuf, libcurl and libc.
 */
#ifndef GENV_RT_STORE_HTTP_H
#define GENV_RT_STORE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../libcore/sbuf.h"
#include "store_kv.h"

#define RT_STORE_MEMBERS_MAX	16
#define RT_STORE_DEFAULT_PREFIX	"/genv/"

/* Where the store is and how to reach it. */
struct rt_store_conf {
	char *member[RT_STORE_MEMBERS_MAX];	/* "http://H:P" or "https://H:P" */
	unsigned int nmembers;
	char prefix[128];			/* ends with '/' */
	const char *cacert, *cert, *key;	/* PEM files, NULL: none */
	long timeout_ms;			/* one request (not the watch) */
};

/*
 * Parse --store URL ("etcd://H:P[,H:P...]", or "etcds://..." for TLS;
 * --cacert/--cert also select TLS) and --prefix (NULL: /genv/; a missing
 * final '/' is added).  0 or -EINVAL with the offending word in err.
 */
int rt_store_conf_parse(struct rt_store_conf *c, const char *url, const char *prefix,
			const char *cacert, const char *cert, const char *key, char *err,
			size_t errsz);
void rt_store_conf_free(struct rt_store_conf *c);

/* One connection to the cluster. */
struct rt_store_http {
	const struct rt_store_conf *conf;
	void *curl;		/* CURL * */
	unsigned int cur;	/* the member tried first */
	char member[128];	/* the member that answered last, "" for none */
};

int rt_store_http_init(struct rt_store_http *h, const struct rt_store_conf *c);
void rt_store_http_free(struct rt_store_http *h);
/* Apply the connection options (TLS, member URL + path) to a curl easy
 * handle: for the watch stream, which store.c drives itself. */
void rt_store_http_setup(const struct rt_store_conf *c, void *curl, unsigned int member,
			 const char *path);

/*
 * POST body to path on the members in turn (each once, from h->cur) until
 * one answers with HTTP 200 and JSON; its reply parsed into r.  0, or
 * -ECONNREFUSED ("no member of the store answered: LAST ERROR") / -EIO /
 * -EINVAL (a reply that did not parse) with err set.  An HTTP error reply
 * with an etcd error message returns -EIO with that message.
 */
int rt_store_post(struct rt_store_http *h, const char *path, const char *body,
		  struct rt_store_resp *r, char *err, size_t errsz);

/* Range read of every key under prefix at revision rev (0: the newest):
 * the keys in r (sorted), r->rev the revision they are at. */
int rt_store_range(struct rt_store_http *h, const char *prefix, int64_t rev,
		   struct rt_store_resp *r, char *err, size_t errsz);

/* The end of the range of keys starting with prefix (etcd's range_end):
 * prefix with its last byte incremented, as base64. */
char *rt_store_prefix_end_b64(const char *prefix);

#endif
