/* SPDX-License-Identifier: MIT */
/*
 * The router's configuration on disk (see state.h): command files run at
 * start, the --state file rewritten after changes, and the atomic file
 * write they and `genv route save` use.
 * Layer: router; calls the command language (rt_cmd_exec, rt_config_dump),
 * libcore sbuf and libc.  Never logs: loop.c does, from what it returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "state.h"

/* ---- command files ---- */

int rt_state_load(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *file,
		  unsigned long *lines, char *err, size_t errsz)
{
	struct sbuf out = SBUF_INIT;
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0, n = 0;
	ssize_t len;
	int ret = 0;

	*lines = 0;
	if (!f) {
		ret = -errno;
		snprintf(err, errsz, "cannot open '%s': %s", file, strerror(errno));
		return ret;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		sbuf_reset(&out);
		ret = rt_cmd_exec(t, ops, line, false, &out);
		if (ret) {
			snprintf(err, errsz, "%s:%lu: %s", file, lineno, sbuf_str(&out));
			break;
		}
		n++;
	}
	if (!ret && ferror(f)) {
		ret = -EIO;
		snprintf(err, errsz, "cannot read '%s'", file);
	}
	*lines = n;
	fclose(f);
	free(line);
	sbuf_free(&out);
	return ret;
}

/* ---- the --state file ---- */

int rt_state_save(struct rt_state *s, const struct rt_tables *t, bool force)
{
	int ret;

	if (!s->path || (!force && t->cfg.gen == s->saved_gen))
		return 0;
	sbuf_reset(&s->dump);
	ret = rt_config_dump(t, &s->dump);
	if (!ret && s->dump.oom)
		ret = -ENOMEM;
	if (!ret)
		ret = rt_write_atomic(s->path, sbuf_str(&s->dump), s->dump.len);
	if (ret)
		return ret;
	s->saved_gen = t->cfg.gen;
	return 0;
}

void rt_state_free(struct rt_state *s)
{
	sbuf_free(&s->dump);
}

/* ---- atomic file writes ---- */

int rt_write_atomic(const char *path, const char *data, size_t size)
{
	char tmp[4096], dir[4096];
	const char *slash = strrchr(path, '/');
	mode_t mask;
	int fd, dfd, ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0)
		goto fail;
	while (size) {
		ssize_t w = write(fd, data, size);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		data += w;
		size -= (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	/* the rename itself must reach the disk */
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path) ? (int)(slash - path) : 1, path);
	else
		strcpy(dir, ".");
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	ret = -errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return ret;
}
