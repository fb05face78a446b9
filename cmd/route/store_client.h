/* SPDX-License-Identifier: MIT */
/*
 * Writers of the etcd store (genv-store(5)): `genv route add|set|del ...
 * --store URL`, `route batch FILE --store URL` and `route apply -f FILE
 * --store URL`.  The commands run first on a scratch copy of what the
 * store holds (the router's own parser and tables, no device touched): a
 * refused command writes nothing.  The objects they changed are written
 * in one etcd transaction that compares each key's mod_revision with the
 * one read (version 0 for a new key), so of two writers of one object
 * exactly one wins; the other is told of the conflict (exit 1).
 */
#ifndef GENV_STORE_CLIENT_H
#define GENV_STORE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include "../cli.h"

struct store_args {
	const char *url, *prefix, *host_id;
	const char *cacert, *cert, *key;
};

/* Run lines[0..n) on the store's objects and write what changed.
 * upsert: an 'add' of an object that exists replaces it (route apply).
 * An exit status. */
int store_write(struct genv_ctx *g, const struct store_args *a, char *const *lines, size_t n,
		bool upsert);

/* `genv route batch FILE --store URL`: every command of FILE, one
 * transaction ("FILE:LINE: ..." on a refusal).  An exit status. */
int store_batch(struct genv_ctx *g, const struct store_args *a, const char *file);

/* `genv route gc --store URL`: remove the identities (both keys) that
 * no endpoint's value names, in one transaction that fails when an
 * endpoint key changed since the read.  An exit status. */
int store_gc(struct genv_ctx *g, const struct store_args *a);

#endif
