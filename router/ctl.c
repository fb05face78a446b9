/* SPDX-License-Identifier: MIT */
/*
 * The control socket, server and client side.  See ctl.h for the format.
 * Layer: router; calls libcore/num, epoll and libc.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "ctl.h"
#include "../libcore/msg.h"
#include "../libcore/num.h"

struct ctl_conn {
	struct rt_ev ev;
	struct rt_ctl *ctl;
	int fd;
	char *in;		/* RT_CTL_MAX_LINE + 1 bytes */
	size_t in_len;
	struct sbuf outq;	/* replies not yet written */
	size_t out_off;
	bool eof;
	bool dead;		/* closed for another: freed by rt_ctl_reap() */
	uid_t uid;		/* the peer (SO_PEERCRED) */
	uint64_t last_ns;	/* last byte in or out (CLOCK_MONOTONIC) */
	bool in_txn;		/* between begin and commit */
	bool txn_reload;	/* begun with "begin reload": commit reloads (RT_CTL_RELOAD) */
	struct sbuf txn;	/* the commands queued since begin */
};

struct rt_ctl {
	struct rt_ev ev;
	int fd, epfd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	rt_ctl_fn fn;
	void *arg;
	struct ctl_conn *conn[RT_CTL_MAX_CONN];
	struct sbuf out;	/* one command's output, reused */
	uint64_t served, refused;
	/* connections closed while an epoll batch may still name them */
	struct ctl_conn *dead[2 * RT_CTL_MAX_CONN];
	unsigned int ndead;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *rt_ctl_path(const char *opt)
{
	const char *env = getenv(RT_CTL_ENV);

	if (opt && *opt)
		return opt;
	if (env && *env)
		return env;
	return RT_CTL_DEFAULT_PATH;
}

static int sun_fill(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return -ENAMETOOLONG;
	/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): length checked above */
	strcpy(sun->sun_path, path);
	return 0;
}

/* mkdir -p of PATH's directory, new directories 0755 */
static int make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = 0;
	for (char *p = dir + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = 0;
			if (mkdir(dir, 0755) < 0 && errno != EEXIST)
				return -errno;
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

static void conn_free(struct ctl_conn *cn)
{
	struct rt_ctl *c = cn->ctl;

	for (int i = 0; i < RT_CTL_MAX_CONN; i++)
		if (c->conn[i] == cn)
			c->conn[i] = NULL;
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, cn->fd, NULL);
	close(cn->fd);
	free(cn->in);
	sbuf_free(&cn->outq);
	sbuf_free(&cn->txn);
	free(cn);
}

/*
 * Close a connection other than the one whose event is being handled (an
 * idle one, or one closed to make room): the current epoll batch may still
 * hold an event for it, so its memory stays until rt_ctl_reap().  False
 * when no more can be parked in this batch.
 */
static bool conn_retire(struct ctl_conn *cn)
{
	struct rt_ctl *c = cn->ctl;

	if (c->ndead == sizeof(c->dead) / sizeof(c->dead[0]))
		return false;
	for (int i = 0; i < RT_CTL_MAX_CONN; i++)
		if (c->conn[i] == cn)
			c->conn[i] = NULL;
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, cn->fd, NULL);
	close(cn->fd);
	cn->fd = -1;
	cn->dead = true;
	c->dead[c->ndead++] = cn;
	return true;
}

void rt_ctl_reap(struct rt_ctl *c)
{
	while (c && c->ndead) {
		struct ctl_conn *cn = c->dead[--c->ndead];

		free(cn->in);
		sbuf_free(&cn->outq);
		free(cn);
	}
}

static void conn_watch(struct ctl_conn *cn)
{
	struct epoll_event e = { .data.ptr = &cn->ev };
	bool pending = cn->outq.len > cn->out_off;

	/* while a reply is pending, wait for the client to read it */
	e.events = pending ? EPOLLOUT : EPOLLIN;
	epoll_ctl(cn->ctl->epfd, EPOLL_CTL_MOD, cn->fd, &e);
}

/* 0: all written or would block; -1: connection gone */
static int conn_flush(struct ctl_conn *cn)
{
	while (cn->out_off < cn->outq.len) {
		ssize_t w = send(cn->fd, cn->outq.buf + cn->out_off,
				 cn->outq.len - cn->out_off, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -1;
		}
		cn->out_off += (size_t)w;
		cn->last_ns = mono_ns();
	}
	sbuf_reset(&cn->outq);
	cn->out_off = 0;
	return 0;
}

static void conn_reply(struct ctl_conn *cn, int status, const struct sbuf *body)
{
	sbuf_printf(&cn->outq, "%d %zu\n", status, body->len);
	sbuf_add(&cn->outq, body->buf ? body->buf : "", body->len);
}

/*
 * begin / commit / abort: the commands in between are queued and run as
 * one transaction at commit (RT_CTL_TXN).  True when the request was one
 * of these or was queued (its reply is sent).
 */
static bool txn_request(struct ctl_conn *cn, const char *cmd, int flags)
{
	struct rt_ctl *c = cn->ctl;
	int ret;

	if (!strcmp(cmd, "begin") || !strcmp(cmd, "begin reload")) {
		if (cn->in_txn) {
			sbuf_puts(&c->out, "a transaction is already open (commit or abort it)\n");
			conn_reply(cn, EINVAL, &c->out);
			return true;
		}
		cn->in_txn = true;
		cn->txn_reload = cmd[5] != 0;
		sbuf_reset(&cn->txn);
		conn_reply(cn, 0, &c->out);
		return true;
	}
	if (!strcmp(cmd, "commit") || !strcmp(cmd, "abort")) {
		if (!cn->in_txn) {
			sbuf_printf(&c->out, "%s without begin\n", cmd);
			conn_reply(cn, EINVAL, &c->out);
			return true;
		}
		cn->in_txn = false;
		ret = 0;
		if (cmd[0] == 'c') {
			ret = c->fn(c->arg, sbuf_str(&cn->txn),
				    flags | (cn->txn_reload ? RT_CTL_RELOAD : RT_CTL_TXN), &c->out);
			c->served++;
		}
		sbuf_free(&cn->txn);
		conn_reply(cn, ret < 0 ? -ret : 0, &c->out);
		return true;
	}
	if (!cn->in_txn)
		return false;
	if (cn->txn.len + strlen(cmd) + 1 > RT_CTL_MAX_TXN) {
		sbuf_printf(&c->out, "transaction larger than %d bytes: aborted\n", RT_CTL_MAX_TXN);
		cn->in_txn = false;
		sbuf_free(&cn->txn);
		conn_reply(cn, E2BIG, &c->out);
		return true;
	}
	sbuf_printf(&cn->txn, "%s\n", cmd);
	conn_reply(cn, 0, &c->out);
	return true;
}

static void conn_request(struct ctl_conn *cn, char *line, size_t len)
{
	struct rt_ctl *c = cn->ctl;
	char *sp = memchr(line, ' ', len);
	long bad;
	int flags = 0, ret;

	sbuf_reset(&c->out);
	if (!sp) {
		sbuf_puts(&c->out, "malformed request: expected 'FLAGS COMMAND'\n");
		conn_reply(cn, EPROTO, &c->out);
		return;
	}
	*sp = 0;
	for (const char *f = line; *f; f++) {
		if (*f == 'j')
			flags |= RT_CTL_JSON;
		else if (*f == 'p')
			flags |= RT_CTL_JSON | RT_CTL_PRETTY;
	}
	/* a NUL would end the command early: "add vpc 7 cidr ...<NUL>junk" */
	bad = gnv_ctl_byte(sp + 1, len - (size_t)(sp + 1 - line));
	if (bad >= 0) {
		/* rejected whole, before the command language sees a byte */
		sbuf_printf(&c->out, flags & RT_CTL_JSON ?
			    "{\"schema\":1,\"error\":\"control byte 0x%02x at column %zu of the command\"}" :
			    "control byte 0x%02x at column %zu of the command",
			    (unsigned char)sp[1 + bad], (size_t)bad + 1);
		conn_reply(cn, EINVAL, &c->out);
		return;
	}
	if (txn_request(cn, sp + 1, flags))
		return;
	ret = c->fn(c->arg, sp + 1, flags, &c->out);
	c->served++;
	if (c->out.oom) {
		sbuf_reset(&c->out);
		sbuf_puts(&c->out, "out of memory\n");
		ret = -ENOMEM;
	}
	conn_reply(cn, ret < 0 ? -ret : 0, &c->out);
}

static void conn_read(struct ctl_conn *cn)
{
	cn->last_ns = mono_ns();
	for (;;) {
		ssize_t r;
		char *nl;

		/* serve complete lines first, one reply at a time */
		while (cn->outq.len == cn->out_off &&
		       (nl = memchr(cn->in, '\n', cn->in_len)) != NULL) {
			size_t n = (size_t)(nl - cn->in) + 1, len = n - 1;

			*nl = 0;
			if (len && cn->in[len - 1] == '\r')
				cn->in[--len] = 0;
			conn_request(cn, cn->in, len);
			memmove(cn->in, cn->in + n, cn->in_len - n);
			cn->in_len -= n;
			if (conn_flush(cn) < 0) {
				conn_free(cn);
				return;
			}
		}
		if (cn->outq.len > cn->out_off)
			break;
		if (cn->eof) {
			conn_free(cn);
			return;
		}
		if (cn->in_len >= RT_CTL_MAX_LINE) {
			struct sbuf msg = SBUF_INIT;

			sbuf_printf(&msg, "request longer than %d bytes\n", RT_CTL_MAX_LINE);
			conn_reply(cn, E2BIG, &msg);
			sbuf_free(&msg);
			conn_flush(cn);
			conn_free(cn);
			return;
		}
		r = recv(cn->fd, cn->in + cn->in_len, RT_CTL_MAX_LINE - cn->in_len, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			conn_free(cn);
			return;
		}
		if (r == 0) {
			cn->eof = true;
			continue;
		}
		cn->in_len += (size_t)r;
	}
	conn_watch(cn);
}

/* A reply to a request the peer has not sent yet; it reads it first. */
static void refuse(int fd, int status, const char *msg)
{
	char buf[160];
	int n = snprintf(buf, sizeof(buf), "%d %zu\n%s", status, strlen(msg), msg);

	if (n > 0 && (size_t)n < sizeof(buf))
		(void)!send(fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/*
 * A free slot for a peer of uid, or -1.  A uid other than root holds at
 * most RT_CTL_MAX_CONN - RT_CTL_ROOT_SLOTS connections, so idle clients of
 * the router's user cannot fill the table; root always gets a slot: when
 * the table is full, the connection idle the longest is closed for it.
 */
static int ctl_slot(struct rt_ctl *c, uid_t uid)
{
	int free_slot = -1, mine = 0, oldest = -1;

	for (int i = 0; i < RT_CTL_MAX_CONN; i++) {
		struct ctl_conn *x = c->conn[i];

		if (!x) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		mine += x->uid == uid;
		if (x->outq.len == x->out_off && (oldest < 0 || x->last_ns < c->conn[oldest]->last_ns))
			oldest = i;
	}
	if (uid != 0 && mine >= RT_CTL_MAX_CONN - RT_CTL_ROOT_SLOTS)
		return -1;
	if (free_slot >= 0)
		return free_slot;
	if (uid == 0 && oldest >= 0 && conn_retire(c->conn[oldest]))
		return oldest;
	return -1;
}

void rt_ctl_tick(struct rt_ctl *c, uint64_t now)
{
	for (int i = 0; i < RT_CTL_MAX_CONN; i++) {
		struct ctl_conn *x = c->conn[i];

		if (x && x->outq.len == x->out_off && now - x->last_ns > RT_CTL_IDLE_NS)
			conn_retire(x);
	}
}

static void ctl_accept(struct rt_ctl *c)
{
	for (;;) {
		struct ucred cred;
		socklen_t cl = sizeof(cred);
		struct ctl_conn *cn;
		struct epoll_event e = { .events = EPOLLIN };
		int fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), slot = -1;

		if (fd < 0)
			return;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0 ||
		    (cred.uid != 0 && cred.uid != geteuid())) {
			refuse(fd, EACCES, "permission denied: peer is neither root nor the router's user\n");
			c->refused++;
			close(fd);
			continue;
		}
		/* memory first: a connection closed for this one is not closed in vain */
		cn = calloc(1, sizeof(*cn));
		if (cn)
			cn->in = malloc(RT_CTL_MAX_LINE + 1);
		slot = cn && cn->in ? ctl_slot(c, cred.uid) : -1;
		if (slot < 0) {
			if (cn && cn->in)
				refuse(fd, EBUSY, "too many control clients\n");
			else
				refuse(fd, ENOMEM, "out of memory\n");
			c->refused++;
			if (cn)
				free(cn->in);
			free(cn);
			close(fd);
			continue;
		}
		cn->ev.kind = RT_EV_CTL_CONN;
		cn->ev.obj = cn;
		cn->ctl = c;
		cn->fd = fd;
		cn->uid = cred.uid;
		cn->last_ns = mono_ns();
		e.data.ptr = &cn->ev;
		if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
			close(fd);
			free(cn->in);
			free(cn);
			continue;
		}
		c->conn[slot] = cn;
	}
}

void rt_ctl_event(struct rt_ctl *c, struct rt_ev *ev, uint32_t events)
{
	struct ctl_conn *cn;

	if (ev->kind == RT_EV_CTL_LISTEN) {
		ctl_accept(c);
		return;
	}
	cn = ev->obj;
	if (cn->dead)
		return;		/* closed earlier in this batch (rt_ctl_reap frees it) */
	if (events & EPOLLOUT) {
		if (conn_flush(cn) < 0) {
			conn_free(cn);
			return;
		}
		if (cn->outq.len > cn->out_off)
			return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLOUT))
		conn_read(cn);
}

static bool socket_alive(const char *path)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0 || sun_fill(&sun, path) < 0) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	alive = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return alive;
}

int rt_ctl_open(struct rt_ctl **out, const char *path, int epfd, rt_ctl_fn fn, void *arg)
{
	struct sockaddr_un sun;
	struct epoll_event e = { .events = EPOLLIN };
	struct rt_ctl *c;
	struct stat st;
	mode_t old;
	int ret;

	ret = sun_fill(&sun, path);
	if (ret)
		return ret;
	ret = make_parent(path);
	if (ret)
		return ret;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		if (socket_alive(path))
			return -EADDRINUSE;
		unlink(path);	/* stale: a router that died */
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->ev.kind = RT_EV_CTL_LISTEN;
	c->ev.obj = c;
	c->epfd = epfd;
	c->fn = fn;
	c->arg = arg;
	/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): sun_fill checked the length */
	strcpy(c->path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		ret = -errno;
		free(c);
		return ret;
	}
	old = umask(0177);	/* created 0600: no window with a wider mode */
	ret = bind(c->fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (ret < 0 || chmod(path, 0600) < 0 || listen(c->fd, 16) < 0) {
		ret = -errno;
		goto fail;
	}
	e.data.ptr = &c->ev;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &e) < 0) {
		ret = -errno;
		unlink(path);
		goto fail;
	}
	*out = c;
	return 0;
fail:
	close(c->fd);
	free(c);
	return ret;
}

void rt_ctl_close(struct rt_ctl *c)
{
	if (!c)
		return;
	for (int i = 0; i < RT_CTL_MAX_CONN; i++)
		if (c->conn[i])
			conn_free(c->conn[i]);
	rt_ctl_reap(c);
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	unlink(c->path);
	sbuf_free(&c->out);
	free(c);
}

void rt_ctl_counts(const struct rt_ctl *c, uint64_t *served, uint64_t *refused)
{
	*served = c ? c->served : 0;
	*refused = c ? c->refused : 0;
}

int rt_ctl_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd, ret = sun_fill(&sun, path);

	if (ret)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read exactly n bytes (a header byte by byte, then the body). */
static int read_full(int fd, char *p, size_t n)
{
	while (n) {
		ssize_t r = recv(fd, p, n, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -ECONNRESET;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* begin (the word given), every line (blank ones too with all_lines), commit */
static int call_txn(int fd, const char *begin, bool all_lines, const char *lines, size_t size,
		    int flags, int *status, struct sbuf *out)
{
	const char *p = lines, *end = lines + size;
	char *line = NULL;
	int ret;

	ret = rt_ctl_call(fd, begin, flags, status, out);
	while (!ret && !*status && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		char *l = realloc(line, n + 1);

		if (!l) {
			ret = -ENOMEM;
			break;
		}
		line = l;
		memcpy(line, p, n);
		line[n] = 0;
		p += n + 1;
		if (n || all_lines) {
			sbuf_reset(out);
			ret = rt_ctl_call(fd, line, flags, status, out);
		}
	}
	free(line);
	if (ret)
		return ret;
	if (*status) {
		struct sbuf ignore = SBUF_INIT;
		int st;

		rt_ctl_call(fd, "abort", flags, &st, &ignore);
		sbuf_free(&ignore);
		return 0;
	}
	sbuf_reset(out);
	return rt_ctl_call(fd, "commit", flags, status, out);
}

int rt_ctl_call_txn(int fd, const char *lines, size_t size, int flags, int *status, struct sbuf *out)
{
	return call_txn(fd, "begin", false, lines, size, flags, status, out);
}

int rt_ctl_call_reload(int fd, const char *lines, size_t size, int flags, int *status, struct sbuf *out)
{
	return call_txn(fd, "begin reload", true, lines, size, flags, status, out);
}

int rt_ctl_call(int fd, const char *line, int flags, int *status, struct sbuf *out)
{
	struct sbuf req = SBUF_INIT;
	char hdr[64], *sp, body[4096];
	size_t h = 0;
	uint64_t st, size;
	int ret, wret;

	if (strchr(line, '\n'))
		return -EINVAL;
	sbuf_printf(&req, "%s %s\n",
		    flags & RT_CTL_PRETTY ? "p" : flags & RT_CTL_JSON ? "j" : "-", line);
	ret = req.oom ? -ENOMEM : write_all(fd, req.buf, req.len);
	sbuf_free(&req);
	/* a router that refuses the peer (SO_PEERCRED) answers and closes at
	 * once: the write then fails, but its answer is there to be read */
	if (ret && ret != -EPIPE && ret != -ECONNRESET)
		return ret;
	wret = ret;
	for (;;) {
		if (h + 1 >= sizeof(hdr))
			return -EPROTO;
		ret = read_full(fd, hdr + h, 1);
		if (ret)
			return wret ? wret : ret;
		if (hdr[h] == '\n')
			break;
		h++;
	}
	hdr[h] = 0;
	sp = strchr(hdr, ' ');
	if (!sp)
		return -EPROTO;
	*sp = 0;
	if (num_parse_u64(hdr, 0, 4095, &st) || num_parse_u64(sp + 1, 0, UINT32_MAX, &size))
		return -EPROTO;
	while (size) {
		size_t n = size < sizeof(body) ? (size_t)size : sizeof(body);

		ret = read_full(fd, body, n);
		if (ret)
			return ret;
		sbuf_add(out, body, n);
		size -= n;
	}
	*status = (int)st;
	return out->oom ? -ENOMEM : 0;
}
