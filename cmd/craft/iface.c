/* SPDX-License-Identifier: MIT */
/*
 * craft -i IFACE (iface.h): outer addresses from the interface and the
 * kernel, the lines of what was sent, and --expect.
 *
 * The next hop comes from router/nexthop.c (RTM_GETROUTE, RTM_GETNEIGH and
 * an NTF_USE update that starts ARP when the neighbour is not known): one
 * lookup, retried for a second while the kernel resolves it.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include "iface.h"
#include "../../libcore/filter.h"
#include "../../libcore/num.h"
#include "../../libcore/pkt.h"
#include "../../router/nexthop.h"

#define NH_TRIES	20		/* 50 ms apart: a second for ARP */

struct if_addrs {
	uint8_t mac[6];
	bool have_mac;
	uint32_t ip4;			/* network order, 0 = none */
	uint8_t ip6[16];
	bool have_ip6;
	bool noarp;			/* loopback or IFF_NOARP: no neighbour to ask */
};

static void if_addrs_get(const char *ifname, struct if_addrs *a)
{
	struct ifaddrs *ifa, *i;

	memset(a, 0, sizeof(*a));
	if (getifaddrs(&ifa))
		return;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, ifname))
			continue;
		if (i->ifa_flags & (IFF_LOOPBACK | IFF_NOARP))
			a->noarp = true;
		if (i->ifa_addr->sa_family == AF_PACKET) {
			const struct sockaddr_ll *ll = (const struct sockaddr_ll *)i->ifa_addr;

			if (ll->sll_halen == 6) {
				memcpy(a->mac, ll->sll_addr, 6);
				a->have_mac = true;
			}
		} else if (i->ifa_addr->sa_family == AF_INET && !a->ip4) {
			a->ip4 = ((const struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
		} else if (i->ifa_addr->sa_family == AF_INET6 && !a->have_ip6) {
			const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)i->ifa_addr;

			/* a global address: a link-local one does not leave the link */
			if (!IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr)) {
				memcpy(a->ip6, &s6->sin6_addr, 16);
				a->have_ip6 = true;
			}
		}
	}
	freeifaddrs(ifa);
}

static void verbose_fill(struct genv_ctx *g, const char *what, const char *val)
{
	if (g->verbose)
		fprintf(g->err, "genv craft: %s %s\n", what, val);
}

static void mac_str(char *b, size_t n, const uint8_t *m)
{
	snprintf(b, n, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* The next hop's MAC toward dst (and the route's source) through ifname. */
static int resolve4(struct genv_ctx *g, const char *ifname, unsigned int ifindex,
		    uint32_t dst, uint32_t fallback, uint8_t mac[6], uint32_t *src)
{
	struct rt_nh_table *t;
	char d[INET_ADDRSTRLEN], v[INET_ADDRSTRLEN];
	uint32_t via = dst;
	int ret;

	inet_ntop(AF_INET, &dst, d, sizeof(d));
	ret = rt_nh_open(&t, ifindex, fallback);
	if (ret) {
		gerr(g, "-i %s: cannot read the route to %s: %s", ifname, d, strerror(-ret));
		return EXIT_FAIL;
	}
	for (int k = 0; k < NH_TRIES; k++) {
		ret = rt_nh_resolve(t, dst, mac, src, &via);
		if (ret != -EAGAIN)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 50000000 }, NULL);
	}
	rt_nh_close(t);
	inet_ntop(AF_INET, &via, v, sizeof(v));
	switch (ret) {
	case 0:
		return 0;
	case -ENETUNREACH:
	case -ESRCH:
		gerr(g, "-i %s: the outer destination %s is not routed through %s; give eth dst=", ifname, d, ifname);
		return EXIT_FAIL;
	case -EAGAIN:
		gerr(g, "-i %s: next hop %s toward %s did not answer ARP within 1 s; give eth dst=", ifname, v, d);
		return EXIT_FAIL;
	default:
		gerr(g, "-i %s: cannot resolve the next hop toward %s: %s", ifname, d, strerror(-ret));
		return EXIT_FAIL;
	}
}

int craft_iface_fill(struct genv_ctx *g, const char *ifname, struct gnv_spec *spec,
		     const struct gnv_layer *res)
{
	struct gnv_layer *eth = NULL, *ip = NULL;
	const struct gnv_layer *ipres = NULL;
	struct if_addrs a;
	unsigned int ifindex = if_nametoindex(ifname);
	char b[64];

	if (!ifindex) {
		gerr(g, "cannot open '%s': %s", ifname, strerror(errno));
		return EXIT_FAIL;
	}
	for (int k = 0; k < spec->nlayer && spec->l[k].level == 0; k++) {
		struct gnv_layer *l = &spec->l[k];

		if (l->kind == LK_ETH && !eth && !ip)
			eth = l;
		else if ((l->kind == LK_IPV4 || l->kind == LK_IPV6) && !ip) {
			ip = l;
			ipres = &res[k];
		}
	}
	if (!ip)
		return 0;		/* no outer IP: nothing to route */
	if_addrs_get(ifname, &a);
	if (!eth && ip == &spec->l[0] && a.have_mac) {
		/* 'ipv4 / ...' on an Ethernet interface: the frame needs its header */
		if (spec->nlayer >= GNV_SPEC_MAX_LAYERS) {
			gerr(g, "-i %s: no room for the Ethernet header (%d layers at most)",
			     ifname, GNV_SPEC_MAX_LAYERS);
			return EXIT_USAGE;
		}
		memmove(&spec->l[1], &spec->l[0], spec->nlayer * sizeof(spec->l[0]));
		spec->nlayer++;
		eth = &spec->l[0];
		ip = &spec->l[1];
		memset(eth, 0, sizeof(*eth));
		eth->kind = LK_ETH;
	}
	if (eth && !GNV_ISSET(eth, F_ETH_SRC) && a.have_mac) {
		memcpy(eth->u.eth.src, a.mac, 6);
		eth->set |= 1ull << F_ETH_SRC;
		mac_str(b, sizeof(b), a.mac);
		verbose_fill(g, "outer eth src", b);
	}
	if (ip->kind == LK_IPV6) {
		if (!GNV_ISSET(ip, F_IP6_SRC) && a.have_ip6) {
			memcpy(ip->u.ip6.src, a.ip6, 16);
			ip->set |= 1ull << F_IP6_SRC;
			inet_ntop(AF_INET6, a.ip6, b, sizeof(b));
			verbose_fill(g, "outer ipv6 src", b);
		}
		if (eth && !GNV_ISSET(eth, F_ETH_DST)) {
			gerr(g, "-i %s: the next hop is resolved for an IPv4 outer header only; give eth dst= with ipv6",
			     ifname);
			return EXIT_USAGE;
		}
		return 0;
	}
	if (eth && !GNV_ISSET(eth, F_ETH_DST)) {
		uint32_t dst, src = 0;
		uint8_t mac[6];
		int ret;

		memcpy(&dst, ipres->u.ip4.dst, 4);
		memset(mac, 0, 6);
		ret = a.noarp ? 0 : resolve4(g, ifname, ifindex, dst, a.ip4, mac, &src);
		if (ret)
			return ret;
		memcpy(eth->u.eth.dst, mac, 6);
		eth->set |= 1ull << F_ETH_DST;
		mac_str(b, sizeof(b), mac);
		verbose_fill(g, "outer eth dst (next hop)", b);
		if (src)
			a.ip4 = src;	/* the route's preferred source */
	}
	if (!GNV_ISSET(ip, F_IP4_SRC) && a.ip4) {
		memcpy(ip->u.ip4.src, &a.ip4, 4);
		ip->set |= 1ull << F_IP4_SRC;
		inet_ntop(AF_INET, &a.ip4, b, sizeof(b));
		verbose_fill(g, "outer ipv4 src", b);
	}
	return 0;
}

/* ---- what was sent ---- */

static struct gnv_pkt sent_pk;	/* one decode at a time: craft is not re-entered */

static void frame_now(struct gnv_frame *fr, uint64_t num)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	memset(fr, 0, sizeof(*fr));
	fr->num = num;
	fr->has_ts = true;
	fr->sec = ts.tv_sec;
	fr->frac = (uint32_t)(ts.tv_nsec / 1000);
	fr->frac_digits = 6;
}

static void decode_eth(struct gnv_pkt *pk, const uint8_t *p, size_t n, int linktype)
{
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	cfg.linktype = linktype;
	gnv_decode(pk, p, (uint32_t)n, (uint32_t)n, &cfg);
}

void craft_sent_init(struct craft_sent *s, struct genv_ctx *g)
{
	memset(s, 0, sizeof(*s));
	gnv_printer_init(&s->pr, g->color && !g->json, g->pretty);
}

int craft_sent_packet(struct craft_sent *s, struct genv_ctx *g, const uint8_t *p, size_t n)
{
	struct gnv_frame fr;

	s->n++;
	s->bytes += n;
	if (!g->verbose || g->quiet || g->json)
		return 0;
	frame_now(&fr, s->n);
	decode_eth(&sent_pk, p, n, GNV_LINK_ETH);
	sbuf_reset(&s->sb);
	sbuf_puts(&s->sb, "sent ");
	gnv_print_line(&s->pr, &s->sb, &sent_pk, &fr);
	if (s->sb.oom)
		return -ENOMEM;
	return out_write(g, s->sb.buf, s->sb.len);
}

int craft_sent_summary(struct craft_sent *s, struct genv_ctx *g, const char *ifname)
{
	int ret = 0;

	if (!g->quiet && !g->json) {
		sbuf_reset(&s->sb);
		sbuf_printf(&s->sb, "sent %llu packet%s (%llu bytes) on %s\n",
			    (unsigned long long)s->n, s->n == 1 ? "" : "s",
			    (unsigned long long)s->bytes, ifname);
		ret = s->sb.oom ? -ENOMEM : out_write(g, s->sb.buf, s->sb.len);
	}
	sbuf_free(&s->sb);
	return ret;
}

/* ---- --expect ---- */

static int link_of(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB: return GNV_LINK_ETH;
	case DLT_RAW: return GNV_LINK_RAW;
	case DLT_LINUX_SLL: return GNV_LINK_SLL;
	case DLT_LINUX_SLL2: return GNV_LINK_SLL2;
	default: return -1;
	}
}

int craft_expect_open(struct craft_expect *e, struct genv_ctx *g, const char *ifname,
		      const char *filter)
{
	char errbuf[PCAP_ERRBUF_SIZE], err[256];
	size_t epos = 0;

	memset(e, 0, sizeof(e[0]));
	e->text = filter;
	if (gnv_filter_parse_at(filter, &e->flt, err, sizeof(err), &epos)) {
		gusage(g, "--expect: bad filter: %s", err);
		gnv_filter_caret(filter, epos, errbuf, sizeof(errbuf));
		fprintf(g->err, "%s\n", errbuf);
		return EXIT_USAGE;
	}
	/* opened before the first packet leaves, so a fast reply is not missed */
	e->pc = pcap_create(ifname, errbuf);
	if (!e->pc) {
		gerr(g, "cannot open '%s': %s", ifname, errbuf);
		return EXIT_FAIL;
	}
	pcap_set_snaplen(e->pc, GNV_FRAME_MAX);
	pcap_set_immediate_mode(e->pc, 1);
	if (pcap_activate(e->pc) < 0) {
		gerr(g, "cannot capture on '%s': %s", ifname, pcap_geterr(e->pc));
		return EXIT_FAIL;
	}
	/* replies only: not the packets craft sends */
	pcap_setdirection(e->pc, PCAP_D_IN);
	if (link_of(pcap_datalink(e->pc)) < 0) {
		gerr(g, "cannot capture on '%s': link type %d is not Ethernet or raw IP",
		     ifname, pcap_datalink(e->pc));
		return EXIT_FAIL;
	}
	if (gnv_filter_compile(e->flt, pcap_datalink(e->pc), GNV_FRAME_MAX, err, sizeof(err))) {
		gusage(g, "--expect: bad filter: %s", err);
		return EXIT_USAGE;
	}
	if (pcap_setnonblock(e->pc, 1, errbuf) < 0) {
		gerr(g, "cannot capture on '%s': %s", ifname, errbuf);
		return EXIT_FAIL;
	}
	return 0;
}

struct expect_cb {
	struct craft_expect *e;
	struct genv_ctx *g;
	int link;
	int ret;
};

static void expect_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct expect_cb *c = (struct expect_cb *)user;
	struct gnv_decode_cfg cfg;
	struct gnv_printer *pr;
	struct gnv_frame fr;
	struct sbuf sb = SBUF_INIT;

	if (c->e->matched)
		return;
	gnv_decode_cfg_default(&cfg);
	cfg.linktype = c->link;
	gnv_decode(&sent_pk, data, h->caplen, h->len, &cfg);
	if (!gnv_filter_match(c->e->flt, &sent_pk, h, data))
		return;
	c->e->matched = true;
	pr = malloc(sizeof(*pr));
	if (!pr) {
		c->ret = -ENOMEM;
		return;
	}
	gnv_printer_init(pr, c->g->color && !c->g->json, c->g->pretty);
	memset(&fr, 0, sizeof(fr));
	fr.num = 1;
	fr.has_ts = true;
	fr.sec = h->ts.tv_sec;
	fr.frac = (uint32_t)h->ts.tv_usec;
	fr.frac_digits = 6;
	if (c->g->json) {
		/* not printed here: craft's one document holds it ("reply") */
		gnv_print_json(pr, &c->e->json, &sent_pk, &fr);
		while (c->e->json.len && c->e->json.buf[c->e->json.len - 1] == '\n')
			c->e->json.buf[--c->e->json.len] = '\0';
		c->ret = c->e->json.oom ? -ENOMEM : 0;
		free(pr);
		return;
	} else {
		sbuf_puts(&sb, "reply ");
		gnv_print_line(pr, &sb, &sent_pk, &fr);
		if (c->g->verbose && gnv_lang_format(&sent_pk, &sb) == 0)
			sbuf_putc(&sb, '\n');
	}
	c->ret = sb.oom ? -ENOMEM : out_write(c->g, sb.buf, sb.len);
	sbuf_free(&sb);
	free(pr);
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int craft_expect_wait(struct craft_expect *e, struct genv_ctx *g, double timeout)
{
	struct expect_cb c = { .e = e, .g = g, .link = link_of(pcap_datalink(e->pc)) };
	struct pollfd pfd = { .fd = pcap_get_selectable_fd(e->pc), .events = POLLIN };
	double end = mono() + timeout;

	for (;;) {
		double left = end - mono();

		if (pcap_dispatch(e->pc, -1, expect_frame, (u_char *)&c) < 0) {
			gerr(g, "cannot capture: %s", pcap_geterr(e->pc));
			return EXIT_FAIL;
		}
		if (e->matched)
			return c.ret && c.ret != -EPIPE ? EXIT_FAIL : EXIT_OK;
		if (left <= 0 || (g->interrupted && *g->interrupted))
			break;
		poll(&pfd, 1, left > 0.1 ? 100 : (int)(left * 1000) + 1);
	}
	if (!g->quiet)
		fprintf(g->err, "genv craft: no reply matched '%s' within %g s\n", e->text, timeout);
	return EXIT_FAIL;
}

void craft_expect_close(struct craft_expect *e)
{
	if (e->pc)
		pcap_close(e->pc);
	gnv_filter_free(e->flt);
	sbuf_free(&e->json);
	e->pc = NULL;
	e->flt = NULL;
}
