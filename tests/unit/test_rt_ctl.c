/* SPDX-License-Identifier: MIT */
/* router/ctl.c: the control socket's server side, in one process: a
 * client socket writes raw request bytes, the test runs the server's
 * epoll events, then reads the reply. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

Suite *rt_ctl_suite(void)
{
	Suite *s = suite_create("rt_ctl");
	TCase *tc = tcase_create("server");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, nul_byte_rejects_the_request);
	tcase_add_test(tc, control_bytes_and_json);
	suite_add_tcase(s, tc);
	return s;
}
