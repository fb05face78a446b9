/* SPDX-License-Identifier: MIT */
/*
 * The router's configuration on disk (see state.h): command files run at
 * start, the --state file rewritten after changes (framed: see state.h),
 * stale temporary files removed, and the atomic file write they and
 * `genv route save` use.
 * Layer: router; calls the command language (rt_cmd_exec, rt_config_dump),
 * libcore sbuf and num, and libc.  Never logs: loop.c does, from what it
 * returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include "../libcore/msg.h"
#include "../libcore/num.h"
#include "policy.h"
#include "state.h"

/* ---- command files ---- */

#define STATE_HEAD	"# genv state 1"
#define STATE_END	"# genv state end: "	/* then "N commands" */

/* A line that runs a command (not blank, not a comment). */
static bool is_command(const char *line)
{
	line += strspn(line, " \t");
	return *line && *line != '#' && *line != '\n';
}

/* The whole file as lines (NUL-separated in buf, count in *nlines), each
 * checked for control bytes.  0 or -errno with the message in err. */
static int read_lines(FILE *f, const char *file, struct sbuf *buf, unsigned long *nlines,
		      char *err, size_t errsz)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	*nlines = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		long bad;

		++*nlines;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if ((bad = gnv_ctl_byte(line, (size_t)len)) >= 0) {
			snprintf(err, errsz, "%s:%lu: control byte 0x%02x at column %ld", file, *nlines,
				 (unsigned char)line[bad], bad + 1);
			ret = -EINVAL;
			break;
		}
		sbuf_add(buf, line, (size_t)len);
		sbuf_putc(buf, 0);
	}
	if (!ret && ferror(f)) {
		snprintf(err, errsz, "cannot read '%s'", file);
		ret = -EIO;
	}
	if (!ret && buf->oom) {
		snprintf(err, errsz, "'%s': out of memory", file);
		ret = -ENOMEM;
	}
	free(line);
	return ret;
}

/* A framed state file: its first line, the end line and the count agree. */
static int check_frame(const char *file, const char *p, unsigned long nlines, char *err,
		       size_t errsz)
{
	unsigned long cmds = 0, last = 0;
	const char *end = NULL, *rest = NULL;
	uint64_t want = 0;

	if (!nlines) {
		snprintf(err, errsz, "%s: empty state file (a cut write?): refused; "
			 "restore it or remove it to start from -f", file);
		return -EINVAL;
	}
	for (unsigned long i = 1; i <= nlines; i++, p += strlen(p) + 1) {
		if (end && is_command(p)) {
			snprintf(err, errsz, "%s:%lu: a command after the end line: refused", file, i);
			return -EINVAL;
		}
		if (i > 1 && !strncmp(p, STATE_END, strlen(STATE_END))) {
			end = p;
			last = i;
		} else if (is_command(p)) {
			cmds++;
		}
	}
	if (end && num_parse_lead(end + strlen(STATE_END), 0, ULONG_MAX, &want, &rest) == -ERANGE) {
		const char *n = end + strlen(STATE_END);

		snprintf(err, errsz, "%s:%lu: the end line's count '%.*s' is out of range: refused",
			 file, last, (int)strspn(n, "0123456789"), n);
		return -EINVAL;
	}
	if (!end || !rest || strcmp(rest, " commands")) {
		snprintf(err, errsz, "%s:%lu: state file ends without '%sN commands' "
			 "(cut short?): refused", file, nlines, STATE_END);
		return -EINVAL;
	}
	if (want != cmds) {
		snprintf(err, errsz, "%s:%lu: the end line counts %lu commands, the file holds %lu: refused",
			 file, last, (unsigned long)want, cmds);
		return -EINVAL;
	}
	return 0;
}

int rt_state_load(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *file,
		  bool as_state, unsigned long *lines, char *err, size_t errsz)
{
	struct sbuf out = SBUF_INIT, buf = SBUF_INIT;
	FILE *f = fopen(file, "r");
	unsigned long nlines = 0, n = 0;
	const char *p;
	int ret = 0;

	*lines = 0;
	if (!f) {
		ret = -errno;
		snprintf(err, errsz, "cannot open '%s': %s", file, strerror(errno));
		return ret;
	}
	/* everything is checked before the first command runs */
	ret = read_lines(f, file, &buf, &nlines, err, errsz);
	fclose(f);
	p = buf.buf ? buf.buf : "";
	if (!ret && as_state && (!nlines || !strcmp(p, STATE_HEAD)))
		ret = check_frame(file, p, nlines, err, errsz);
	/* policies compile once, after the last command (a file of 10,000
	 * policies must not compile 10,000 times) */
	t->cfg.pol_defer = true;
	for (unsigned long i = 1; !ret && i <= nlines; i++, p += strlen(p) + 1) {
		sbuf_reset(&out);
		ret = rt_cmd_exec(t, ops, p, false, &out);
		if (ret) {
			snprintf(err, errsz, "%s:%lu: %s", file, i, sbuf_str(&out));
			break;
		}
		n++;
	}
	t->cfg.pol_defer = false;
	if (rt_policy_commit(t, err, errsz) && !ret)
		ret = -ENOMEM;
	*lines = n;
	sbuf_free(&buf);
	sbuf_free(&out);
	return ret;
}

int rt_state_clean_stale(const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	char dir[4096], full[4096 + 256];
	size_t blen = strlen(base);
	struct dirent *e;
	DIR *d;
	int n = 0;

	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path) ? (int)(slash - path) : 1, path);
	else
		strcpy(dir, ".");
	if (!(d = opendir(dir)))
		return 0;
	while ((e = readdir(d))) {
		const char *x = e->d_name + blen + 1;
		bool tmp = strlen(e->d_name) == blen + 7 && !strncmp(e->d_name, base, blen) &&
			   e->d_name[blen] == '.';

		/* mkstemp's six characters: letters and digits */
		for (int i = 0; tmp && i < 6; i++)
			tmp = (x[i] >= 'a' && x[i] <= 'z') || (x[i] >= 'A' && x[i] <= 'Z') ||
			      (x[i] >= '0' && x[i] <= '9');
		if (!tmp)
			continue;
		snprintf(full, sizeof(full), "%s/%s", dir, e->d_name);
		if (!unlink(full))
			n++;
	}
	closedir(d);
	return n;
}

/* ---- the --state file ---- */

int rt_state_save(struct rt_state *s, const struct rt_tables *t, bool force)
{
	unsigned long cmds = 0;
	size_t body;
	int ret;

	if (!s->path || (!force && t->cfg.gen == s->saved_gen))
		return 0;
	sbuf_reset(&s->dump);
	sbuf_puts(&s->dump, STATE_HEAD "\n");
	body = s->dump.len;
	ret = rt_config_dump(t, &s->dump);
	if (!ret && s->dump.oom)
		ret = -ENOMEM;
	if (ret)
		return ret;
	for (const char *p = s->dump.buf + body; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] ? 1 : 0))
		cmds += is_command(p);
	sbuf_printf(&s->dump, STATE_END "%lu commands\n", cmds);
	if (s->dump.oom)
		return -ENOMEM;
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
	int fd, dfd, ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	/* it describes every tenant: owner only (mkstemp's 0600, kept) */
	if (fchmod(fd, 0600) < 0)
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
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
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
