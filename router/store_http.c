/* SPDX-License-Identifier: MIT */
/*
 * etcd's v3 JSON gateway over libcurl (store_http.h).  One easy handle per
 * connection, reused across requests (keep-alive); a request that fails on
 * one member goes to the next, so a dead member costs one connect.
 * Layer: router; calls store_kv, libcore sbuf, libcurl and libc.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../libcore/num.h"
#include "store_http.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int rt_store_conf_parse(struct rt_store_conf *c, const char *url, const char *prefix,
			const char *cacert, const char *cert, const char *key, char *err,
			size_t errsz)
{
	const char *scheme = "http", *p = url;
	char *list, *save = NULL, *m;
	size_t pl;

	memset(c, 0, sizeof(*c));
	if (!strncmp(p, "etcd://", 7)) {
		p += 7;
	} else if (!strncmp(p, "etcds://", 8)) {
		p += 8;
		scheme = "https";
	} else {
		snprintf(err, errsz, "--store '%.100s': expected etcd://HOST:PORT[,HOST:PORT...]", url);
		return -EINVAL;
	}
	if (cacert || cert)
		scheme = "https";
	if ((cert == NULL) != (key == NULL)) {
		snprintf(err, errsz, "--cert and --key go together");
		return -EINVAL;
	}
	c->cacert = cacert;
	c->cert = cert;
	c->key = key;
	c->timeout_ms = 5000;
	prefix = prefix ? prefix : RT_STORE_DEFAULT_PREFIX;
	pl = strlen(prefix);
	if (!pl || prefix[0] != '/' || pl + 2 > sizeof(c->prefix) || strpbrk(prefix, " \t\n\r%")) {
		snprintf(err, errsz, "--prefix '%.100s': expected a key prefix starting with '/' (at most %zu bytes, no blanks or %%)",
			 prefix, sizeof(c->prefix) - 2);
		return -EINVAL;
	}
	snprintf(c->prefix, sizeof(c->prefix), "%s%s", prefix, prefix[pl - 1] == '/' ? "" : "/");
	list = strdup(p);
	if (!list)
		return -ENOMEM;
	for (m = strtok_r(list, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
		const char *colon = strrchr(m, ':');
		uint64_t port;

		if (!colon || colon == m || num_parse_u64(colon + 1, 1, 65535, &port) ||
		    strpbrk(m, "/?#@ ") || strlen(m) > 100) {
			snprintf(err, errsz, "--store: member '%.100s': expected HOST:PORT", m);
			goto bad;
		}
		if (c->nmembers == RT_STORE_MEMBERS_MAX) {
			snprintf(err, errsz, "--store: more than %d members", RT_STORE_MEMBERS_MAX);
			goto bad;
		}
		if (asprintf(&c->member[c->nmembers], "%s://%s", scheme, m) < 0)
			goto bad;
		c->nmembers++;
	}
	free(list);
	if (!c->nmembers) {
		snprintf(err, errsz, "--store '%.100s': no member", url);
		return -EINVAL;
	}
	return 0;
bad:
	free(list);
	rt_store_conf_free(c);
	return -EINVAL;
}

void rt_store_conf_free(struct rt_store_conf *c)
{
	for (unsigned int i = 0; i < c->nmembers; i++)
		free(c->member[i]);
	c->nmembers = 0;
}

int rt_store_http_init(struct rt_store_http *h, const struct rt_store_conf *c)
{
	pthread_once(&curl_once, curl_init_once);
	memset(h, 0, sizeof(*h));
	h->conf = c;
	h->curl = curl_easy_init();
	return h->curl ? 0 : -ENOMEM;
}

void rt_store_http_free(struct rt_store_http *h)
{
	if (h->curl)
		curl_easy_cleanup(h->curl);
	h->curl = NULL;
}

void rt_store_http_setup(const struct rt_store_conf *c, void *curl, unsigned int member,
			 const char *path)
{
	char url[256];

	snprintf(url, sizeof(url), "%s%s", c->member[member], path);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
	curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(curl, CURLOPT_TCP_KEEPIDLE, 2L);
	curl_easy_setopt(curl, CURLOPT_TCP_KEEPINTVL, 2L);
	curl_easy_setopt(curl, CURLOPT_PROXY, "");	/* the members, never a proxy */
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (c->cacert)
		curl_easy_setopt(curl, CURLOPT_CAINFO, c->cacert);
	if (c->cert) {
		curl_easy_setopt(curl, CURLOPT_SSLCERT, c->cert);
		curl_easy_setopt(curl, CURLOPT_SSLKEY, c->key);
	}
}

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
	struct sbuf *b = arg;

	sbuf_add(b, p, size * n);
	return b->oom ? 0 : size * n;
}

int rt_store_post(struct rt_store_http *h, const char *path, const char *body,
		  struct rt_store_resp *r, char *err, size_t errsz)
{
	const struct rt_store_conf *c = h->conf;
	struct sbuf reply = SBUF_INIT;
	char last[CURL_ERROR_SIZE + 128] = "";
	int ret = -ECONNREFUSED;

	memset(r, 0, sizeof(*r));
	for (unsigned int k = 0; k < c->nmembers; k++) {
		unsigned int m = (h->cur + k) % c->nmembers;
		char cerr[CURL_ERROR_SIZE] = "";
		long code = 0;
		CURLcode cc;

		sbuf_reset(&reply);
		curl_easy_reset(h->curl);
		rt_store_http_setup(c, h->curl, m, path);
		curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, cerr);
		curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, c->timeout_ms);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &reply);
		cc = curl_easy_perform(h->curl);
		curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &code);
		if (cc != CURLE_OK) {
			snprintf(last, sizeof(last), "%s: %s", c->member[m], cerr[0] ? cerr : curl_easy_strerror(cc));
			continue;
		}
		ret = rt_store_parse_resp(sbuf_str(&reply), reply.len, r, err, errsz);
		if (ret) {
			snprintf(last, sizeof(last), "%s: bad reply: %.200s", c->member[m], err);
			continue;
		}
		if (code != 200 || r->error[0]) {
			/* no leader, too many requests: the next member may do */
			snprintf(last, sizeof(last), "%s: HTTP %ld: %s", c->member[m], code,
				 r->error[0] ? r->error : "error");
			rt_store_resp_free(r);
			ret = -EIO;
			continue;
		}
		h->cur = m;
		snprintf(h->member, sizeof(h->member), "%s", c->member[m]);
		sbuf_free(&reply);
		return 0;
	}
	h->member[0] = 0;
	if (ret != -EIO)
		ret = -ECONNREFUSED;
	snprintf(err, errsz, "no member of the store answered (last: %s)", last);
	sbuf_free(&reply);
	return ret;
}

char *rt_store_prefix_end_b64(const char *prefix)
{
	char end[256];
	size_t n = strlen(prefix);

	if (!n || n >= sizeof(end))
		return NULL;
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): a counted string (b64_encode of n bytes) */
	memcpy(end, prefix, n);
	end[n - 1]++;	/* '/' -> '0': prefixes end in '/' */
	return rt_store_b64_encode(end, n);
}

int rt_store_range(struct rt_store_http *h, const char *prefix, int64_t rev,
		   struct rt_store_resp *r, char *err, size_t errsz)
{
	char *k = rt_store_b64_encode(prefix, strlen(prefix)), *e = rt_store_prefix_end_b64(prefix);
	char *body = NULL;
	int ret = -ENOMEM;

	if (k && e && asprintf(&body, "{\"key\":\"%s\",\"range_end\":\"%s\",\"revision\":\"%lld\"}", k, e,
			       (long long)rev) >= 0)
		ret = rt_store_post(h, "/v3/kv/range", body, r, err, errsz);
	free(k);
	free(e);
	free(body);
	return ret;
}
