/* SPDX-License-Identifier: MIT */
/*
 * Text renderers: the one-line summary and the field-by-field view.
 * Built from sbuf primitives (no printf per field) because `genv decode`
 * renders millions of lines.
 *
 * Layer: libcore; calls optreg, err, sbuf (print_impl.h), cursor.h and libc.
 */
#include <stddef.h>
#include <string.h>
#include "cursor.h"
#include "print.h"
#include "print_impl.h"
#include "ovsnot.h"

#define C_VNI	"\033[1;36m"
#define C_ERR	"\033[1;31m"
#define C_WARN	"\033[33m"
#define C_OFF	"\033[0m"

static const char hexdig[] = "0123456789abcdef";

/* RFC 5952 text form, without printf (sbuf.c has the formatter). */
void gnv_w_ip6(struct sbuf *sb, const uint8_t a[16])
{
	char t[48];

	w_add(sb, t, sbuf_fmt_ip6(t, a));
}

/* string literals only (sizeof) */
#define PUTS(sb, lit) w_add((sb), "" lit "", sizeof(lit) - 1)

static void put_hex16(struct sbuf *sb, unsigned int v)
{
	char t[6] = { '0', 'x', hexdig[(v >> 12) & 15], hexdig[(v >> 8) & 15],
		      hexdig[(v >> 4) & 15], hexdig[v & 15] };

	w_add(sb, t, 6);
}

/* 0x and the hex digits without leading zeros (the STT context id). */
static void put_hex64(struct sbuf *sb, uint64_t v)
{
	char t[18] = { '0', 'x' };
	int n = 2, sh = 60;

	while (sh > 0 && !(v >> sh & 15))
		sh -= 4;
	for (; sh >= 0; sh -= 4)
		t[n++] = hexdig[v >> sh & 15];
	w_add(sb, t, (size_t)n);
}

static void put_hex8(struct sbuf *sb, unsigned int v)
{
	char t[4] = { '0', 'x', hexdig[(v >> 4) & 15], hexdig[v & 15] };

	w_add(sb, t, 4);
}

/* Zero-padded decimal of a fixed width. */
static void put_dec(struct sbuf *sb, uint64_t v, int width)
{
	char t[20];
	int i;

	for (i = width - 1; i >= 0; i--) {
		t[i] = (char)('0' + v % 10);
		v /= 10;
	}
	w_add(sb, t, (size_t)width);
}

void gnv_printer_init(struct gnv_printer *pr, bool color, bool pretty)
{
	memset(pr, 0, offsetof(struct gnv_printer, line_opts));
	pr->color = color;
	pr->pretty = pretty;
	pr->day = INT64_MIN;
	optcache_clear(&pr->line_opts);
	optcache_clear(&pr->json_opts);
}

/* Civil date from days since 1970-01-01 (proleptic Gregorian). */
static void civil(int64_t z, int64_t *y, unsigned int *m, unsigned int *d)
{
	int64_t era, yy;
	uint64_t doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (uint64_t)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yy + (*m <= 2);
}

void gnv_print_time(struct gnv_printer *pr, struct sbuf *sb,
		    const struct gnv_frame *fr)
{
	int64_t day, sod;

	if (!fr->has_ts)
		return;
	day = fr->sec >= 0 ? fr->sec / 86400 : -((-fr->sec + 86399) / 86400);
	sod = fr->sec - day * 86400;
	if (day != pr->day) {
		int64_t y;
		unsigned int m, d;

		civil(day, &y, &m, &d);
		if (y < 0 || y > 9999)
			y = 0;
		{
			char *p = pr->date;
			uint64_t yy = (uint64_t)y;

			p[0] = (char)('0' + yy / 1000 % 10);
			p[1] = (char)('0' + yy / 100 % 10);
			p[2] = (char)('0' + yy / 10 % 10);
			p[3] = (char)('0' + yy % 10);
			p[4] = '-';
			p[5] = (char)('0' + m / 10);
			p[6] = (char)('0' + m % 10);
			p[7] = '-';
			p[8] = (char)('0' + d / 10);
			p[9] = (char)('0' + d % 10);
			p[10] = ' ';
			p[11] = 0;
		}
		pr->day = day;
	}
	w_add(sb, pr->date, 11);
	put_dec(sb, (uint64_t)(sod / 3600), 2);
	w_putc(sb, ':');
	put_dec(sb, (uint64_t)(sod / 60 % 60), 2);
	w_putc(sb, ':');
	put_dec(sb, (uint64_t)(sod % 60), 2);
	w_putc(sb, '.');
	put_dec(sb, fr->frac, fr->frac_digits == 9 ? 9 : 6);
}

const char *gnv_csum_state_name(enum gnv_csum_state st)
{
	switch (st) {
	case GNV_CSUM_OK: return "ok";
	case GNV_CSUM_BAD: return "bad";
	case GNV_CSUM_ZERO: return "zero";
	case GNV_CSUM_UNVERIFIED: return "unverified";
	case GNV_CSUM_PARTIAL: return "partial";
	case GNV_CSUM_NA: break;
	}
	return NULL;
}

static void put_addr(struct sbuf *sb, const struct gnv_addr *a)
{
	if (a->family == 6)
		gnv_w_ip6(sb, a->a);
	else
		w_ip4(sb, a->a);
}

static void put_tcp_flags(struct sbuf *sb, uint16_t f)
{
	/* tcpdump's letters and order, so the lines read the same */
	static const struct { uint16_t bit; char c; } tab[] = {
		{ 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' },
		{ 0x10, '.' }, { 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' },
	};
	bool any = false;

	w_putc(sb, '[');
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (f & tab[i].bit) {
			w_putc(sb, tab[i].c);
			any = true;
		}
	if (!any)
		PUTS(sb, "none");
	w_putc(sb, ']');
}

static const char *icmp_name(uint8_t proto, uint8_t type)
{
	if (proto == 1) {
		switch (type) {
		case 0: return "echo reply";
		case 3: return "unreachable";
		case 5: return "redirect";
		case 8: return "echo request";
		case 11: return "time exceeded";
		case 12: return "parameter problem";
		}
	} else {
		switch (type) {
		case 1: return "unreachable";
		case 2: return "packet too big";
		case 3: return "time exceeded";
		case 4: return "parameter problem";
		case 128: return "echo request";
		case 129: return "echo reply";
		case 133: return "router solicitation";
		case 134: return "router advertisement";
		case 135: return "neighbor solicitation";
		case 136: return "neighbor advertisement";
		}
	}
	return NULL;
}

static const char *ipproto_name(uint8_t p)
{
	switch (p) {
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 47: return "GRE";
	case 50: return "ESP";
	case 58: return "ICMP6";
	case 132: return "SCTP";
	}
	return NULL;
}

static void put_arp(struct sbuf *sb, const struct gnv_arp *a)
{
	PUTS(sb, "ARP ");
	if (a->hlen != 6 || a->plen != 4) {
		PUTS(sb, "htype ");
		w_u64(sb, a->htype);
		PUTS(sb, " ptype ");
		put_hex16(sb, a->ptype);
		PUTS(sb, " op ");
		w_u64(sb, a->op);
		return;
	}
	if (a->op == 1) {
		PUTS(sb, "who-has ");
		w_ip4(sb, a->tpa);
		PUTS(sb, " tell ");
		w_ip4(sb, a->spa);
	} else if (a->op == 2) {
		PUTS(sb, "reply ");
		w_ip4(sb, a->spa);
		PUTS(sb, " is-at ");
		sbuf_mac(sb, a->sha);
	} else {
		PUTS(sb, "op ");
		w_u64(sb, a->op);
		w_putc(sb, ' ');
		w_ip4(sb, a->spa);
		PUTS(sb, " > ");
		w_ip4(sb, a->tpa);
	}
}

static bool has_ports(const struct gnv_l4 *l4)
{
	return l4->proto == 6 || l4->proto == 17;
}

/* Was the whole L4 header captured?  (The decoder sets the protocol first.) */
static bool l4_whole(const struct gnv_l4 *l4, uint32_t caplen)
{
	uint32_t need = l4->proto == 6 ? 20 : l4->proto == 17 ? 8 : 4;

	return l4->off + need <= caplen;
}

void gnv_print_layers(struct sbuf *sb, const struct gnv_layers *l, uint32_t caplen)
{
	const struct gnv_ip *ip = &l->ip;
	const struct gnv_l4 *l4 = &l->l4;
	const char *name;
	bool whole;

	if (l->eth.present && l->eth.nvlan) {
		for (unsigned int i = 0; i < l->eth.nvlan && i < GNV_MAX_VLANS; i++) {
			PUTS(sb, "vlan ");
			w_u64(sb, l->eth.vlan[i].tci & 0xfff);
			w_putc(sb, ' ');
		}
	}
	if (l->arp.present) {
		if (l->arp.hlen == 6 && l->arp.plen == 4 && l->arp.off + 28 > caplen)
			PUTS(sb, "ARP [|arp]");
		else
			put_arp(sb, &l->arp);
		return;
	}
	if (ip->version && !ip->src.family) {
		/* the header was not decoded: wrong version or cut short */
		PUTS(sb, "IP version ");
		w_u64(sb, ip->version);
		return;
	}
	if (!ip->version) {
		if (l->eth.present) {
			PUTS(sb, "ether ");
			sbuf_mac(sb, l->eth.src);
			PUTS(sb, " > ");
			sbuf_mac(sb, l->eth.dst);
			PUTS(sb, " type ");
			put_hex16(sb, l->eth.type);
		}
		return;
	}
	whole = l4->proto && l4_whole(l4, caplen);
	put_addr(sb, &ip->src);
	if (has_ports(l4) && whole) {
		w_putc(sb, '.');
		w_u64(sb, l4->sport);
	}
	PUTS(sb, " > ");
	put_addr(sb, &ip->dst);
	if (has_ports(l4) && whole) {
		w_putc(sb, '.');
		w_u64(sb, l4->dport);
	}
	w_putc(sb, ' ');
	name = ipproto_name(ip->proto);
	if (name) {
		w_puts(sb, name);
	} else {
		PUTS(sb, "proto ");
		w_u64(sb, ip->proto);
	}
	if (ip->fragment) {
		PUTS(sb, " frag offset ");
		w_u64(sb, (uint64_t)ip->frag_off * 8);
		return;
	}
	if (!l4->proto)
		return;
	if (!whole) {
		w_puts(sb, l4->proto == 6 ? " [|tcp]" : l4->proto == 17 ? " [|udp]" : " [|icmp]");
		return;
	}
	if (l4->proto == 6) {
		w_putc(sb, ' ');
		put_tcp_flags(sb, l4->flags);
	} else if (l4->proto == 1 || l4->proto == 58) {
		name = icmp_name(l4->proto, l4->type);
		w_putc(sb, ' ');
		if (name) {
			w_puts(sb, name);
		} else {
			PUTS(sb, "type ");
			w_u64(sb, l4->type);
			PUTS(sb, " code ");
			w_u64(sb, l4->code);
		}
		if ((l4->proto == 1 && (l4->type == 0 || l4->type == 8)) ||
		    (l4->proto == 58 && (l4->type == 128 || l4->type == 129))) {
			PUTS(sb, " id ");
			w_u64(sb, l4->icmp_id);
			PUTS(sb, " seq ");
			w_u64(sb, l4->icmp_seq);
		}
		return;
	}
	PUTS(sb, " payload ");
	w_u64(sb, l4->payload_size);
}

static void put_field_value(struct sbuf *sb, const struct gnv_field *f)
{
	switch (f->kind) {
	case GNV_F_UINT:
		w_u64(sb, f->u);
		break;
	case GNV_F_BOOL:
		w_putc(sb, f->u ? '1' : '0');
		break;
	case GNV_F_HEX:
		if (f->p && f->size)
			sbuf_hex(sb, f->p, f->size);
		else
			sbuf_hex(sb, f->b, f->size < sizeof(f->b) ? f->size : sizeof(f->b));
		break;
	case GNV_F_IP4:
		w_ip4(sb, f->b);
		break;
	case GNV_F_IP6:
		gnv_w_ip6(sb, f->b);
		break;
	case GNV_F_MAC:
		sbuf_mac(sb, f->b);
		break;
	case GNV_F_ENUM:
		if (f->s)
			w_puts(sb, f->s);
		else
			w_u64(sb, f->u);
		break;
	case GNV_F_U32LIST:
		for (unsigned int i = 0; f->p && i + 4 <= f->size; i += 4) {
			if (i)
				w_putc(sb, ',');
			w_u64(sb, gnv_be32(f->p + i));
		}
		break;
	}
}

void gnv_print_opt_fields(struct sbuf *sb, const struct gnv_optinfo *info)
{
	for (unsigned int i = 0; i < info->nfield && i < GNV_MAX_FIELDS; i++) {
		if (i)
			w_putc(sb, ' ');
		w_puts(sb, info->f[i].key);
		w_putc(sb, '=');
		put_field_value(sb, &info->f[i]);
	}
}

static void put_class_type(struct sbuf *sb, const struct gnv_pkt *pk,
			   const struct gnv_opt *o)
{
	w_puts(sb, gnv_class_short(o->cls, pk->genv_class));
	w_putc(sb, ':');
	put_hex8(sb, o->type);
}

static void opt_summary(struct sbuf *sb, const struct gnv_pkt *pk,
			const struct gnv_opt *o, struct gnv_optinfo *info)
{
	bool known = gnv_opt_info(pk, o, info);

	if (o->off + 4u + o->size > pk->caplen) {
		/* data cut by the capture: no layout to judge */
		if (known && info->name)
			w_puts(sb, info->name);
		else
			put_class_type(sb, pk, o);
		if (gnv_opt_critical(o))
			PUTS(sb, "(C)");
		PUTS(sb, " len ");
		w_u64(sb, o->size);
		PUTS(sb, " [|opt]");
		return;
	}
	if (known && info->name) {
		w_puts(sb, info->name);
		if (gnv_opt_critical(o))
			PUTS(sb, "(C)");
		if (info->layout_ok && info->nfield) {
			w_putc(sb, ' ');
			gnv_print_opt_fields(sb, info);
		} else if (!info->layout_ok) {
			PUTS(sb, " len ");
			w_u64(sb, o->size);
			PUTS(sb, " bad-layout");
		}
		return;
	}
	put_class_type(sb, pk, o);
	if (gnv_opt_critical(o))
		PUTS(sb, "(C)");
	PUTS(sb, " len ");
	w_u64(sb, o->size);
}

/* The summary of a wholly captured option, from the printer's cache. */
static void opt_summary_cached(struct gnv_printer *pr, struct sbuf *sb, const struct gnv_pkt *pk,
			       const struct gnv_opt *o, struct gnv_optinfo *info)
{
	const uint8_t *tlv = pk->data + o->off;
	uint32_t size = 4u + o->size;
	struct gnv_optcache_ent *e, *victim = NULL;
	size_t start;

	if (o->off + size > pk->caplen || size > sizeof(e->tlv)) {
		opt_summary(sb, pk, o, info);
		return;
	}
	e = optcache_find(&pr->line_opts, tlv, size, pk->genv_class, &victim);
	if (e) {
		w_add(sb, e->text, e->tlen);
		return;
	}
	start = sb->len;
	opt_summary(sb, pk, o, info);
	optcache_store(&pr->line_opts, victim, tlv, size, pk->genv_class, sb->buf + start,
		       sb->len - start, !sb->oom);
}

void gnv_print_opt_summary(struct sbuf *sb, const struct gnv_pkt *pk,
			   const struct gnv_opt *o)
{
	struct gnv_optinfo info;

	opt_summary(sb, pk, o, &info);
}

static void put_errors(struct gnv_printer *pr, struct sbuf *sb,
		       const struct gnv_pkt *pk)
{
	for (unsigned int i = 0; i < pk->nerr && i < GNV_MAX_ERRS; i++) {
		bool warn = gnv_err_severity(pk->err[i].code) == GNV_SEV_WARNING;

		w_putc(sb, ' ');
		if (pr->color)
			w_puts(sb, warn ? C_WARN : C_ERR);
		PUTS(sb, "[!");
		if (pk->err[i].inner)
			PUTS(sb, "inner.");
		w_puts(sb, gnv_err_code(pk->err[i].code));
		w_putc(sb, ']');
		if (pr->color)
			PUTS(sb, C_OFF);
	}
	if (pk->err_overflow)
		PUTS(sb, " [!...]");
}

static void put_vni(struct gnv_printer *pr, struct sbuf *sb, const char *name, uint32_t vni)
{
	w_putc(sb, ' ');
	w_puts(sb, name);
	w_putc(sb, ' ');
	if (pr->color)
		PUTS(sb, C_VNI);
	w_u64(sb, vni);
	if (pr->color)
		PUTS(sb, C_OFF);
}

const char *gnv_tun_name(uint8_t kind)
{
	static const char *const names[] = {
		[GNV_TUN_GENEVE] = "Geneve", [GNV_TUN_VXLAN] = "VXLAN",
		[GNV_TUN_GPE] = "VXLAN-GPE", [GNV_TUN_GRE] = "GRE", [GNV_TUN_NVGRE] = "NVGRE",
		[GNV_TUN_GUE] = "GUE", [GNV_TUN_STT] = "STT",
	};

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

/* The header of VXLAN, VXLAN-GPE, GRE, NVGRE or GUE on the one-line view. */
static void put_tunnel(struct gnv_printer *pr, struct sbuf *sb, const struct gnv_pkt *pk)
{
	const struct gnv_tun *t = &pk->tun;
	const struct gnv_geneve *g = &pk->gnv;
	const struct gnv_layers *o = &pk->outer;
	bool udp = t->kind == GNV_TUN_VXLAN || t->kind == GNV_TUN_GPE || t->kind == GNV_TUN_GUE ||
		   t->kind == GNV_TUN_STT;	/* STT: TCP ports */

	put_addr(sb, &o->ip.src);
	if (udp) {
		w_putc(sb, '.');
		w_u64(sb, o->l4.sport);
	}
	PUTS(sb, " > ");
	put_addr(sb, &o->ip.dst);
	if (udp) {
		w_putc(sb, '.');
		w_u64(sb, o->l4.dport);
	}
	PUTS(sb, ": ");
	w_puts(sb, gnv_tun_name(t->kind));
	if (!g->present) {
		w_puts(sb, t->kind == GNV_TUN_VXLAN || t->kind == GNV_TUN_GPE ? " [|vxlan]" :
			   t->kind == GNV_TUN_GUE ? " [|gue]" : t->kind == GNV_TUN_STT ? " [|stt]" : " [|gre]");
		return;
	}
	switch (t->kind) {
	case GNV_TUN_VXLAN:
		put_vni(pr, sb, "vni", g->vni);
		if (t->gbp) {
			PUTS(sb, " gbp ");
			w_u64(sb, t->gbp_id);
			if (t->gbp_flags & 0x40)
				PUTS(sb, " [D]");
			if (t->gbp_flags & 0x08)
				PUTS(sb, " [A]");
		}
		break;
	case GNV_TUN_GPE:
		if (g->ver) {
			PUTS(sb, " ver ");
			w_u64(sb, g->ver);
		}
		put_vni(pr, sb, "vni", g->vni);
		if (g->oam)
			PUTS(sb, " [O]");
		if (!g->proto) {
			PUTS(sb, " next-proto ");
			w_u64(sb, t->next_proto);
		}
		break;
	case GNV_TUN_GUE:
		if (g->ver) {
			PUTS(sb, " v1");
			break;
		}
		w_puts(sb, g->oam ? " control ctype " : " proto ");
		w_u64(sb, t->next_proto);
		if (t->gue_flags) {
			PUTS(sb, " flags ");
			put_hex16(sb, t->gue_flags);
		}
		if (t->gue_hlen) {
			PUTS(sb, " hlen ");
			w_u64(sb, t->gue_hlen);
		}
		break;
	case GNV_TUN_STT:
		if (t->stt_cont) {
			PUTS(sb, " continuation offset ");
			w_u64(sb, o->l4.seq & 0xffff);
			PUTS(sb, " of ");
			w_u64(sb, o->l4.seq >> 16);
			PUTS(sb, " id ");
			w_u64(sb, o->l4.ack);
			break;
		}
		PUTS(sb, " context ");
		put_hex64(sb, t->stt_ctx);
		if (t->stt_vlan & 0x1000) {
			PUTS(sb, " vlan ");
			w_u64(sb, t->stt_vlan & 0xfff);
		}
		if (o->l4.seq >> 16 > o->l4.payload_size) {
			PUTS(sb, " first of ");
			w_u64(sb, o->l4.seq >> 16);
		}
		break;
	case GNV_TUN_NVGRE:
		put_vni(pr, sb, "vsid", g->vni);
		PUTS(sb, " flowid ");
		w_u64(sb, t->key & 0xff);
		break;
	default:
		if (g->ver) {
			PUTS(sb, " ver ");
			w_u64(sb, g->ver);
		}
		if (t->gre_flags & 0x2000) {
			PUTS(sb, " key 0x");
			sbuf_hex(sb, (const uint8_t[]){ (uint8_t)(t->key >> 24), (uint8_t)(t->key >> 16),
				 (uint8_t)(t->key >> 8), (uint8_t)t->key }, 4);
		}
		if (t->gre_flags & 0x1000) {
			PUTS(sb, " seq ");
			w_u64(sb, t->seq);
		}
		if (t->gre_flags & 0x8000)
			PUTS(sb, " [C]");
		if (g->proto != 0x6558 && g->proto != 0x0800 && g->proto != 0x86dd) {
			PUTS(sb, " proto ");
			put_hex16(sb, g->proto);
		}
		break;
	}
	if (pk->inner.arp.present || pk->inner.ip.version || pk->inner.eth.present) {
		PUTS(sb, ": ");
		gnv_print_layers(sb, &pk->inner, pk->caplen);
	}
}

/* The whole captured option area in OVS notation, after pfx; false (and
 * nothing written) when it is cut or OVS cannot express it. */
static bool ovs_options(struct sbuf *sb, const struct gnv_pkt *pk, const char *pfx,
			const struct gnv_tlvmap *map)
{
	const struct gnv_geneve *g = &pk->gnv;
	uint32_t off = g->off + 8;
	size_t mark = sb->len;

	if (!g->opt_size || off + g->opt_size > pk->caplen)
		return false;
	w_puts(sb, pfx);
	if (map ? gnv_ovs_format_map(sb, pk->data + off, g->opt_size, map, " ", "") :
	    gnv_ovs_format(sb, pk->data + off, g->opt_size))
		return true;
	sb->len = mark;
	if (sb->buf)
		sb->buf[mark] = 0;
	return false;
}

static void put_geneve(struct gnv_printer *pr, struct sbuf *sb,
		       const struct gnv_pkt *pk)
{
	const struct gnv_geneve *g = &pk->gnv;
	const struct gnv_layers *o = &pk->outer;

	put_addr(sb, &o->ip.src);
	w_putc(sb, '.');
	w_u64(sb, o->l4.sport);
	PUTS(sb, " > ");
	put_addr(sb, &o->ip.dst);
	w_putc(sb, '.');
	w_u64(sb, o->l4.dport);
	PUTS(sb, ": Geneve");
	if (!g->present) {
		PUTS(sb, " [|geneve]");
		return;
	}
	if (g->ver) {
		PUTS(sb, " ver ");
		w_u64(sb, g->ver);
	}
	PUTS(sb, " vni ");
	if (pr->color)
		PUTS(sb, C_VNI);
	w_u64(sb, g->vni);
	if (pr->color)
		PUTS(sb, C_OFF);
	if (g->oam)
		PUTS(sb, " [O]");
	if (g->crit)
		PUTS(sb, " [C]");
	if (g->nopt && pr->opt_ovs && ovs_options(sb, pk, " ", pr->tlvmap)) {
		/* geneve({class=...}...) as ovs-dpctl prints it */
	} else if (g->nopt) {
		struct gnv_optinfo info;

		PUTS(sb, " opts [");
		for (unsigned int i = 0; i < g->nopt && i < GNV_MAX_OPTS; i++) {
			if (i)
				PUTS(sb, ", ");
			opt_summary_cached(pr, sb, pk, &g->opt[i], &info);
		}
		w_putc(sb, ']');
	}
	if (g->proto != 0x6558 && g->proto != 0x0800 && g->proto != 0x86dd) {
		PUTS(sb, " proto ");
		put_hex16(sb, g->proto);
	}
	if (pk->inner.arp.present || pk->inner.ip.version || pk->inner.eth.present) {
		PUTS(sb, ": ");
		gnv_print_layers(sb, &pk->inner, pk->caplen);
	}
}

void gnv_print_line(struct gnv_printer *pr, struct sbuf *sb,
		    const struct gnv_pkt *pk, const struct gnv_frame *fr)
{
	size_t w = 0;
	char num[20];
	uint64_t v = fr->num;

	/* frame number right-aligned in 5 columns, like tcpdump -# */
	do {
		num[sizeof(num) - 1 - w++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && w < sizeof(num));
	for (size_t i = w; i < 5; i++)
		w_putc(sb, ' ');
	w_add(sb, num + sizeof(num) - w, w);
	w_putc(sb, ' ');
	if (fr->has_ts) {
		gnv_print_time(pr, sb, fr);
		w_putc(sb, ' ');
	}
	if (fr->ifname) {
		w_add(sb, fr->ifname, strlen(fr->ifname));
		w_putc(sb, ' ');
		if (fr->dir)
			w_add(sb, fr->dir, strlen(fr->dir));
		w_putc(sb, ' ');
	}
	if (pk->is_geneve && pk->tun.kind != GNV_TUN_GENEVE)
		put_tunnel(pr, sb, pk);
	else if (pk->is_geneve)
		put_geneve(pr, sb, pk);
	else if (pk->outer.arp.present || pk->outer.ip.version || pk->outer.eth.present)
		gnv_print_layers(sb, &pk->outer, pk->caplen);
	else
		PUTS(sb, "frame");
	PUTS(sb, ", length ");
	w_u64(sb, pk->len);
	put_errors(pr, sb, pk);
	w_putc(sb, '\n');
}

/* ---- field-by-field view (-vv) ---- */

static void kv_u(struct sbuf *sb, const char *k, uint64_t v)
{
	w_putc(sb, ' ');
	w_puts(sb, k);
	w_putc(sb, ' ');
	w_u64(sb, v);
}

static void kv_s(struct sbuf *sb, const char *k, const char *v)
{
	w_putc(sb, ' ');
	w_puts(sb, k);
	w_putc(sb, ' ');
	w_puts(sb, v);
}

static void kv_csum(struct sbuf *sb, const char *k, uint16_t v, enum gnv_csum_state st)
{
	const char *n = gnv_csum_state_name(st);

	w_putc(sb, ' ');
	w_puts(sb, k);
	w_putc(sb, ' ');
	put_hex16(sb, v);
	if (n) {
		PUTS(sb, " (");
		w_puts(sb, n);
		w_putc(sb, ')');
	}
}

static void fields_eth(struct sbuf *sb, const char *pfx, const struct gnv_eth *e)
{
	if (!e->present)
		return;
	w_puts(sb, pfx);
	PUTS(sb, "eth    src ");
	sbuf_mac(sb, e->src);
	PUTS(sb, " dst ");
	sbuf_mac(sb, e->dst);
	for (unsigned int i = 0; i < e->nvlan && i < GNV_MAX_VLANS; i++) {
		PUTS(sb, " vlan ");
		w_u64(sb, e->vlan[i].tci & 0xfff);
		PUTS(sb, " (tpid ");
		put_hex16(sb, e->vlan[i].tpid);
		PUTS(sb, " pcp ");
		w_u64(sb, e->vlan[i].tci >> 13);
		PUTS(sb, " dei ");
		w_u64(sb, (e->vlan[i].tci >> 12) & 1);
		w_putc(sb, ')');
	}
	PUTS(sb, " type ");
	put_hex16(sb, e->type);
	w_putc(sb, '\n');
}

static void fields_arp(struct sbuf *sb, const char *pfx, const struct gnv_arp *a)
{
	if (!a->present)
		return;
	w_puts(sb, pfx);
	PUTS(sb, "arp   ");
	kv_u(sb, "htype", a->htype);
	w_putc(sb, ' ');
	PUTS(sb, "ptype ");
	put_hex16(sb, a->ptype);
	kv_u(sb, "hlen", a->hlen);
	kv_u(sb, "plen", a->plen);
	kv_u(sb, "op", a->op);
	if (a->hlen == 6 && a->plen == 4) {
		PUTS(sb, " sha ");
		sbuf_mac(sb, a->sha);
		PUTS(sb, " spa ");
		w_ip4(sb, a->spa);
		PUTS(sb, " tha ");
		sbuf_mac(sb, a->tha);
		PUTS(sb, " tpa ");
		w_ip4(sb, a->tpa);
	}
	w_putc(sb, '\n');
}

static void fields_ip(struct sbuf *sb, const char *pfx, const struct gnv_ip *ip)
{
	if (!ip->version)
		return;
	w_puts(sb, pfx);
	w_puts(sb, ip->version == 6 ? "ip6   " : "ip4   ");
	PUTS(sb, " src ");
	put_addr(sb, &ip->src);
	PUTS(sb, " dst ");
	put_addr(sb, &ip->dst);
	kv_u(sb, "proto", ip->proto);
	kv_u(sb, ip->version == 6 ? "hlim" : "ttl", ip->ttl);
	PUTS(sb, " tos ");
	put_hex8(sb, ip->tos);
	kv_u(sb, "hdr", ip->hdr_size);
	kv_u(sb, "len", ip->tot_len);
	if (ip->len_from_frame)
		PUTS(sb, " (from frame)");
	if (ip->version == 4) {
		kv_u(sb, "id", ip->id);
		if (ip->df)
			PUTS(sb, " DF");
		if (ip->mf)
			PUTS(sb, " MF");
		kv_u(sb, "frag", (uint64_t)ip->frag_off * 8);
		kv_csum(sb, "csum", ip->hcsum, ip->hcsum_state);
	} else {
		PUTS(sb, " flow ");
		w_u64(sb, ip->flow_label);
		if (ip->n_ext) {
			PUTS(sb, " ext");
			for (unsigned int i = 0; i < ip->n_ext && i < GNV_MAX_IP6_EXT; i++) {
				w_putc(sb, i ? ',' : ' ');
				w_u64(sb, ip->ext[i]);
			}
		}
		if (ip->jumbo_len)
			kv_u(sb, "jumbo", ip->jumbo_len);
		if (ip->fragment || ip->mf) {
			kv_u(sb, "frag", (uint64_t)ip->frag_off * 8);
			if (ip->mf)
				PUTS(sb, " MF");
		}
	}
	w_putc(sb, '\n');
}

static void fields_l4(struct sbuf *sb, const char *pfx, const struct gnv_l4 *l4)
{
	switch (l4->proto) {
	case 6:
		w_puts(sb, pfx);
		PUTS(sb, "tcp   ");
		kv_u(sb, "sport", l4->sport);
		kv_u(sb, "dport", l4->dport);
		kv_u(sb, "seq", l4->seq);
		kv_u(sb, "ack", l4->ack);
		PUTS(sb, " flags ");
		put_tcp_flags(sb, l4->flags);
		kv_u(sb, "win", l4->win);
		kv_u(sb, "hdr", l4->doff);
		kv_csum(sb, "csum", l4->csum, l4->csum_state);
		kv_u(sb, "payload", l4->payload_size);
		break;
	case 17:
		w_puts(sb, pfx);
		PUTS(sb, "udp   ");
		kv_u(sb, "sport", l4->sport);
		kv_u(sb, "dport", l4->dport);
		kv_u(sb, "len", l4->ulen);
		kv_csum(sb, "csum", l4->csum, l4->csum_state);
		break;
	case 1:
	case 58:
		w_puts(sb, pfx);
		w_puts(sb, l4->proto == 1 ? "icmp  " : "icmp6 ");
		kv_u(sb, "type", l4->type);
		kv_u(sb, "code", l4->code);
		{
			const char *n = icmp_name(l4->proto, l4->type);

			if (n) {
				PUTS(sb, " (");
				w_puts(sb, n);
				w_putc(sb, ')');
			}
		}
		if ((l4->proto == 1 && (l4->type == 0 || l4->type == 8)) ||
		    (l4->proto == 58 && (l4->type == 128 || l4->type == 129))) {
			kv_u(sb, "id", l4->icmp_id);
			kv_u(sb, "seq", l4->icmp_seq);
		}
		kv_csum(sb, "csum", l4->csum, l4->csum_state);
		kv_u(sb, "payload", l4->payload_size);
		break;
	default:
		return;
	}
	w_putc(sb, '\n');
}

static void fields_layers(struct sbuf *sb, const char *pfx, const struct gnv_layers *l)
{
	fields_eth(sb, pfx, &l->eth);
	fields_arp(sb, pfx, &l->arp);
	fields_ip(sb, pfx, &l->ip);
	fields_l4(sb, pfx, &l->l4);
}

static const char *proto_name(uint16_t p)
{
	switch (p) {
	case 0x6558: return "Ethernet";
	case 0x0800: return "IPv4";
	case 0x86dd: return "IPv6";
	}
	return "not decoded";
}

static void fields_option(struct sbuf *sb, const struct gnv_pkt *pk,
			  unsigned int idx, const struct gnv_opt *o)
{
	struct gnv_optinfo info;
	bool known = gnv_opt_info(pk, o, &info);
	uint32_t doff = o->off + 4;

	PUTS(sb, "    option ");
	w_u64(sb, idx + 1);
	PUTS(sb, " class ");
	put_hex16(sb, o->cls);
	PUTS(sb, " (");
	w_puts(sb, gnv_class_name(o->cls, pk->genv_class));
	PUTS(sb, ") type ");
	put_hex8(sb, o->type);
	kv_s(sb, "critical", gnv_opt_critical(o) ? "1" : "0");
	kv_u(sb, "len", o->size);
	kv_u(sb, "rsvd", o->rsvd);
	kv_u(sb, "offset", o->off);
	PUTS(sb, "\n      data ");
	if (o->size && doff <= pk->caplen) {
		uint32_t n = pk->caplen - doff < o->size ? pk->caplen - doff : o->size;

		if (n)
			sbuf_hex(sb, pk->data + doff, n);
		if (n < o->size)
			PUTS(sb, " (truncated)");
	} else if (!o->size) {
		PUTS(sb, "(none)");
	}
	w_putc(sb, '\n');
	if (known && info.name) {
		PUTS(sb, "      name ");
		w_puts(sb, info.name);
		if (info.desc) {
			PUTS(sb, " (");
			w_puts(sb, info.desc);
			w_putc(sb, ')');
		}
		if (!info.layout_ok) {
			PUTS(sb, ": data does not fit the layout");
		} else if (info.nfield) {
			PUTS(sb, ": ");
			gnv_print_opt_fields(sb, &info);
		}
		w_putc(sb, '\n');
	}
}

static void fields_tunnel(struct gnv_printer *pr, struct sbuf *sb, const struct gnv_pkt *pk)
{
	const struct gnv_tun *t = &pk->tun;
	const struct gnv_geneve *g = &pk->gnv;
	bool gre = t->kind == GNV_TUN_GRE || t->kind == GNV_TUN_NVGRE;

	if (t->kind == GNV_TUN_STT) {
		const struct gnv_l4 *l4 = &pk->outer.l4;

		PUTS(sb, "  stt");
		kv_u(sb, "frame_len", l4->seq >> 16);
		kv_u(sb, "offset", l4->seq & 0xffff);
		kv_u(sb, "id", l4->ack);
		if (t->stt_cont) {
			PUTS(sb, " continuation\n");
			return;
		}
		kv_u(sb, "version", g->ver);
		PUTS(sb, " flags ");
		put_hex8(sb, t->flags);
		kv_u(sb, "l4_offset", t->stt_l4off);
		kv_u(sb, "reserved", t->stt_rsvd);
		kv_u(sb, "mss", t->stt_mss);
		kv_u(sb, "pcp", t->stt_vlan >> 13);
		kv_u(sb, "v", t->stt_vlan >> 12 & 1);
		kv_u(sb, "vlan", t->stt_vlan & 0xfff);
		PUTS(sb, " context ");
		put_hex64(sb, t->stt_ctx);
		kv_u(sb, "padding", t->stt_pad);
		w_putc(sb, '\n');
		return;
	}
	if (t->kind == GNV_TUN_GUE) {
		PUTS(sb, "  gue");
		kv_u(sb, "variant", g->ver);
		if (!g->ver) {
			kv_u(sb, g->oam ? "ctype" : "proto", t->next_proto);
			kv_u(sb, "hlen", t->gue_hlen);
			PUTS(sb, " flags ");
			put_hex16(sb, t->gue_flags);
			if (g->oam)
				PUTS(sb, " control");
		}
		if (g->proto) {
			PUTS(sb, " inner ");
			put_hex16(sb, g->proto);
			PUTS(sb, " (");
			w_puts(sb, proto_name(g->proto));
			w_putc(sb, ')');
		}
		w_putc(sb, '\n');
		return;
	}
	PUTS(sb, "  ");
	w_puts(sb, t->kind == GNV_TUN_VXLAN ? "vxlan" : t->kind == GNV_TUN_GPE ? "vxlan-gpe" :
		   t->kind == GNV_TUN_GRE ? "gre" : "nvgre");
	PUTS(sb, " flags ");
	if (gre)
		put_hex16(sb, t->gre_flags);
	else
		put_hex8(sb, t->flags);
	if (t->kind == GNV_TUN_VXLAN && t->gbp) {
		kv_u(sb, "gbp", t->gbp_id);
		PUTS(sb, " gbp_flags ");
		put_hex8(sb, t->gbp_flags);
	}
	if (t->kind == GNV_TUN_GPE)
		kv_u(sb, "next_proto", t->next_proto);
	if (gre) {
		if (t->gre_flags & 0x8000)
			kv_csum(sb, "csum", t->gre_csum, t->gre_csum_state);
		if (t->gre_flags & 0x2000)
			kv_u(sb, "key", t->key);
		if (t->gre_flags & 0x1000)
			kv_u(sb, "seq", t->seq);
	}
	PUTS(sb, " proto ");
	put_hex16(sb, g->proto);
	PUTS(sb, " (");
	w_puts(sb, proto_name(g->proto));
	w_putc(sb, ')');
	if (gnv_tun_has_vni(t->kind)) {
		w_puts(sb, t->kind == GNV_TUN_NVGRE ? " vsid " : " vni ");
		if (pr->color)
			PUTS(sb, C_VNI);
		w_u64(sb, g->vni);
		if (pr->color)
			PUTS(sb, C_OFF);
	}
	if (t->kind == GNV_TUN_NVGRE)
		kv_u(sb, "flowid", t->key & 0xff);
	w_putc(sb, '\n');
}

void gnv_print_fields(struct gnv_printer *pr, struct sbuf *sb,
		      const struct gnv_pkt *pk)
{
	const struct gnv_geneve *g = &pk->gnv;

	PUTS(sb, "  frame ");
	kv_u(sb, "caplen", pk->caplen);
	kv_u(sb, "len", pk->len);
	kv_s(sb, "status", gnv_status_name(pk->status));
	w_putc(sb, '\n');
	fields_layers(sb, "  outer ", &pk->outer);
	if (pk->is_geneve && g->present && pk->tun.kind != GNV_TUN_GENEVE) {
		fields_tunnel(pr, sb, pk);
		fields_layers(sb, "  inner ", &pk->inner);
	} else if (pk->is_geneve && g->present) {
		PUTS(sb, "  geneve ");
		kv_u(sb, "ver", g->ver);
		kv_u(sb, "opt_len", g->opt_size);
		kv_u(sb, "oam", g->oam);
		kv_u(sb, "critical", g->crit);
		PUTS(sb, " rsvd ");
		put_hex8(sb, g->rsvd1);
		w_putc(sb, '/');
		put_hex8(sb, g->rsvd2);
		PUTS(sb, " proto ");
		put_hex16(sb, g->proto);
		PUTS(sb, " (");
		w_puts(sb, proto_name(g->proto));
		PUTS(sb, ") vni ");
		if (pr->color)
			PUTS(sb, C_VNI);
		w_u64(sb, g->vni);
		if (pr->color)
			PUTS(sb, C_OFF);
		PUTS(sb, " (0x");
		sbuf_hex(sb, (const uint8_t[]){ (uint8_t)(g->vni >> 16),
			 (uint8_t)(g->vni >> 8), (uint8_t)g->vni }, 3);
		PUTS(sb, ") options ");
		w_u64(sb, g->nopt);
		w_putc(sb, '\n');
		for (unsigned int i = 0; i < g->nopt && i < GNV_MAX_OPTS; i++)
			fields_option(sb, pk, i, &g->opt[i]);
		if (pr->opt_ovs && ovs_options(sb, pk, "    ovs ", pr->tlvmap))
			w_putc(sb, '\n');
		fields_layers(sb, "  inner ", &pk->inner);
	}
	for (unsigned int i = 0; i < pk->nerr && i < GNV_MAX_ERRS; i++) {
		bool warn = gnv_err_severity(pk->err[i].code) == GNV_SEV_WARNING;

		PUTS(sb, "  ");
		if (pr->color)
			w_puts(sb, warn ? C_WARN : C_ERR);
		w_puts(sb, warn ? "warning " : "error ");
		if (pk->err[i].inner)
			PUTS(sb, "inner.");
		w_puts(sb, gnv_err_code(pk->err[i].code));
		if (pr->color)
			PUTS(sb, C_OFF);
		PUTS(sb, " at offset ");
		w_u64(sb, pk->err[i].offset);
		PUTS(sb, ": ");
		w_puts(sb, gnv_err_msg(pk->err[i].code));
		w_putc(sb, '\n');
	}
	if (pk->err_overflow)
		PUTS(sb, "  error ... (more errors not recorded)\n");
}
