/* SPDX-License-Identifier: MIT */
/* router/ctl.c: the control socket's server side, in one process: a
 * client socket writes raw request bytes, the test runs the server's
 * epoll events, then reads the reply. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "../../router/config.h"
#include "../../router/ctl.h"

Suite *rt_ctl_suite(void);

static struct rt_tables *t;

static int exec_fn(void *arg, const char *line, int flags, struct sbuf *out)
{
	return rt_cmd_exec(arg, NULL, line, flags & RT_CTL_JSON, out);
}

/* Send size raw bytes as one request, serve it, return the reply
 * ("STATUS SIZE\nBODY") in buf. */
static void roundtrip(const char *req, size_t size, char *buf, size_t bufsize)
{
	char path[108];
	struct rt_ctl *c = NULL;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int epfd = epoll_create1(0), fd;
	size_t got = 0;

	snprintf(path, sizeof(path), "/tmp/genv-ut-ctl.%d", (int)getpid());
	ck_assert_int_ge(epfd, 0);
	ck_assert_int_eq(rt_ctl_open(&c, path, epfd, exec_fn, t), 0);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(send(fd, req, size, 0), (ssize_t)size);
	for (int round = 0; round < 50 && !memchr(buf, '\n', got); round++) {
		struct epoll_event ev[8];
		int n = epoll_wait(epfd, ev, 8, 100);
		ssize_t r;

		for (int i = 0; i < n; i++)
			rt_ctl_event(c, ev[i].data.ptr, ev[i].events);
		r = recv(fd, buf + got, bufsize - 1 - got, MSG_DONTWAIT);
		if (r > 0)
			got += (size_t)r;
		buf[got] = 0;
	}
	close(fd);
	rt_ctl_close(c);
	close(epfd);
}

static void setup(void)
{
	t = rt_tables_new(NULL);
	ck_assert_ptr_nonnull(t);
}

static void teardown(void)
{
	rt_tables_free(t);
}

START_TEST(nul_byte_rejects_the_request)
{
	static const char req[] = "- add vpc 777 cidr 10.77.0.0/16\0junk\n";
	char buf[512] = "";

	roundtrip(req, sizeof(req) - 1, buf, sizeof(buf));
	ck_assert_msg(!strncmp(buf, "22 ", 3), "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "control byte 0x00 at column 30 of the command"));
	ck_assert_ptr_null(rt_vpc_find(t, 777));	/* nothing changed */
}
END_TEST

START_TEST(control_bytes_and_json)
{
	static const char req[] = "j add vpc 778\x01 cidr 10.78.0.0/16\n";
	static const char ok[] = "- add vpc 779\tcidr 10.79.0.0/16\r\n";
	char buf[512] = "";

	roundtrip(req, sizeof(req) - 1, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "{\"schema\":1,\"error\":\"control byte 0x01 at column 12 of the command\"}"),
		      "%s", buf);
	ck_assert_ptr_null(rt_vpc_find(t, 778));
	/* a tab separates words, CR LF ends a line: both fine */
	memset(buf, 0, sizeof(buf));
	roundtrip(ok, sizeof(ok) - 1, buf, sizeof(buf));
	ck_assert_msg(!strncmp(buf, "0 ", 2), "%s", buf);
	ck_assert_ptr_nonnull(rt_vpc_find(t, 779));
}
END_TEST

/* A router that refuses the peer answers and closes before reading: the
 * client's write fails (EPIPE), and it still reports the router's words. */
START_TEST(refusal_read_after_a_failed_write)
{
	static const char msg[] = "permission denied: peer is neither root nor the router's user\n";
	struct sbuf out = SBUF_INIT;
	char rep[160];
	int sv[2], status = -1, n;

	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	n = snprintf(rep, sizeof(rep), "13 %zu\n%s", strlen(msg), msg);
	ck_assert_int_eq(send(sv[1], rep, (size_t)n, 0), n);
	close(sv[1]);
	ck_assert_int_eq(rt_ctl_call(sv[0], "show vpc", 0, &status, &out), 0);
	ck_assert_int_eq(status, EACCES);
	ck_assert_str_eq(sbuf_str(&out), msg);
	close(sv[0]);
	sbuf_free(&out);
}
END_TEST

/* Run the server's events for up to rounds x 20 ms. */
static void serve_events(struct rt_ctl *c, int epfd, int rounds)
{
	for (int round = 0; round < rounds; round++) {
		struct epoll_event ev[16];
		int n = epoll_wait(epfd, ev, 16, 20);

		for (int i = 0; i < n; i++)
			rt_ctl_event(c, ev[i].data.ptr, ev[i].events);
		rt_ctl_reap(c);
	}
}

static int dial(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memcpy(sun.sun_path, path, strlen(path) + 1);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

/* 32 idle clients do not lock root out (the one that waited longest
 * goes), and idle clients are closed after RT_CTL_IDLE_NS. */
START_TEST(idle_clients_do_not_lock_out)
{
	char path[108], buf[256];
	struct rt_ctl *c = NULL;
	int epfd = epoll_create1(0), fd[RT_CTL_MAX_CONN], extra;
	struct timespec ts;
	ssize_t r;

	snprintf(path, sizeof(path), "/tmp/genv-ut-ctl2.%d", (int)getpid());
	ck_assert_int_eq(rt_ctl_open(&c, path, epfd, exec_fn, t), 0);
	for (int i = 0; i < RT_CTL_MAX_CONN; i++) {
		fd[i] = dial(path);
		serve_events(c, epfd, 1);
	}
	serve_events(c, epfd, 3);
	/* the tests run as root: the 33rd gets a slot and an answer */
	extra = dial(path);
	serve_events(c, epfd, 3);
	ck_assert_int_eq(send(extra, "- show vpc\n", 11, 0), 11);
	serve_events(c, epfd, 5);
	r = recv(extra, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	ck_assert_msg(r >= 2 && !strncmp(buf, "0 ", 2), "no answer for root: %zd '%.40s'", r, r > 0 ? buf : "");
	/* the oldest was closed for it */
	ck_assert_int_eq(recv(fd[0], buf, sizeof(buf), MSG_DONTWAIT), 0);
	/* an hour later every idle client is gone */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	rt_ctl_tick(c, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec + RT_CTL_IDLE_NS + 1);
	ck_assert_int_eq(recv(fd[1], buf, sizeof(buf), MSG_DONTWAIT), 0);
	ck_assert_int_eq(recv(extra, buf, sizeof(buf), MSG_DONTWAIT), 0);
	for (int i = 0; i < RT_CTL_MAX_CONN; i++)
		close(fd[i]);
	close(extra);
	rt_ctl_close(c);
	close(epfd);
}
END_TEST

Suite *rt_ctl_suite(void)
{
	Suite *s = suite_create("rt_ctl");
	TCase *tc = tcase_create("server");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, nul_byte_rejects_the_request);
	tcase_add_test(tc, control_bytes_and_json);
	tcase_add_test(tc, refusal_read_after_a_failed_write);
	tcase_add_test(tc, idle_clients_do_not_lock_out);
	suite_add_tcase(s, tc);
	return s;
}
