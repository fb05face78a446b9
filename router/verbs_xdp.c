/* SPDX-License-Identifier: MIT */
/*
 * add port xdp IFACE [queues N] [mode auto|zerocopy|copy|skb]
 *                    [busy-poll on|off] [frame-size 2048|4096] [ring N] [mtu N]
 * An AF_XDP port on an existing interface (port_xdp.c); stored in the
 * port table like a TAP port, with its options, so `dump` and the state
 * file give the same line back.
 * Layer: router; calls lang, tables and the runtime ops.
 */
#include <stdio.h>
#include <string.h>
#include "../libcore/emit.h"
#include "config.h"
#include "lang.h"
#include "port.h"
#include "tables.h"
#include "verbs.h"

const char *const rt_xdp_port_kws[] = { "queues", "mode", "busy-poll", "frame-size", "ring", "mtu",
					NULL };
#define kw_xdp rt_xdp_port_kws

static int choice(struct rt_cmd *c, int i, const char *const *names, const char *what)
{
	char list[200];

	if (i >= c->n)
		return rt_lang_word_err(c, i, "%s", what);
	for (int k = 0; names[k]; k++)
		if (!strcmp(c->w[i], names[k]))
			return k;
	if (names == kw_xdp)
		return rt_lang_unknown_kw(c, i, names);
	rt_lang_list_words(list, sizeof(list), names);
	return rt_lang_word_err(c, i, "%s must be %s", what, list);
}

int rt_verb_port_xdp(struct rt_cmd *c)
{
	static const char *const onoff[] = { "off", "on", NULL };
	struct rt_xdp_opts o = { .queues = 1, .frame_size = 2048, .ring = RT_XDP_RING };
	uint32_t mtu = RT_DEFAULT_PORT_MTU, v;
	unsigned int seen = 0;
	const char *name = c->w[3];
	struct rt_port *p;
	int idx, r;

	for (int i = 4; i < c->n; i += 2) {
		int k = choice(c, i, kw_xdp, "option");

		if (k < 0)
			return k;
		if (seen & 1u << k)
			return rt_lang_word_err(c, i, "given twice");
		seen |= 1u << k;
		switch (k) {
		case 0:
			r = rt_lang_u32(c, i + 1, 1, 64, "queues", &v);
			o.queues = v;
			break;
		case 1:
			r = choice(c, i + 1, rt_xdp_mode_names, "mode");
			o.mode = r;
			break;
		case 2:
			r = choice(c, i + 1, onoff, "busy-poll");
			o.busy_poll = r == 1;
			break;
		case 3:
			r = rt_lang_u32(c, i + 1, 2048, 4096, "frame-size", &v);
			if (!r && v != 2048 && v != 4096)
				r = rt_lang_word_err(c, i + 1, "frame-size must be 2048 or 4096");
			o.frame_size = v;
			break;
		case 4:
			r = rt_lang_u32(c, i + 1, RT_XDP_RING_MIN, RT_XDP_RING_MAX, "ring", &v);
			if (!r && (v & (v - 1)))
				r = rt_lang_word_err(c, i + 1, "ring must be a power of two");
			o.ring = v;
			break;
		default:
			r = rt_lang_u32(c, i + 1, RT_MTU_MIN, RT_MTU_MAX, "mtu", &mtu);
			break;
		}
		if (r < 0)
			return r;
	}
	r = rt_port_check(c->t, name, mtu, &idx, c->msg, sizeof(c->msg));
	if (r)
		return rt_lang_err_from(c, r, c->msg);
	if (c->ops && c->ops->port_open_xdp) {
		r = c->ops->port_open_xdp(c->ops->ctx, idx, name, &o, c->msg, sizeof(c->msg));
		if (r)
			return rt_lang_err_from(c, r, c->msg);
	}
	r = rt_port_add(c->t, idx, name, mtu, c->msg, sizeof(c->msg));
	if (r) {
		if (c->ops && c->ops->port_close)
			c->ops->port_close(c->ops->ctx, idx);
		return rt_lang_err_from(c, r, c->msg);
	}
	p = &c->t->cfg.port[idx];
	p->xdp = true;
	p->xdp_queues = (uint8_t)o.queues;
	p->xdp_mode = (uint8_t)o.mode;
	p->xdp_busy_poll = o.busy_poll;
	p->xdp_frame_size = (uint16_t)o.frame_size;
	p->xdp_ring = (uint16_t)o.ring;
	return 0;
}

void rt_port_xdp_dump(const struct rt_port *p, struct sbuf *o)
{
	sbuf_printf(o, "add port xdp %s queues %u mode %s busy-poll %s frame-size %u ring %u mtu %u\n",
		    p->name, p->xdp_queues, rt_xdp_mode_names[p->xdp_mode],
		    p->xdp_busy_poll ? "on" : "off", p->xdp_frame_size,
		    p->xdp_ring ? p->xdp_ring : RT_XDP_RING, p->mtu);
}

/* show port: what the AF_XDP port obtained, why, and its frames */
void rt_port_xdp_emit(struct gnv_emit *e, const struct rt_xdp_info *x)
{
	gnv_emit_obj_open(e, "xdp", "    xdp");
	gnv_emit_str(e, "mode", " mode %s", rt_xdp_mode_names[x->mode]);
	gnv_emit_str(e, "role", " role %s", x->role == RT_XDP_UNDERLAY ? "underlay" : "endpoint");
	gnv_emit_str(e, "reason", " (%s)", x->reason);
	gnv_emit_str(e, "busy_poll", " busy-poll %s", x->busy_poll[0] ? x->busy_poll : "off");
	gnv_emit_u64(e, "rx_frames", " rx %llu", x->rx_frames);
	gnv_emit_u64(e, "tx_frames", " tx %llu", x->tx_frames);
	gnv_emit_u64(e, "tx_kernel", " tx_kernel %llu", x->tx_kernel);
	gnv_emit_bool(e, "multi_buffer", "%s", x->multi_buffer, " multi-buffer", " single-buffer");
	gnv_emit_u64(e, "rx_multi", " rx_multi %llu", x->rx_multi);
	gnv_emit_u64(e, "tx_multi", " tx_multi %llu", x->tx_multi);
	gnv_emit_bool(e, "replaced_leftover", "%s", x->replaced, " replaced-leftover", "");
	gnv_emit_obj_close(e, "\n");
	gnv_emit_obj_open(e, "frames", "    frames");
	gnv_emit_u64(e, "total", " %llu", x->frames);
	gnv_emit_u64(e, "ring", " ring %llu", x->ring);
	gnv_emit_u64(e, "free", " free %llu", x->free);
	gnv_emit_u64(e, "fill_rx", " fill+rx %llu", x->fill_rx);
	gnv_emit_u64(e, "tx_comp", " tx+completion %llu", x->tx_comp);
	gnv_emit_u64(e, "held", " held %llu", x->held);
	gnv_emit_u64(e, "lost", " lost %llu", x->lost);
	gnv_emit_u64(e, "accounting_errors", " accounting_errors %llu", x->acct_errors);
	gnv_emit_obj_close(e, "\n");
	/* where the kernel lost frames before the router saw them */
	gnv_emit_obj_open(e, "kernel", "    kernel");
	gnv_emit_u64(e, "rx_dropped", " rx_dropped %llu", x->k_rx_dropped);
	gnv_emit_u64(e, "rx_ring_full", " rx_ring_full %llu", x->k_rx_ring_full);
	gnv_emit_u64(e, "fill_ring_empty", " fill_ring_empty %llu", x->k_fill_empty);
	gnv_emit_u64(e, "rx_invalid", " rx_invalid %llu", x->k_rx_invalid);
	gnv_emit_u64(e, "tx_invalid", " tx_invalid %llu", x->k_tx_invalid);
	gnv_emit_u64(e, "tx_ring_empty", " tx_ring_empty %llu", x->k_tx_ring_empty);
	gnv_emit_obj_close(e, "\n");
}
