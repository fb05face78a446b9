/* SPDX-License-Identifier: MIT */
/*
 * genv offload: what a network device can do for Geneve.
 *
 * Everything is read first into struct off_dev, then rendered as text or
 * JSON.  Sources:
 *   - ethtool ioctls on an AF_INET socket: driver info, features by name
 *     (names come from the kernel at run time; bit positions differ between
 *     kernels), channels, rings, link settings;
 *   - the "netdev" generic-netlink family (libmnl): xdp-features and the
 *     AF_XDP zero-copy segment limit;
 *   - libbpf's bpf_xdp_query(): the XDP programs attached now.
 * An ioctl the driver does not implement is "not supported", not an error.
 *
 * Layer: cmd.  Calls the kernel (ioctl, netlink via libmnl, libbpf),
 * libcore's emitter for the text and JSON output, and cmd/cli.h.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/sockios.h>
#include <libmnl/libmnl.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "commands.h"
#include "offload/ethnl.h"
#include "offload/nicstats.h"
#include "../libcore/emit.h"
#include "../libcore/json.h"
#include "../libcore/sbuf.h"

#define OFF_SCHEMA 1

/* From <linux/netdev.h> (Linux 6.3); Debian 12's kernel headers predate it. */
#define NETDEV_FAMILY "netdev"
enum { NETDEV_CMD_DEV_GET_ = 1 };
enum {
	NETDEV_A_DEV_IFINDEX_ = 1,
	NETDEV_A_DEV_XDP_FEATURES_ = 3,
	NETDEV_A_DEV_XDP_ZC_MAX_SEGS_ = 4,
};
/* enum netdev_xdp_act, bit by bit, with the names of the netdev YNL spec */
static const char *const xdp_act_names[] = {
	"basic", "redirect", "ndo-xmit", "xsk-zerocopy", "hw-offload", "rx-sg", "ndo-xmit-sg",
};
#define XDP_ACT_XSK_ZEROCOPY (1ULL << 3)

/*
 * Geneve overhead between the device MTU and the endpoint's (inner IP) MTU:
 * outer IPv4 20 (IPv6 40) + UDP 8 + Geneve base header 8 + inner Ethernet 14,
 * plus the option bytes the sender attaches.
 */
#define OVH_IP4 20
#define OVH_IP6 40
#define OVH_UDP 8
#define OVH_GENEVE 8
#define OVH_INNER_ETH 14

enum { OFF_OPT_BUDGET = 1, OFF_OPT_INTERVAL, OFF_OPT_COUNT };

const struct opt offload_opts[] = {
	{ OFF_OPT_BUDGET, 0, "opt-budget", OPT_INT, "BYTES",
	  "option bytes to allow for in the endpoint MTU (0-252, a multiple of 4; default 0)", NULL },
	{ OFF_OPT_INTERVAL, 0, "interval", OPT_INT, "MS",
	  "IFACE: print the NIC's drop/error counters and their change every MS milliseconds", NULL },
	{ OFF_OPT_COUNT, 'c', "count", OPT_INT, "N", "with --interval: stop after N samples (default: until interrupted)", NULL },
	{ 0 }
};

struct off_feature {
	char name[ETH_GSTRING_LEN + 1];
	uint32_t bit;			/* the kernel's bit number */
	bool available, requested, active, fixed;
};

struct off_prog {
	uint32_t id;
	const char *mode;		/* native, generic, offload */
	char name[BPF_OBJ_NAME_LEN + 1];	/* "" when unreadable */
};

struct off_dev {
	char ifname[IFNAMSIZ];
	unsigned int ifindex;
	int mtu;
	bool up, running;

	int drv_err;			/* 0, -EOPNOTSUPP or -errno */
	char driver[33], version[33];
	char firmware[ETHTOOL_FWVERS_LEN + 1], bus[ETHTOOL_BUSINFO_LEN + 1];

	int feat_err;
	struct off_feature *feat;
	size_t feat_len;

	int chan_err;
	struct ethtool_channels chan;

	int ring_err;
	struct ethtool_ringparam ring;

	int link_err;
	uint32_t speed;			/* Mb/s, SPEED_UNKNOWN */
	uint8_t duplex, port, autoneg;
	int carrier_err;
	bool carrier;

	int xdpf_err;
	uint64_t xdp_features;
	bool have_xdp_features, have_zc_segs;
	uint32_t zc_max_segs;

	int xdpq_err;
	struct off_prog prog[3];
	size_t prog_len;

	int tnl_err;			/* ETHTOOL_MSG_TUNNEL_INFO_GET */
	const char *tnl_why;		/* what was malformed in the reply */
	struct ethnl_tunnels tnl;

	int rxfh_err[2];		/* ETHTOOL_GRXFH for udp4, udp6 */
	uint64_t rxfh[2];		/* RXH_* */

	struct nic_stats nic;		/* ethtool -S: drops and errors */
};

struct off_ctx {
	int fd;				/* AF_INET socket for the ethtool ioctls */
	struct mnl_socket *nl;		/* NETLINK_GENERIC, NULL if unavailable */
	int nl_err;			/* why the netdev family cannot be used */
	uint16_t netdev_id;
	int ethnl_err;			/* why the ethtool family cannot be used */
	uint16_t ethtool_id;
	unsigned int seq, portid;
};

/* The Geneve summary: one yes/no per thing that matters for tunnels. */
enum gchk_id { GC_TNL_SEG, GC_TNL_CSUM_SEG, GC_TX_CSUM, GC_PORT_OFFLOAD, GC_GRO, GC_XSK_ZC, GC__COUNT };

static const struct {
	const char *key;		/* JSON */
	const char *label;		/* text */
	const char *brief;		/* list header */
} gchk_info[GC__COUNT] = {
	{ "udp_tnl_segmentation", "UDP tunnel segmentation", "TNL-TSO" },
	{ "udp_tnl_csum_segmentation", "  with outer UDP checksum", "TNL-CSUM" },
	{ "tx_checksum", "tx checksum offload", "CSUM" },
	{ "udp_tunnel_port_offload", "UDP tunnel port offload", "PORT" },
	{ "gro", "GRO", "GRO" },
	{ "xsk_zerocopy", "AF_XDP zero-copy", "XSK-ZC" },
};

struct gchk {
	bool ok;
	bool changeable;		/* `ethtool -K` can turn it on */
	const char *feature;		/* what decides it */
	char state[96];
};

struct geneve_sum {
	struct gchk chk[GC__COUNT];
	int mtu4, mtu6;			/* endpoint MTU over an IPv4 / IPv6 underlay */
	unsigned int budget;
};

static const char *err_text(int err)
{
	if (err == -EOPNOTSUPP)
		return "not supported";
	return strerror(-err);
}

static void copy_str(char *dst, size_t dsize, const char *src, size_t ssize)
{
	size_t n = strnlen(src, ssize);

	if (n >= dsize)
		n = dsize - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void ifreq_init(struct ifreq *ifr, const char *ifname)
{
	memset(ifr, 0, sizeof(*ifr));
	copy_str(ifr->ifr_name, sizeof(ifr->ifr_name), ifname, IFNAMSIZ);
}

/* Returns the ioctl's non-negative answer or -errno. */
static int eth_ioctl(int fd, const char *ifname, void *data)
{
	struct ifreq ifr;
	int ret;

	ifreq_init(&ifr, ifname);
	ifr.ifr_data = data;
	ret = ioctl(fd, SIOCETHTOOL, &ifr);
	return ret < 0 ? -errno : ret;
}

static int read_ifinfo(int fd, struct off_dev *d)
{
	struct ifreq ifr;

	ifreq_init(&ifr, d->ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0)
		return -errno;
	d->ifindex = (unsigned int)ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFMTU, &ifr) < 0)
		return -errno;
	d->mtu = ifr.ifr_mtu;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	d->up = ifr.ifr_flags & IFF_UP;
	d->running = ifr.ifr_flags & IFF_RUNNING;
	return 0;
}

static void read_drvinfo(int fd, struct off_dev *d)
{
	struct ethtool_drvinfo di;

	memset(&di, 0, sizeof(di));
	di.cmd = ETHTOOL_GDRVINFO;
	d->drv_err = eth_ioctl(fd, d->ifname, &di);
	if (d->drv_err < 0)
		return;
	d->drv_err = 0;
	copy_str(d->driver, sizeof(d->driver), di.driver, sizeof(di.driver));
	copy_str(d->version, sizeof(d->version), di.version, sizeof(di.version));
	copy_str(d->firmware, sizeof(d->firmware), di.fw_version, sizeof(di.fw_version));
	copy_str(d->bus, sizeof(d->bus), di.bus_info, sizeof(di.bus_info));
}

/* Feature names (ETH_SS_FEATURES) and their state, in the kernel's order. */
static int read_features(int fd, const char *ifname, struct off_feature **out, size_t *len,
			 uint32_t *bits)
{
	struct ethtool_sset_info *si;
	struct ethtool_gstrings *gs = NULL;
	struct ethtool_gfeatures *gf = NULL;
	struct off_feature *feat = NULL;
	uint32_t count, blocks;
	size_t n = 0;
	int ret;

	*out = NULL;
	*len = 0;
	*bits = 0;
	si = calloc(1, sizeof(*si) + sizeof(si->data[0]));
	if (!si)
		return -ENOMEM;
	si->cmd = ETHTOOL_GSSET_INFO;
	si->sset_mask = 1ULL << ETH_SS_FEATURES;
	ret = eth_ioctl(fd, ifname, si);
	if (ret < 0)
		goto out;
	if (!(si->sset_mask & (1ULL << ETH_SS_FEATURES)) || !si->data[0]) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	count = si->data[0];
	if (count > 4096) {
		ret = -EPROTO;
		goto out;
	}
	gs = calloc(1, sizeof(*gs) + (size_t)count * ETH_GSTRING_LEN);
	blocks = (count + 31) / 32;
	gf = calloc(1, sizeof(*gf) + blocks * sizeof(gf->features[0]));
	feat = calloc(count, sizeof(*feat));
	if (!gs || !gf || !feat) {
		ret = -ENOMEM;
		goto out;
	}
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_FEATURES;
	gs->len = count;
	ret = eth_ioctl(fd, ifname, gs);
	if (ret < 0)
		goto out;
	if (gs->len < count)
		count = gs->len;
	gf->cmd = ETHTOOL_GFEATURES;
	gf->size = blocks;
	ret = eth_ioctl(fd, ifname, gf);
	if (ret < 0)
		goto out;
	ret = 0;
	for (uint32_t i = 0; i < count; i++) {
		const struct ethtool_get_features_block *b = &gf->features[i / 32];
		uint32_t m = 1U << (i % 32);
		struct off_feature *f = &feat[n];

		copy_str(f->name, sizeof(f->name), (const char *)gs->data + (size_t)i * ETH_GSTRING_LEN,
			 ETH_GSTRING_LEN);
		if (!f->name[0])
			continue;	/* an unnamed bit: nothing a user can refer to */
		f->bit = i;
		f->available = b->available & m;
		f->requested = b->requested & m;
		f->active = b->active & m;
		/* as ethtool shows it: not changeable by the user */
		f->fixed = !(b->available & m) || (b->never_changed & m);
		n++;
	}
	*out = feat;
	*len = n;
	*bits = count;
	feat = NULL;
out:
	free(si);
	free(gs);
	free(gf);
	free(feat);
	return ret;
}

static void read_link(int fd, struct off_dev *d)
{
	/* nwords is an __s8: at most 127 words for each of the three masks */
	size_t size = sizeof(struct ethtool_link_settings) + 3 * 127 * sizeof(uint32_t);
	struct ethtool_link_settings *ls = calloc(1, size);
	struct ethtool_value ev = { .cmd = ETHTOOL_GLINK };
	int nwords, ret;

	if (!ls) {
		d->link_err = -ENOMEM;
		goto carrier;
	}
	/* Handshake: asked with 0 words, the kernel answers -(words it uses). */
	ls->cmd = ETHTOOL_GLINKSETTINGS;
	ret = eth_ioctl(fd, d->ifname, ls);
	if (ret >= 0 && ls->link_mode_masks_nwords >= 0)
		ret = -EPROTO;
	if (ret >= 0) {
		nwords = -ls->link_mode_masks_nwords;
		memset(ls, 0, size);
		ls->cmd = ETHTOOL_GLINKSETTINGS;
		ls->link_mode_masks_nwords = (int8_t)nwords;
		ret = eth_ioctl(fd, d->ifname, ls);
		if (ret >= 0 && ls->link_mode_masks_nwords != nwords)
			ret = -EPROTO;
	}
	d->link_err = ret < 0 ? ret : 0;
	if (!d->link_err) {
		d->speed = ls->speed;
		d->duplex = ls->duplex;
		d->port = ls->port;
		d->autoneg = ls->autoneg;
	}
	free(ls);
carrier:
	ret = eth_ioctl(fd, d->ifname, &ev);
	d->carrier_err = ret < 0 ? ret : 0;
	d->carrier = ev.data;
}

/* --- netdev generic netlink (libmnl) --- */

static struct nlmsghdr *genl_put(void *buf, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *gh;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	gh->version = 1;
	return nlh;
}

/* Send one request and run cb on each answer until the ACK; 0 or -errno. */
static int genl_call(struct off_ctx *c, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	uint32_t buf[8192 / 4];
	unsigned int seq = ++c->seq;
	int ret = MNL_CB_OK;
	ssize_t n;

	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(c->nl, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		errno = 0;
		ret = mnl_cb_run(buf, (size_t)n, seq, c->portid, cb, data);
	} while (ret > MNL_CB_STOP);
	if (ret < 0)
		return errno ? -errno : -EPROTO;
	return 0;
}

static int ctrl_attr_cb(const struct nlattr *a, void *data)
{
	uint16_t *id = data;

	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID && mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
		*id = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int ctrl_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), ctrl_attr_cb, data);
	return MNL_CB_OK;
}

static int netdev_attr_cb(const struct nlattr *a, void *data)
{
	struct off_dev *d = data;

	switch (mnl_attr_get_type(a)) {
	case NETDEV_A_DEV_XDP_FEATURES_:
		if (mnl_attr_validate(a, MNL_TYPE_U64) >= 0) {
			d->xdp_features = mnl_attr_get_u64(a);
			d->have_xdp_features = true;
		}
		break;
	case NETDEV_A_DEV_XDP_ZC_MAX_SEGS_:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0) {
			d->zc_max_segs = mnl_attr_get_u32(a);
			d->have_zc_segs = true;
		}
		break;
	}
	return MNL_CB_OK;
}

static int netdev_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), netdev_attr_cb, data);
	return MNL_CB_OK;
}

static int nl_family(struct off_ctx *c, const char *name, uint16_t *id)
{
	uint32_t req[64];
	struct nlmsghdr *nlh = genl_put(req, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	int ret;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	ret = genl_call(c, nlh, ctrl_msg_cb, id);
	if (!ret && !*id)
		ret = -EPROTO;
	return ret == -ENOENT ? -EOPNOTSUPP : ret;
}

static void nl_open(struct off_ctx *c)
{
	c->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!c->nl) {
		c->nl_err = -errno;
		return;
	}
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		c->nl_err = -errno;
		mnl_socket_close(c->nl);
		c->nl = NULL;
		return;
	}
	c->portid = mnl_socket_get_portid(c->nl);
	/* no netdev family: a kernel before 6.3; no ethtool family: before 5.6 */
	c->nl_err = nl_family(c, NETDEV_FAMILY, &c->netdev_id);
	c->ethnl_err = nl_family(c, ETHTOOL_GENL_NAME, &c->ethtool_id);
}

static void read_xdp_features(struct off_ctx *c, struct off_dev *d)
{
	uint32_t req[64];
	struct nlmsghdr *nlh;

	if (!c->nl || c->nl_err) {
		d->xdpf_err = c->nl_err ? c->nl_err : -EOPNOTSUPP;
		return;
	}
	nlh = genl_put(req, c->netdev_id, NETDEV_CMD_DEV_GET_);
	mnl_attr_put_u32(nlh, NETDEV_A_DEV_IFINDEX_, d->ifindex);
	d->xdpf_err = genl_call(c, nlh, netdev_msg_cb, d);
	if (!d->xdpf_err && !d->have_xdp_features)
		d->xdpf_err = -EOPNOTSUPP;
}

/* The reply's attributes, copied for the pure parser. */
struct nl_payload {
	uint8_t buf[8192];
	size_t size;
	bool got;
};

static int payload_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_payload *p = data;
	size_t hdr = MNL_ALIGN(sizeof(struct genlmsghdr));
	size_t n = nlh->nlmsg_len > MNL_NLMSG_HDRLEN + hdr ? nlh->nlmsg_len - MNL_NLMSG_HDRLEN - hdr : 0;

	if (p->got || n > sizeof(p->buf))
		return MNL_CB_ERROR;
	memcpy(p->buf, mnl_nlmsg_get_payload_offset(nlh, sizeof(struct genlmsghdr)), n);
	p->size = n;
	p->got = true;
	return MNL_CB_OK;
}

static void read_tunnels(struct off_ctx *c, struct off_dev *d)
{
	struct nl_payload *p;
	uint32_t req[64];
	struct nlmsghdr *nlh;
	struct nlattr *hdr;

	if (!c->nl || c->ethnl_err) {
		d->tnl_err = c->ethnl_err ? c->ethnl_err : -EOPNOTSUPP;
		return;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		d->tnl_err = -ENOMEM;
		return;
	}
	nlh = genl_put(req, c->ethtool_id, ETHTOOL_MSG_TUNNEL_INFO_GET);
	hdr = mnl_attr_nest_start(nlh, ETHTOOL_A_TUNNEL_INFO_HEADER);
	mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_DEV_INDEX, d->ifindex);
	mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_FLAGS, ETHTOOL_FLAG_COMPACT_BITSETS);
	mnl_attr_nest_end(nlh, hdr);
	d->tnl_err = genl_call(c, nlh, payload_cb, p);
	if (!d->tnl_err && !p->got)
		d->tnl_err = -EPROTO;
	if (!d->tnl_err && ethnl_tunnels_parse(p->buf, p->size, &d->tnl, &d->tnl_why))
		d->tnl_err = -EBADMSG;
	free(p);
}

/* Which header fields RSS hashes UDP flows on (`ethtool -n IFACE rx-flow-hash udp4`). */
static void read_rxfh(int fd, struct off_dev *d)
{
	static const uint32_t flow[2] = { UDP_V4_FLOW, UDP_V6_FLOW };

	for (int i = 0; i < 2; i++) {
		struct ethtool_rxnfc nfc;
		int ret;

		memset(&nfc, 0, sizeof(nfc));
		nfc.cmd = ETHTOOL_GRXFH;
		nfc.flow_type = flow[i];
		ret = eth_ioctl(fd, d->ifname, &nfc);
		d->rxfh_err[i] = ret < 0 ? ret : 0;
		d->rxfh[i] = nfc.data;
	}
}

static void add_prog(struct off_dev *d, uint32_t id, const char *mode)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	struct off_prog *p;
	int fd;

	if (!id || d->prog_len >= sizeof(d->prog) / sizeof(d->prog[0]))
		return;
	p = &d->prog[d->prog_len++];
	p->id = id;
	p->mode = mode;
	p->name[0] = '\0';
	/* the name needs CAP_SYS_ADMIN; without it the id is still useful */
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		copy_str(p->name, sizeof(p->name), info.name, sizeof(info.name));
	close(fd);
}

static void read_xdp_progs(struct off_dev *d)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	d->xdpq_err = bpf_xdp_query((int)d->ifindex, 0, &q);
	if (d->xdpq_err)
		return;
	add_prog(d, q.drv_prog_id, "native");
	add_prog(d, q.skb_prog_id, "generic");
	add_prog(d, q.hw_prog_id, "offload");
}

/*
 * Returns 0, or -errno when the interface itself cannot be read (-ENODEV).
 * 'brief' reads only what the one-line listing shows: bpf_xdp_query() dumps
 * every link, which would make listing quadratic in the number of links.
 */
static int off_read(struct off_ctx *c, const char *ifname, struct off_dev *d, bool brief)
{
	uint32_t bits;
	int ret;

	memset(d, 0, sizeof(*d));
	copy_str(d->ifname, sizeof(d->ifname), ifname, IFNAMSIZ);
	ret = read_ifinfo(c->fd, d);
	if (ret)
		return ret;
	read_drvinfo(c->fd, d);
	d->feat_err = read_features(c->fd, d->ifname, &d->feat, &d->feat_len, &bits);
	read_xdp_features(c, d);
	if (brief)
		return 0;
	d->chan.cmd = ETHTOOL_GCHANNELS;
	ret = eth_ioctl(c->fd, d->ifname, &d->chan);
	d->chan_err = ret < 0 ? ret : 0;
	d->ring.cmd = ETHTOOL_GRINGPARAM;
	ret = eth_ioctl(c->fd, d->ifname, &d->ring);
	d->ring_err = ret < 0 ? ret : 0;
	read_link(c->fd, d);
	read_xdp_progs(d);
	read_tunnels(c, d);
	read_rxfh(c->fd, d);
	return nic_stats_read(c->fd, d->ifname, &d->nic);
}

static void off_dev_free(struct off_dev *d)
{
	free(d->feat);
	d->feat = NULL;
	d->feat_len = 0;
	nic_stats_free(&d->nic);
}

static int off_ctx_open(struct off_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	nl_open(c);
	return 0;
}

static void off_ctx_close(struct off_ctx *c)
{
	if (c->nl)
		mnl_socket_close(c->nl);
	if (c->fd >= 0)
		close(c->fd);
	c->nl = NULL;
	c->fd = -1;
}

/* --- the Geneve summary --- */

static const struct off_feature *feat_find(const struct off_feature *feat, size_t len,
					   const char *name)
{
	for (size_t i = 0; i < len; i++)
		if (!strcmp(feat[i].name, name))
			return &feat[i];
	return NULL;
}

static void feat_state(char *buf, size_t size, const struct off_feature *f)
{
	/* as ethtool: a request only means something where the driver can act on it */
	snprintf(buf, size, "%s%s%s", f->active ? "on" : "off", f->fixed ? " [fixed]" : "",
		 f->available && f->requested != f->active ?
		 (f->requested ? " [requested on]" : " [requested off]") : "");
}

static void check_feature(struct gchk *c, const struct off_dev *d, const char *name)
{
	const struct off_feature *f = feat_find(d->feat, d->feat_len, name);

	c->feature = name;
	if (!f) {
		c->ok = c->changeable = false;
		snprintf(c->state, sizeof(c->state), "%s", d->feat_err ? err_text(d->feat_err) : "not reported");
		return;
	}
	c->ok = f->active;
	/* already requested but off: another feature or the lower device decides */
	c->changeable = !f->active && !f->fixed && !f->requested;
	feat_state(c->state, sizeof(c->state), f);
}

/* Inner checksums: any of the tx checksum features will do. */
static void check_tx_csum(struct gchk *c, const struct off_dev *d)
{
	static const char *const names[] = {
		"tx-checksum-ip-generic", "tx-checksum-ipv4", "tx-checksum-ipv6",
	};
	const char *pick = names[0];
	size_t i;

	for (i = 0; i < 3; i++) {
		const struct off_feature *f = feat_find(d->feat, d->feat_len, names[i]);

		if (f && f->active)
			break;
	}
	if (i < 3) {
		pick = names[i];
	} else {
		for (i = 0; i < 3; i++) {
			const struct off_feature *f = feat_find(d->feat, d->feat_len, names[i]);

			if (f && !f->fixed) {
				pick = names[i];
				break;
			}
		}
	}
	check_feature(c, d, pick);
}

static void check_xsk_zc(struct gchk *c, const struct off_dev *d)
{
	c->feature = "xdp-features";
	c->changeable = false;
	c->ok = !d->xdpf_err && (d->xdp_features & XDP_ACT_XSK_ZEROCOPY);
	if (d->xdpf_err)
		snprintf(c->state, sizeof(c->state), "%s", err_text(d->xdpf_err));
	else if (c->ok)
		snprintf(c->state, sizeof(c->state), "xsk-zerocopy");
	else
		snprintf(c->state, sizeof(c->state), "no xsk-zerocopy (the driver does not offer it)");
}

static void geneve_summary(struct geneve_sum *s, const struct off_dev *d, unsigned int budget)
{
	int base = d->mtu - OVH_UDP - OVH_GENEVE - OVH_INNER_ETH - (int)budget;

	memset(s, 0, sizeof(*s));
	check_feature(&s->chk[GC_TNL_SEG], d, "tx-udp_tnl-segmentation");
	check_feature(&s->chk[GC_TNL_CSUM_SEG], d, "tx-udp_tnl-csum-segmentation");
	check_tx_csum(&s->chk[GC_TX_CSUM], d);
	check_feature(&s->chk[GC_PORT_OFFLOAD], d, "rx-udp_tunnel-port-offload");
	check_feature(&s->chk[GC_GRO], d, "rx-gro");
	check_xsk_zc(&s->chk[GC_XSK_ZC], d);
	s->budget = budget;
	s->mtu4 = base - OVH_IP4 > 0 ? base - OVH_IP4 : 0;
	s->mtu6 = base - OVH_IP6 > 0 ? base - OVH_IP6 : 0;
}

/* "ethtool -K IFACE f1 on f2 on", or empty when nothing useful can be turned on. */
static void geneve_fix(struct sbuf *sb, const struct geneve_sum *s, const char *ifname)
{
	size_t start = sb->len;

	for (int i = 0; i < GC__COUNT; i++) {
		if (s->chk[i].ok || !s->chk[i].changeable)
			continue;
		if (sb->len == start)
			sbuf_printf(sb, "ethtool -K %s", ifname);
		sbuf_printf(sb, " %s on", s->chk[i].feature);
	}
}

/* --- rendering --- */

static const char *duplex_name(uint8_t d)
{
	switch (d) {
	case DUPLEX_HALF: return "half";
	case DUPLEX_FULL: return "full";
	default: return "unknown";
	}
}

static const char *port_name(uint8_t p)
{
	switch (p) {
	case PORT_TP: return "twisted-pair";
	case PORT_AUI: return "aui";
	case PORT_MII: return "mii";
	case PORT_FIBRE: return "fibre";
	case PORT_BNC: return "bnc";
	case PORT_DA: return "direct-attach";
	case PORT_NONE: return "none";
	default: return "other";
	}
}

/*
 * Every section is one function for text and JSON (libcore/emit.h).  The
 * two forms order the sections differently (show_one) and the text leaves
 * some JSON fields out or folds them into a sentence: those are the
 * JSON-only (NULL format) and text-only calls.
 */

static const char *dash(const char *s)
{
	return s[0] ? s : "-";
}

static void u32_or_null(struct gnv_emit *e, const char *key, const char *fmt, bool ok, uint32_t v)
{
	if (ok)
		gnv_emit_u64(e, key, fmt, v);
	else
		gnv_emit_null(e, key, NULL);
}

static void str_or_null(struct gnv_emit *e, const char *key, const char *fmt, bool ok, const char *v)
{
	if (ok)
		gnv_emit_str(e, key, fmt, v);
	else
		gnv_emit_null(e, key, NULL);
}

/* A section that may be unsupported always carries "supported" and
 * "error"; the text shows the error (errfmt) instead of the values. */
static void emit_section(struct gnv_emit *e, const char *key, const char *text, const char *errfmt,
			 int err)
{
	gnv_emit_obj_open(e, key, text);
	gnv_emit_bool(e, "supported", NULL, err != -EOPNOTSUPP && !err, NULL, NULL);
	str_or_null(e, "error", errfmt, err, err_text(err));
}

/* The interface name, control bytes escaped in text. */
static void emit_ifname(struct gnv_emit *e, const char *ifname)
{
	gnv_emit_str(e, "ifname", NULL, ifname);
	if (!gnv_emit_is_json(e))
		sbuf_escaped(e->sb, ifname);
}

static void emit_geneve(struct gnv_emit *e, const struct off_dev *d, const struct geneve_sum *s)
{
	struct sbuf fix = SBUF_INIT;

	gnv_emit_obj_open(e, "geneve", "Geneve:\n");
	for (int i = 0; i < GC__COUNT; i++) {
		const struct gchk *c = &s->chk[i];

		gnv_emit_obj_open(e, gchk_info[i].key, NULL);
		gnv_emit_text(e, "  %-28s", gchk_info[i].label);
		gnv_emit_bool(e, "ok", " %-3s", c->ok, "yes", "no");
		gnv_emit_str(e, "feature", "  %s", c->feature);
		gnv_emit_str(e, "state", ": %s\n", c->state);
		gnv_emit_bool(e, "changeable", NULL, c->changeable, NULL, NULL);
		gnv_emit_obj_close(e, NULL);
	}
	geneve_fix(&fix, s, d->ifname);
	str_or_null(e, "fix", NULL, fix.len, sbuf_str(&fix));
	gnv_emit_obj_open(e, "endpoint_mtu", NULL);
	gnv_emit_i64(e, "device_mtu", NULL, d->mtu);
	gnv_emit_u64(e, "option_budget", NULL, s->budget);
	gnv_emit_text(e, "  %-28s", "endpoint MTU");
	gnv_emit_i64(e, "ipv4", " %d over IPv4, ", s->mtu4);
	gnv_emit_i64(e, "ipv6", "%d over IPv6\n", s->mtu6);
	gnv_emit_str(e, "formula", NULL, "device_mtu - outer IP (20 IPv4, 40 IPv6) - 8 UDP - 8 Geneve"
		     " - option_budget - 14 inner Ethernet");
	gnv_emit_text(e, "  %-28s = MTU %d - %d outer IPv4 (%d IPv6) - %d UDP - %d Geneve - %u options"
		      " - %d inner Ethernet\n", "", d->mtu, OVH_IP4, OVH_IP6, OVH_UDP, OVH_GENEVE,
		      s->budget, OVH_INNER_ETH);
	gnv_emit_obj_close(e, NULL);
	if (fix.len)
		gnv_emit_text(e, "  to turn on: %s\n", sbuf_str(&fix));
	gnv_emit_obj_close(e, NULL);
	sbuf_free(&fix);
}

static void emit_driver(struct gnv_emit *e, const struct off_dev *d)
{
	bool ok = !d->drv_err;

	emit_section(e, "driver", "driver: ", "%s\n", d->drv_err);
	str_or_null(e, "name", "%s", ok, d->driver);
	str_or_null(e, "version", NULL, ok, d->version);
	str_or_null(e, "firmware", NULL, ok, d->firmware);
	str_or_null(e, "bus", NULL, ok, d->bus);
	if (ok)
		gnv_emit_text(e, ", version %s, firmware %s, bus %s\n", dash(d->version),
			      dash(d->firmware), dash(d->bus));
	gnv_emit_obj_close(e, NULL);
}

/* ifname, ifindex, mtu, up: the first line of the text. */
static void emit_head(struct gnv_emit *e, const struct off_dev *d)
{
	emit_ifname(e, d->ifname);
	gnv_emit_u64(e, "ifindex", ": index %u", d->ifindex);
	gnv_emit_i64(e, "mtu", ", mtu %d", d->mtu);
	gnv_emit_bool(e, "up", ", %s", d->up, "up", "down");
	/* IFF_RUNNING: the text says only when it is missing on an up device */
	gnv_emit_bool(e, "running", NULL, d->running, NULL, NULL);
	gnv_emit_puts(e, d->up && !d->running ? " (no carrier)\n" : "\n");
}

static void emit_features(struct gnv_emit *e, const struct off_dev *d)
{
	gnv_emit_arr_open(e, "features", d->feat_err ? NULL : "features:\n");
	for (size_t i = 0; i < d->feat_len && (gnv_emit_is_json(e) || !d->feat_err); i++) {
		const struct off_feature *f = &d->feat[i];
		char st[64];

		gnv_emit_obj_open(e, NULL, NULL);
		gnv_emit_str(e, "name", "  %s", f->name);
		gnv_emit_bool(e, "available", NULL, f->available, NULL, NULL);
		gnv_emit_bool(e, "requested", NULL, f->requested, NULL, NULL);
		gnv_emit_bool(e, "active", NULL, f->active, NULL, NULL);
		gnv_emit_bool(e, "fixed", NULL, f->fixed, NULL, NULL);
		feat_state(st, sizeof(st), f);
		gnv_emit_text(e, ": %s\n", st);
		gnv_emit_obj_close(e, NULL);
	}
	gnv_emit_arr_close(e, NULL);
	str_or_null(e, "features_error", "features: %s\n", d->feat_err, err_text(d->feat_err));
}

static void emit_channels(struct gnv_emit *e, const struct off_dev *d)
{
	const struct ethtool_channels *c = &d->chan;
	bool ok = !d->chan_err;

	emit_section(e, "channels", "channels: ", "%s\n", d->chan_err);
	u32_or_null(e, "rx", NULL, ok, c->rx_count);
	u32_or_null(e, "tx", NULL, ok, c->tx_count);
	u32_or_null(e, "other", NULL, ok, c->other_count);
	u32_or_null(e, "combined", NULL, ok, c->combined_count);
	u32_or_null(e, "max_rx", NULL, ok, c->max_rx);
	u32_or_null(e, "max_tx", NULL, ok, c->max_tx);
	u32_or_null(e, "max_other", NULL, ok, c->max_other);
	u32_or_null(e, "max_combined", NULL, ok, c->max_combined);
	if (ok)
		gnv_emit_text(e, "rx %u/%u, tx %u/%u, other %u/%u, combined %u/%u (current/max)\n",
			      c->rx_count, c->max_rx, c->tx_count, c->max_tx, c->other_count,
			      c->max_other, c->combined_count, c->max_combined);
	gnv_emit_obj_close(e, NULL);
}

static void emit_rings(struct gnv_emit *e, const struct off_dev *d)
{
	const struct ethtool_ringparam *r = &d->ring;
	bool ok = !d->ring_err;

	emit_section(e, "rings", "rings: ", "%s\n", d->ring_err);
	u32_or_null(e, "rx", NULL, ok, r->rx_pending);
	u32_or_null(e, "rx_mini", NULL, ok, r->rx_mini_pending);
	u32_or_null(e, "rx_jumbo", NULL, ok, r->rx_jumbo_pending);
	u32_or_null(e, "tx", NULL, ok, r->tx_pending);
	u32_or_null(e, "max_rx", NULL, ok, r->rx_max_pending);
	u32_or_null(e, "max_rx_mini", NULL, ok, r->rx_mini_max_pending);
	u32_or_null(e, "max_rx_jumbo", NULL, ok, r->rx_jumbo_max_pending);
	u32_or_null(e, "max_tx", NULL, ok, r->tx_max_pending);
	if (ok)
		gnv_emit_text(e, "rx %u/%u, rx-mini %u/%u, rx-jumbo %u/%u, tx %u/%u (current/max)\n",
			      r->rx_pending, r->rx_max_pending, r->rx_mini_pending,
			      r->rx_mini_max_pending, r->rx_jumbo_pending, r->rx_jumbo_max_pending,
			      r->tx_pending, r->tx_max_pending);
	gnv_emit_obj_close(e, NULL);
}

static void emit_link(struct gnv_emit *e, const struct off_dev *d)
{
	bool ok = !d->link_err;
	bool known = ok && d->speed != (uint32_t)SPEED_UNKNOWN && d->speed;

	emit_section(e, "link", "link: ", "settings %s", d->link_err);
	u32_or_null(e, "speed", "speed %uMb/s", known, d->speed);
	if (ok && !known)
		gnv_emit_puts(e, "speed unknown");
	str_or_null(e, "duplex", ", duplex %s", ok, duplex_name(d->duplex));
	if (ok)
		gnv_emit_text(e, ", autoneg %s", d->autoneg == AUTONEG_ENABLE ? "on" : "off");
	str_or_null(e, "port", ", port %s", ok, port_name(d->port));
	if (ok)
		gnv_emit_bool(e, "autoneg", NULL, d->autoneg == AUTONEG_ENABLE, NULL, NULL);
	else
		gnv_emit_null(e, "autoneg", NULL);
	if (!d->carrier_err)
		gnv_emit_bool(e, "detected", ", link detected %s", d->carrier, "yes", "no");
	else
		gnv_emit_null(e, "detected", NULL);
	gnv_emit_obj_close(e, "\n");
}

static void emit_xdp(struct gnv_emit *e, const struct off_dev *d)
{
	bool any = false;

	gnv_emit_obj_open(e, "xdp", "xdp: features ");
	gnv_emit_bool(e, "features_supported", NULL, !d->xdpf_err, NULL, NULL);
	str_or_null(e, "features_error", "%s", d->xdpf_err, err_text(d->xdpf_err));
	gnv_emit_arr_open(e, "features", NULL);
	for (unsigned int b = 0; !d->xdpf_err && b < 64; b++) {
		char name[16];

		if (!(d->xdp_features & (1ULL << b)))
			continue;
		if (b < sizeof(xdp_act_names) / sizeof(xdp_act_names[0]))
			gnv_emit_str(e, NULL, any ? " %s" : "%s", xdp_act_names[b]);
		else {
			snprintf(name, sizeof(name), "bit-%u", b);
			gnv_emit_str(e, NULL, any ? " %s" : "%s", name);
		}
		any = true;
	}
	gnv_emit_arr_close(e, !d->xdpf_err && !any ? "none" : NULL);
	u32_or_null(e, "zc_max_segs", ", zero-copy max segments %u", d->have_zc_segs, d->zc_max_segs);
	str_or_null(e, "programs_error", "; programs: %s\n", d->xdpq_err, err_text(d->xdpq_err));
	gnv_emit_arr_open(e, "programs", d->xdpq_err ? NULL :
			  d->prog_len ? "; programs:" : "; programs: none\n");
	for (size_t i = 0; i < d->prog_len; i++) {
		gnv_emit_obj_open(e, NULL, NULL);
		gnv_emit_u64(e, "id", " id %u", d->prog[i].id);
		gnv_emit_str(e, "mode", NULL, d->prog[i].mode);
		str_or_null(e, "name", " '%s'", d->prog[i].name[0], d->prog[i].name);
		gnv_emit_text(e, " (%s)", d->prog[i].mode);
		gnv_emit_obj_close(e, NULL);
	}
	gnv_emit_arr_close(e, !d->xdpq_err && d->prog_len ? "\n" : NULL);
	gnv_emit_obj_close(e, "\n");
}

#define GENEVE_PORT 6081

/* The NIC's UDP tunnel port table (`ethtool --show-tunnels`). */
static void emit_tunnels(struct gnv_emit *e, const struct off_dev *d)
{
	bool ok = !d->tnl_err, listed = false;
	char why[160];

	if (d->tnl_err == -EBADMSG)
		snprintf(why, sizeof(why), "malformed reply: %s", d->tnl_why ? d->tnl_why : "?");
	else
		snprintf(why, sizeof(why), "%s", err_text(d->tnl_err));
	gnv_emit_obj_open(e, "tunnels", "udp tunnel ports: ");
	gnv_emit_bool(e, "supported", NULL, ok, NULL, NULL);
	str_or_null(e, "error", "%s\n", !ok, why);
	gnv_emit_arr_open(e, "tables", NULL);
	for (size_t i = 0; ok && i < d->tnl.table_len; i++) {
		const struct ethnl_tunnel_table *t = &d->tnl.table[i];
		bool any = false;

		gnv_emit_obj_open(e, NULL, i ? "; " : NULL);
		gnv_emit_u64(e, "index", "table %u", i);
		gnv_emit_u64(e, "size", " size %u", t->size);
		gnv_emit_arr_open(e, "types", " types");
		for (uint32_t b = 0; b < 32; b++) {
			const char *n = ethnl_tunnel_type_name(b);
			char num[16];

			if (!(t->types & (1U << b)))
				continue;
			snprintf(num, sizeof(num), "type-%u", b);
			gnv_emit_str(e, NULL, " %s", n ? n : num);
			any = true;
		}
		gnv_emit_arr_close(e, any ? NULL : " none");
		gnv_emit_arr_open(e, "entries", ", ports");
		for (size_t k = 0; k < t->entry_len; k++) {
			const char *n = ethnl_tunnel_type_name(t->entry[k].type);

			gnv_emit_obj_open(e, NULL, NULL);
			gnv_emit_u64(e, "port", " %u", t->entry[k].port);
			gnv_emit_u64(e, "type_id", NULL, t->entry[k].type);
			str_or_null(e, "type", "/%s", n, n);
			gnv_emit_obj_close(e, NULL);
			listed |= t->entry[k].port == GENEVE_PORT &&
				  t->entry[k].type == ETHTOOL_UDP_TUNNEL_TYPE_GENEVE;
		}
		gnv_emit_arr_close(e, t->entry_len ? NULL : " none");
		gnv_emit_obj_close(e, NULL);
	}
	gnv_emit_arr_close(e, NULL);
	if (ok && d->tnl.table_len)
		gnv_emit_puts(e, "; ");
	if (ok)
		gnv_emit_bool(e, "geneve_port_listed", "geneve port 6081 listed: %s\n", listed, "yes", "no");
	else
		gnv_emit_null(e, "geneve_port_listed", NULL);
	gnv_emit_obj_close(e, NULL);
}

/* RSS input fields for UDP flows (`ethtool -n IFACE rx-flow-hash udp4`). */
static void emit_rxfh(struct gnv_emit *e, const struct off_dev *d)
{
	static const struct { uint64_t bit; const char *name; } fields[] = {
		{ RXH_L2DA, "l2-da" }, { RXH_VLAN, "vlan" }, { RXH_L3_PROTO, "l3-proto" },
		{ RXH_IP_SRC, "ip-src" }, { RXH_IP_DST, "ip-dst" },
		{ RXH_L4_B_0_1, "l4-src-port" }, { RXH_L4_B_2_3, "l4-dst-port" },
		{ RXH_DISCARD, "discard" },
	};
	static const char *const key[2] = { "udp4", "udp6" };

	gnv_emit_obj_open(e, "rx_flow_hash", "rss hash: ");
	for (int i = 0; i < 2; i++) {
		bool ok = !d->rxfh_err[i];

		gnv_emit_obj_open(e, key[i], i ? ", " : NULL);
		gnv_emit_text(e, "%s", key[i]);
		gnv_emit_bool(e, "supported", NULL, ok, NULL, NULL);
		str_or_null(e, "error", " %s", !ok, err_text(d->rxfh_err[i]));
		gnv_emit_arr_open(e, "fields", NULL);
		for (size_t f = 0; ok && f < sizeof(fields) / sizeof(fields[0]); f++)
			if (d->rxfh[i] & fields[f].bit)
				gnv_emit_str(e, NULL, " %s", fields[f].name);
		gnv_emit_arr_close(e, ok && !d->rxfh[i] ? " none" : NULL);
		/* the outer source port is where Geneve senders put the inner flow's entropy */
		if (ok)
			gnv_emit_bool(e, "src_port_hashed", NULL, d->rxfh[i] & RXH_L4_B_0_1, NULL, NULL);
		else
			gnv_emit_null(e, "src_port_hashed", NULL);
		gnv_emit_obj_close(e, NULL);
	}
	gnv_emit_obj_close(e, "\n");
}

/* One device: the text reads top-down (summary first), JSON keeps its
 * schema's order. */
static void emit_dev(struct gnv_emit *e, const struct off_dev *d, const struct geneve_sum *s)
{
	emit_head(e, d);
	emit_driver(e, d);
	if (gnv_emit_is_json(e)) {
		emit_features(e, d);
		emit_channels(e, d);
		emit_rings(e, d);
		emit_link(e, d);
		emit_xdp(e, d);
		emit_tunnels(e, d);
		emit_rxfh(e, d);
		nic_stats_emit(e, &d->nic, NULL);
		emit_geneve(e, d, s);
		return;
	}
	gnv_emit_puts(e, "\n");
	emit_geneve(e, d, s);
	gnv_emit_puts(e, "\n");
	emit_link(e, d);
	emit_channels(e, d);
	emit_rings(e, d);
	emit_tunnels(e, d);
	emit_rxfh(e, d);
	emit_xdp(e, d);
	nic_stats_emit(e, &d->nic, NULL);
	emit_features(e, d);
}

static int emit(struct genv_ctx *g, struct sbuf *sb)
{
	int ret;

	if (sb->oom) {
		gerr(g, "out of memory");
		return EXIT_FAIL;
	}
	ret = out_write(g, sb->buf, sb->len);
	if (ret == -EPIPE)
		return EXIT_OK;
	if (ret) {
		gerr(g, "cannot write output: %s", strerror(-ret));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* Errors: text on stderr, or a JSON document on stdout in JSON mode. */
static int off_fail(struct genv_ctx *g, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int off_fail(struct genv_ctx *g, int status, const char *fmt, ...)
{
	struct sbuf msg = SBUF_INIT, sb = SBUF_INIT;
	struct json j;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (g->json) {
		json_init(&j, &sb, g->pretty);
		json_obj_open(&j, NULL);
		json_u64(&j, "schema", OFF_SCHEMA);
		json_obj_open(&j, "error");
		json_str(&j, "message", sbuf_str(&msg));
		json_u64(&j, "exit", (uint64_t)status);
		json_obj_close(&j);
		json_obj_close(&j);
		sbuf_putc(&sb, '\n');
		emit(g, &sb);
	} else if (status == EXIT_USAGE) {
		gusage(g, "%s", sbuf_str(&msg));
	} else {
		gerr(g, "%s", sbuf_str(&msg));
	}
	sbuf_free(&msg);
	sbuf_free(&sb);
	return status;
}

static int iface_fail(struct genv_ctx *g, const char *ifname, int err)
{
	if (err == -ENODEV)
		return off_fail(g, EXIT_FAIL, "no such interface '%s'", ifname);
	return off_fail(g, EXIT_FAIL, "cannot read interface '%s': %s", ifname, strerror(-err));
}

static int show_one(struct genv_ctx *g, struct off_ctx *c, const char *ifname, unsigned int budget)
{
	struct sbuf sb = SBUF_INIT;
	struct gnv_emit e;
	struct geneve_sum s;
	struct off_dev d;
	int ret = off_read(c, ifname, &d, false);

	if (ret)
		return iface_fail(g, ifname, ret);
	geneve_summary(&s, &d, budget);
	gnv_emit_init(&e, &sb, g->json, g->pretty);
	gnv_emit_obj_open(&e, NULL, NULL);
	gnv_emit_u64(&e, "schema", NULL, OFF_SCHEMA);
	emit_dev(&e, &d, &s);
	gnv_emit_obj_close(&e, NULL);
	if (g->json)
		sbuf_putc(&sb, '\n');
	ret = emit(g, &sb);
	sbuf_free(&sb);
	off_dev_free(&d);
	return ret;
}

static int show_all(struct genv_ctx *g, struct off_ctx *c, unsigned int budget)
{
	struct if_nameindex *ifs = if_nameindex();
	struct sbuf sb = SBUF_INIT;
	struct gnv_emit e;
	int ret;

	if (!ifs)
		return off_fail(g, EXIT_FAIL, "cannot list interfaces: %s", strerror(errno));
	gnv_emit_init(&e, &sb, g->json, g->pretty);
	gnv_emit_obj_open(&e, NULL, NULL);
	gnv_emit_u64(&e, "schema", NULL, OFF_SCHEMA);
	gnv_emit_arr_open(&e, "interfaces", NULL);
	gnv_emit_text(&e, "%-15s %-12s %6s %-5s", "IFACE", "DRIVER", "MTU", "STATE");
	for (int i = 0; i < GC__COUNT; i++)
		gnv_emit_text(&e, " %-8s", gchk_info[i].brief);
	gnv_emit_text(&e, " %s\n", "EP-MTU4/6");
	for (struct if_nameindex *p = ifs; p->if_index; p++) {
		struct geneve_sum s;
		struct off_dev d;
		size_t at = sb.len, w;

		if (off_read(c, p->if_name, &d, true))
			continue;	/* gone since the listing */
		geneve_summary(&s, &d, budget);
		/* a table row in text: the columns are the summary's, in their own order */
		gnv_emit_obj_open(&e, NULL, NULL);
		emit_ifname(&e, d.ifname);
		w = sb.len - at;
		gnv_emit_u64(&e, "ifindex", NULL, d.ifindex);
		gnv_emit_text(&e, "%*s %-12s", w < 15 ? (int)(15 - w) : 0, "", d.drv_err ? "-" : d.driver);
		gnv_emit_i64(&e, "mtu", " %6d", d.mtu);
		gnv_emit_bool(&e, "up", " %-5s", d.up, "up", "down");
		if (gnv_emit_is_json(&e)) {
			emit_driver(&e, &d);
			emit_geneve(&e, &d, &s);
		}
		for (int i = 0; i < GC__COUNT; i++)
			gnv_emit_text(&e, " %-8s", s.chk[i].ok ? "yes" : "no");
		gnv_emit_text(&e, " %d/%d\n", s.mtu4, s.mtu6);
		gnv_emit_obj_close(&e, NULL);
		off_dev_free(&d);
	}
	gnv_emit_arr_close(&e, NULL);
	gnv_emit_obj_close(&e, NULL);
	if (g->json)
		sbuf_putc(&sb, '\n');
	if_freenameindex(ifs);
	ret = emit(g, &sb);
	sbuf_free(&sb);
	return ret;
}

/* --- genv offload IFACE set FEATURE on|off ... --- */

struct set_req {
	const char *name;
	uint32_t bit;
	bool on;
};

/* The kernel insists on exactly its own number of blocks. */
static int sfeatures(int fd, const char *ifname, const struct set_req *req, size_t n, uint32_t bits)
{
	uint32_t blocks = (bits + 31) / 32;
	struct ethtool_sfeatures *sf = calloc(1, sizeof(*sf) + blocks * sizeof(sf->features[0]));
	int ret;

	if (!sf)
		return -ENOMEM;
	sf->cmd = ETHTOOL_SFEATURES;
	sf->size = blocks;
	for (size_t i = 0; i < n; i++) {
		struct ethtool_set_features_block *b = &sf->features[req[i].bit / 32];
		uint32_t m = 1U << (req[i].bit % 32);

		b->valid |= m;
		if (req[i].on)
			b->requested |= m;
	}
	ret = eth_ioctl(fd, ifname, sf);
	free(sf);
	return ret;
}

/* ethtool -K's short names: each stands for the kernel features matching its pattern. */
static const struct {
	const char *alias, *pattern;
} set_alias[] = {
	{ "rx", "rx-checksum" }, { "tx", "tx-checksum-*" }, { "sg", "tx-scatter-gather*" },
	{ "tso", "tx-tcp*-segmentation" }, { "ufo", "tx-udp-fragmentation" },
	{ "gso", "tx-generic-segmentation" }, { "gro", "rx-gro" }, { "lro", "rx-lro" },
	{ "rxvlan", "rx-vlan-hw-parse" }, { "txvlan", "tx-vlan-hw-insert" },
	{ "ntuple", "rx-ntuple-filter" }, { "rxhash", "rx-hashing" },
};

static const char *alias_pattern(const char *name)
{
	for (size_t i = 0; i < sizeof(set_alias) / sizeof(set_alias[0]); i++)
		if (!strcmp(set_alias[i].alias, name))
			return set_alias[i].pattern;
	return NULL;
}

/*
 * The requests with aliases replaced by the available features they stand
 * for (a feature asked for twice, by its name and through an alias, is a
 * usage error); *out_n 0 and the offending word in *bad on error.
 */
static struct set_req *expand_aliases(const struct set_req *req, size_t n, const struct off_feature *feat,
				      size_t nfeat, size_t *out_n, const char **bad)
{
	struct set_req *x = calloc(n + nfeat, sizeof(*x));
	size_t m = 0;

	*out_n = 0;
	*bad = NULL;
	if (!x)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *pat = feat_find(feat, nfeat, req[i].name) ? NULL : alias_pattern(req[i].name);
		size_t first = m;

		for (size_t k = 0; pat && k < nfeat; k++)
			if (feat[k].available && !fnmatch(pat, feat[k].name, 0))
				x[m++] = (struct set_req){ feat[k].name, feat[k].bit, req[i].on };
		if (!pat)
			x[m++] = req[i];
		if (m == first) {
			*bad = req[i].name;	/* an alias with nothing available behind it */
			return x;
		}
		for (size_t a = first; a < m; a++)
			for (size_t b = 0; b < first; b++)
				if (!strcmp(x[a].name, x[b].name)) {
					*bad = req[i].name;
					return x;
				}
	}
	*out_n = m;
	return x;
}

static const char *set_result(const struct off_feature *before, const struct off_feature *after, bool on)
{
	if (after->active == on)
		return before->active == on ? "unchanged" : "changed";
	if (after->fixed)
		return "fixed";
	if (after->requested == on)
		return "wish";	/* recorded; another feature or the device keeps it off */
	return "refused";
}

static const char *set_explain(const char *result)
{
	if (!strcmp(result, "fixed"))
		return "the driver cannot change it";
	if (!strcmp(result, "wish"))
		return "the kernel recorded the request, but something else keeps it";
	if (!strcmp(result, "refused"))
		return "the kernel did not take the request";
	return result;
}

static int set_features(struct genv_ctx *g, struct off_ctx *c, const char *ifname,
			int nargs, char **args)
{
	struct off_feature *before = NULL, *after = NULL;
	size_t nbefore = 0, nafter = 0, n = (size_t)nargs / 2;
	uint32_t bits = 0, bits_after;
	struct set_req *req = calloc(n, sizeof(*req)), *xreq = NULL;
	const char *bad;
	size_t xn;
	struct sbuf sb = SBUF_INIT;
	struct off_dev info;
	struct gnv_emit e;
	bool all_ok = true;
	int ret, kflags;

	if (!req)
		return off_fail(g, EXIT_FAIL, "out of memory");
	memset(&info, 0, sizeof(info));
	copy_str(info.ifname, sizeof(info.ifname), ifname, IFNAMSIZ);
	ret = read_ifinfo(c->fd, &info);
	if (ret) {
		ret = iface_fail(g, ifname, ret);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *v = args[2 * i + 1];

		req[i].name = args[2 * i];
		if (strcmp(v, "on") && strcmp(v, "off")) {
			ret = off_fail(g, EXIT_USAGE, "%s: '%s' is not 'on' or 'off'", req[i].name, v);
			goto out;
		}
		req[i].on = !strcmp(v, "on");
		for (size_t k = 0; k < i; k++)
			if (!strcmp(req[k].name, req[i].name)) {
				ret = off_fail(g, EXIT_USAGE, "%s: given twice", req[i].name);
				goto out;
			}
	}
	ret = read_features(c->fd, ifname, &before, &nbefore, &bits);
	if (ret) {
		ret = off_fail(g, EXIT_FAIL, "cannot read the features of '%s': %s", ifname, err_text(ret));
		goto out;
	}
	xreq = expand_aliases(req, n, before, nbefore, &xn, &bad);
	if (!xreq) {
		ret = off_fail(g, EXIT_FAIL, "out of memory");
		goto out;
	}
	if (bad) {
		ret = off_fail(g, EXIT_USAGE, alias_pattern(bad) && !feat_find(before, nbefore, bad) ?
			       "'%s' stands for no available feature of '%s', or for one given twice" :
			       "%s: given twice (by its name and through an alias) for '%s'", bad, ifname);
		goto out;
	}
	free(req);
	req = xreq;
	xreq = NULL;
	n = xn;
	for (size_t i = 0; i < n; i++) {
		const struct off_feature *f = feat_find(before, nbefore, req[i].name);

		if (!f) {
			ret = off_fail(g, EXIT_USAGE, "'%s' is not a feature of '%s' (see 'genv offload %s')",
				       req[i].name, ifname, ifname);
			goto out;
		}
		req[i].bit = f->bit;
	}
	kflags = sfeatures(c->fd, ifname, req, n, bits);
	if (kflags < 0) {
		ret = off_fail(g, EXIT_FAIL, "cannot set features of '%s': %s", ifname, strerror(-kflags));
		goto out;
	}
	ret = read_features(c->fd, ifname, &after, &nafter, &bits_after);
	if (ret) {
		ret = off_fail(g, EXIT_FAIL, "cannot read the features of '%s' back: %s", ifname,
			       err_text(ret));
		goto out;
	}

	gnv_emit_init(&e, &sb, g->json, g->pretty);
	gnv_emit_obj_open(&e, NULL, NULL);
	gnv_emit_u64(&e, "schema", NULL, OFF_SCHEMA);
	gnv_emit_str(&e, "ifname", NULL, ifname);
	gnv_emit_arr_open(&e, "set", NULL);
	for (size_t i = 0; i < n; i++) {
		const struct off_feature *b = feat_find(before, nbefore, req[i].name);
		const struct off_feature *a = feat_find(after, nafter, req[i].name);
		const char *res;
		char st[64];

		if (!a || !b) {
			all_ok = false;
			continue;
		}
		res = set_result(b, a, req[i].on);
		if (a->active != req[i].on)
			all_ok = false;
		feat_state(st, sizeof(st), a);
		gnv_emit_obj_open(&e, NULL, NULL);
		gnv_emit_str(&e, "name", "%s: ", a->name);
		gnv_emit_bool(&e, "asked", "asked %s, ", req[i].on, "on", "off");
		gnv_emit_bool(&e, "was_active", NULL, b->active, NULL, NULL);
		gnv_emit_bool(&e, "active", NULL, a->active, NULL, NULL);
		gnv_emit_text(&e, "now %s", st);
		gnv_emit_bool(&e, "requested", NULL, a->requested, NULL, NULL);
		gnv_emit_bool(&e, "fixed", NULL, a->fixed, NULL, NULL);
		gnv_emit_str(&e, "result", " (%s", res);
		if (a->active != req[i].on)
			gnv_emit_text(&e, ": %s", set_explain(res));
		gnv_emit_obj_close(&e, ")\n");
	}
	gnv_emit_arr_close(&e, NULL);
	/* what else the kernel changed because of the request */
	gnv_emit_arr_open(&e, "side_effects", NULL);
	for (size_t i = 0; i < nafter; i++) {
		const struct off_feature *a = &after[i], *b = feat_find(before, nbefore, a->name);
		bool asked = false;

		for (size_t k = 0; k < n; k++)
			asked |= !strcmp(req[k].name, a->name);
		if (asked || !b || b->active == a->active)
			continue;
		gnv_emit_obj_open(&e, NULL, NULL);
		gnv_emit_str(&e, "name", "%s: ", a->name);
		gnv_emit_bool(&e, "active", "now %s (changed as a consequence)\n", a->active, "on", "off");
		gnv_emit_obj_close(&e, NULL);
	}
	gnv_emit_arr_close(&e, NULL);
	gnv_emit_arr_open(&e, "kernel_flags", NULL);
	if (kflags & ETHTOOL_F_UNSUPPORTED)
		gnv_emit_str(&e, NULL, "kernel: some of the features cannot be changed on this device\n",
			     "unsupported");
	if (kflags & ETHTOOL_F_WISH)
		gnv_emit_str(&e, NULL, "kernel: some requests were recorded but are not active now\n",
			     "wish");
	if (kflags & ETHTOOL_F_COMPAT)
		gnv_emit_str(&e, NULL, "kernel: the driver applied the request through compatibility functions\n",
			     "compat");
	gnv_emit_arr_close(&e, NULL);
	gnv_emit_bool(&e, "ok", NULL, all_ok, NULL, NULL);
	gnv_emit_obj_close(&e, NULL);
	if (g->json)
		sbuf_putc(&sb, '\n');
	ret = emit(g, &sb);
	if (ret == EXIT_OK && !all_ok)
		ret = EXIT_FAIL;
out:
	free(req);
	free(xreq);
	free(before);
	free(after);
	sbuf_free(&sb);
	return ret;
}

struct off_opts {
	uint64_t budget, interval, count;
};

/* --interval: the drop/error counters every interval, with their change. */
static int watch_nic(struct genv_ctx *g, struct off_ctx *c, const char *ifname,
		     const struct off_opts *o)
{
	struct nic_stats prev, cur;
	struct timespec ts = { .tv_sec = (time_t)(o->interval / 1000),
			       .tv_nsec = (long)(o->interval % 1000) * 1000000 };
	int ret = EXIT_OK;

	if (if_nametoindex(ifname) == 0)
		return iface_fail(g, ifname, -ENODEV);
	if (nic_stats_read(c->fd, ifname, &prev))
		return off_fail(g, EXIT_FAIL, "out of memory");
	if (prev.err) {
		ret = off_fail(g, EXIT_FAIL, "cannot read the counters of '%s' (ethtool -S): %s", ifname,
			       prev.err == -EOPNOTSUPP ? "not supported" : strerror(-prev.err));
		nic_stats_free(&prev);
		return ret;
	}
	for (uint64_t k = 1; !o->count || k <= o->count; k++) {
		struct sbuf sb = SBUF_INIT;
		struct gnv_emit e;

		nanosleep(&ts, NULL);
		if (g->interrupted && *g->interrupted)
			break;
		if (nic_stats_read(c->fd, ifname, &cur)) {
			ret = off_fail(g, EXIT_FAIL, "out of memory");
			break;
		}
		gnv_emit_init(&e, &sb, g->json, g->pretty);
		gnv_emit_obj_open(&e, NULL, NULL);
		gnv_emit_u64(&e, "schema", NULL, OFF_SCHEMA);
		emit_ifname(&e, ifname);
		gnv_emit_u64(&e, "sample", ": sample %llu", k);
		gnv_emit_u64(&e, "interval_ms", ", %llu ms\n", o->interval);
		nic_stats_emit(&e, &cur, &prev);
		gnv_emit_obj_close(&e, NULL);
		if (g->json)
			sbuf_putc(&sb, '\n');
		ret = emit(g, &sb);
		sbuf_free(&sb);
		nic_stats_free(&prev);
		prev = cur;
		if (ret || cur.err) {
			ret = ret ? ret : EXIT_FAIL;
			break;
		}
	}
	nic_stats_free(&prev);
	return ret;
}

static int off_opt(struct genv_ctx *g, void *st, int id, const char *arg)
{
	struct off_opts *o = st;
	int ret;

	if (id == OFF_OPT_BUDGET) {
		ret = opt_u64(g, "--opt-budget", arg, 0, 252, &o->budget);
		if (ret)
			return ret;
		if (o->budget % 4)
			return gusage(g, "--opt-budget: '%s' is not a multiple of 4", arg);
	} else if (id == OFF_OPT_INTERVAL) {
		return opt_u64(g, "--interval", arg, 10, 3600000, &o->interval);
	} else if (id == OFF_OPT_COUNT) {
		return opt_u64(g, "--count", arg, 1, UINT64_MAX, &o->count);
	}
	return 0;
}

int cmd_offload(struct genv_ctx *g, int argc, char **argv)
{
	const struct cmd *self = cmd_find("offload");
	struct off_opts o = { 0 };
	struct off_ctx c;
	int np, ret;

	ret = opt_parse(g, self, argc, argv, off_opt, &o, &np);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (np >= 1 && strlen(argv[1]) >= IFNAMSIZ)
		return off_fail(g, EXIT_USAGE, "'%s' is too long for an interface name (at most %d bytes)",
				argv[1], IFNAMSIZ - 1);
	if (np >= 1 && !argv[1][0])
		return off_fail(g, EXIT_USAGE, "empty interface name");
	if (np >= 2 && strcmp(argv[2], "set"))
		return off_fail(g, EXIT_USAGE, "unexpected '%s' after the interface (only 'set' may follow)",
				argv[2]);
	if (np >= 2 && (np == 2 || (np - 3) % 2 == 0))
		return off_fail(g, EXIT_USAGE, "'set' wants FEATURE on|off pairs");
	if (o.interval && np != 1)
		return off_fail(g, EXIT_USAGE, "--interval watches one interface: genv offload IFACE --interval MS");
	if (o.count && !o.interval)
		return off_fail(g, EXIT_USAGE, "--count applies to --interval");

	ret = off_ctx_open(&c);
	if (ret)
		return off_fail(g, EXIT_FAIL, "cannot open a socket: %s", strerror(-ret));
	if (o.interval)
		ret = watch_nic(g, &c, argv[1], &o);
	else if (np == 0)
		ret = show_all(g, &c, (unsigned int)o.budget);
	else if (np == 1)
		ret = show_one(g, &c, argv[1], (unsigned int)o.budget);
	else
		ret = set_features(g, &c, argv[1], np - 2, argv + 3);
	off_ctx_close(&c);
	return ret;
}
