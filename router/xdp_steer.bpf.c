/* SPDX-License-Identifier: MIT */
/*
 * XDP steering program of genv route's AF_XDP ports (port_xdp.c).  It is
 * compiled with clang -target bpf at build time and carried inside the
 * genv binary; libxdp loads it through its multi-program dispatcher, so
 * other XDP programs on the same interface keep running.
 *
 *   endpoint mode  every frame goes to the AF_XDP socket of its queue
 *   underlay mode  only IPv4/UDP to port cfg.port on one of cfg.addr[]
 *                  (unfragmented); everything else -- ARP, SSH, ping,
 *                  other UDP, IPv6 -- is passed to the kernel untouched
 *
 * Until user space writes the configuration, or when no socket is bound
 * to the queue (router gone), frames are passed to the kernel.
 * Layer: BPF program; uses only the kernel's UAPI headers and libbpf's
 * helper headers.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <xdp/xdp_helpers.h>
#include "xdp_steer.h"

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, GENV_XDP_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} genv_xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct genv_xdp_cfg);
} genv_cfg SEC(".maps");

/* libxdp's dispatcher: run after higher-priority programs, continue the
 * chain on XDP_PASS */
struct {
	__uint(priority, 20);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(genv_steer);

static __always_inline int ours(const struct xdp_md *ctx, const struct genv_xdp_cfg *cfg)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;
	__u32 ihl;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->version != 4 || ip->protocol != IPPROTO_UDP)
		return 0;
	if (ip->frag_off & bpf_htons(0x3fff))	/* MF or an offset: the kernel reassembles */
		return 0;
	ihl = ip->ihl * 4u;
	if (ihl < sizeof(*ip))
		return 0;
	udp = (void *)ip + ihl;
	if ((void *)(udp + 1) > end || udp->dest != cfg->port)
		return 0;
#pragma unroll
	for (int i = 0; i < GENV_XDP_MAX_ADDRS; i++)
		if (i < cfg->naddr && ip->daddr == cfg->addr[i])
			return 1;
	return 0;
}

SEC("xdp")
int genv_steer(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct genv_xdp_cfg *cfg = bpf_map_lookup_elem(&genv_cfg, &zero);

	if (!cfg || cfg->mode == GENV_XDP_OFF)
		return XDP_PASS;
	if (cfg->mode == GENV_XDP_UNDERLAY && !ours(ctx, cfg))
		return XDP_PASS;
	return bpf_redirect_map(&genv_xsks, ctx->rx_queue_index, XDP_PASS);
}

char _license[] SEC("license") = "Dual MIT/GPL";
