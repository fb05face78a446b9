/* SPDX-License-Identifier: MIT */
/*
 * JSON renderer, schema 1 (man/genv-decode.1, OUTPUT FORMAT).  Keys are
 * stable: a layer that is absent is null, never a missing key, and keys
 * do not change with the address family or the protocol.
 *
 * Layer: libcore; calls optreg, err, json, sbuf (print_impl.h), cursor.h and
 * libc.
 */
#include "cursor.h"
#include "print.h"
#include "print_impl.h"

/*
 * Compact output (JSON Lines) is written by the inline functions below,
 * which keep struct json's state exactly as json.c does, so json.h calls
 * and these mix freely; keys are literals, quoted at compile time.
 * Pretty output goes through json.h.
 */
#define K(k)	"\"" k "\":", sizeof("\"" k "\":") - 1, k
#define KN	NULL, 0, NULL

static inline __attribute__((always_inline)) void fpre(struct json *j, const char *qk, size_t qn)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (!j->first[j->depth])
			w_putc(j->sb, ',');
		j->first[j->depth] = false;
	}
	if (qk)
		w_add(j->sb, qk, qn);
}

static inline __attribute__((always_inline)) void jopen(struct json *j, const char *qk, size_t qn, const char *key, char c)
{
	if (j->pretty) {
		if (c == '{')
			json_obj_open(j, key);
		else
			json_arr_open(j, key);
		return;
	}
	fpre(j, qk, qn);
	w_putc(j->sb, c);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static inline __attribute__((always_inline)) void jclose(struct json *j, char c)
{
	if (j->pretty) {
		if (c == '}')
			json_obj_close(j);
		else
			json_arr_close(j);
		return;
	}
	if (j->depth > 0)
		j->depth--;
	w_putc(j->sb, c);
}

#define jobj(j, k)	jopen(j, k, '{')
#define jarr(j, k)	jopen(j, k, '[')
#define jobj_end(j)	jclose(j, '}')
#define jarr_end(j)	jclose(j, ']')

static inline __attribute__((always_inline)) void ju64(struct json *j, const char *qk, size_t qn, const char *key, uint64_t v)
{
	if (j->pretty) {
		json_u64(j, key, v);
		return;
	}
	fpre(j, qk, qn);
	w_u64(j->sb, v);
}

static inline __attribute__((always_inline)) void jbool(struct json *j, const char *qk, size_t qn, const char *key, bool v)
{
	if (j->pretty) {
		json_bool(j, key, v);
		return;
	}
	fpre(j, qk, qn);
	if (v)
		w_add(j->sb, "true", 4);
	else
		w_add(j->sb, "false", 5);
}

static inline __attribute__((always_inline)) void jnull(struct json *j, const char *qk, size_t qn, const char *key)
{
	if (j->pretty) {
		json_null(j, key);
		return;
	}
	fpre(j, qk, qn);
	w_add(j->sb, "null", 4);
}

static bool plain(const char *s, size_t *n)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ||
		    s[i] == '"' || s[i] == '\\')
			return false;
	*n = i;
	return true;
}

static inline __attribute__((always_inline)) void jstr(struct json *j, const char *qk, size_t qn, const char *key, const char *v)
{
	size_t n;

	if (j->pretty || !v || !plain(v, &n)) {
		json_str(j, key, v);	/* escapes; null for NULL */
		return;
	}
	fpre(j, qk, qn);
	w_putc(j->sb, '"');
	w_add(j->sb, v, n);
	w_putc(j->sb, '"');
}

static inline __attribute__((always_inline)) void jip(struct json *j, const char *qk, size_t qn, const char *key,
		       int family, const uint8_t *a)
{
	if (j->pretty) {
		json_ip(j, key, family, a);
		return;
	}
	fpre(j, qk, qn);
	w_putc(j->sb, '"');
	if (family == 6)
		gnv_w_ip6(j->sb, a);
	else
		w_ip4(j->sb, a);
	w_putc(j->sb, '"');
}

static inline __attribute__((always_inline)) void jmac(struct json *j, const char *qk, size_t qn, const char *key,
			const uint8_t m[6])
{
	static const char hx[] = "0123456789abcdef";
	char t[19];

	if (j->pretty) {
		json_mac(j, key, m);
		return;
	}
	fpre(j, qk, qn);
	t[0] = '"';
	for (int i = 0; i < 6; i++) {
		t[1 + 3 * i] = hx[m[i] >> 4];
		t[2 + 3 * i] = hx[m[i] & 15];
		t[3 + 3 * i] = i < 5 ? ':' : '"';
	}
	w_add(j->sb, t, 19);
}

static inline __attribute__((always_inline)) void jhex(struct json *j, const char *qk, size_t qn, const char *key,
			const uint8_t *p, size_t n)
{
	if (j->pretty) {
		json_hex(j, key, p, n);
		return;
	}
	fpre(j, qk, qn);
	w_putc(j->sb, '"');
	sbuf_hex(j->sb, p, n);
	w_putc(j->sb, '"');
}

static void put_frac(struct sbuf *sb, uint32_t v, int digits)
{
	char t[9];

	for (int i = digits - 1; i >= 0; i--) {
		t[i] = (char)('0' + v % 10);
		v /= 10;
	}
	sbuf_putc(sb, '.');
	sbuf_add(sb, t, (size_t)digits);
}

static void json_csum(struct json *j, enum gnv_csum_state st)
{
	const char *n = gnv_csum_state_name(st);

	if (n)
		jstr(j, K("csum"), n);
	else
		jnull(j, K("csum"));
}

static void json_eth(struct json *j, const struct gnv_eth *e)
{
	if (!e->present) {
		jnull(j, K("eth"));
		return;
	}
	jobj(j, K("eth"));
	jmac(j, K("src"), e->src);
	jmac(j, K("dst"), e->dst);
	ju64(j, K("type"), e->type);
	jarr(j, K("vlan"));
	for (unsigned int i = 0; i < e->nvlan && i < GNV_MAX_VLANS; i++) {
		jobj(j, KN);
		ju64(j, K("tpid"), e->vlan[i].tpid);
		ju64(j, K("pcp"), e->vlan[i].tci >> 13);
		ju64(j, K("dei"), (e->vlan[i].tci >> 12) & 1);
		ju64(j, K("vid"), e->vlan[i].tci & 0xfff);
		jobj_end(j);
	}
	jarr_end(j);
	jobj_end(j);
}

static void json_arp(struct json *j, const struct gnv_arp *a)
{
	if (!a->present) {
		jnull(j, K("arp"));
		return;
	}
	jobj(j, K("arp"));
	ju64(j, K("htype"), a->htype);
	ju64(j, K("ptype"), a->ptype);
	ju64(j, K("op"), a->op);
	if (a->hlen == 6 && a->plen == 4) {
		jmac(j, K("sha"), a->sha);
		jip(j, K("spa"), 4, a->spa);
		jmac(j, K("tha"), a->tha);
		jip(j, K("tpa"), 4, a->tpa);
	} else {
		jnull(j, K("sha"));
		jnull(j, K("spa"));
		jnull(j, K("tha"));
		jnull(j, K("tpa"));
	}
	jobj_end(j);
}

static void json_ipl(struct json *j, const struct gnv_ip *ip)
{
	if (!ip->version || !ip->src.family) {	/* absent, or not decoded */
		jnull(j, K("ip"));
		return;
	}
	jobj(j, K("ip"));
	ju64(j, K("version"), ip->version);
	jip(j, K("src"), ip->src.family == 6 ? 6 : 4, ip->src.a);
	jip(j, K("dst"), ip->dst.family == 6 ? 6 : 4, ip->dst.a);
	ju64(j, K("proto"), ip->proto);
	ju64(j, K("ttl"), ip->ttl);
	ju64(j, K("tos"), ip->tos);
	ju64(j, K("hdr_len"), ip->hdr_size);
	ju64(j, K("len"), ip->tot_len);
	jbool(j, K("len_from_frame"), ip->len_from_frame);
	ju64(j, K("id"), ip->id);
	ju64(j, K("frag_offset"), (uint64_t)ip->frag_off * 8);
	jbool(j, K("df"), ip->df);
	jbool(j, K("mf"), ip->mf);
	ju64(j, K("flow_label"), ip->flow_label);
	json_csum(j, ip->hcsum_state);
	jobj_end(j);
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

static void json_l4(struct json *j, const struct gnv_l4 *l4, uint32_t caplen)
{
	if (!l4->proto || !l4_whole(l4, caplen)) {
		jnull(j, K("l4"));
		return;
	}
	jobj(j, K("l4"));
	ju64(j, K("proto"), l4->proto);
	if (has_ports(l4)) {
		ju64(j, K("sport"), l4->sport);
		ju64(j, K("dport"), l4->dport);
	} else {
		jnull(j, K("sport"));
		jnull(j, K("dport"));
	}
	json_csum(j, l4->csum_state);
	ju64(j, K("payload"), l4->payload_size);
	if (l4->proto == 6) {
		ju64(j, K("flags"), l4->flags);
		ju64(j, K("seq"), l4->seq);
		ju64(j, K("ack"), l4->ack);
		ju64(j, K("win"), l4->win);
	} else {
		jnull(j, K("flags"));
		jnull(j, K("seq"));
		jnull(j, K("ack"));
		jnull(j, K("win"));
	}
	if (l4->proto == 1 || l4->proto == 58) {
		ju64(j, K("icmp_type"), l4->type);
		ju64(j, K("icmp_code"), l4->code);
	} else {
		jnull(j, K("icmp_type"));
		jnull(j, K("icmp_code"));
	}
	jobj_end(j);
}

/* The outer UDP header, as the schema names it. */
static void json_udp(struct json *j, const struct gnv_l4 *l4, uint32_t caplen)
{
	if (l4->proto != 17 || !l4_whole(l4, caplen)) {
		jnull(j, K("udp"));
		return;
	}
	jobj(j, K("udp"));
	ju64(j, K("sport"), l4->sport);
	ju64(j, K("dport"), l4->dport);
	ju64(j, K("len"), l4->ulen);
	json_csum(j, l4->csum_state);
	jobj_end(j);
}

/* The quoted key and colon of a registry field name (plain ASCII). */
static inline void fkey(struct json *j, const char *key)
{
	if (j->after_key) {	/* json_key() gave it: as json.c's prefix() */
		j->after_key = false;
		return;
	}
	fpre(j, NULL, 0);
	w_putc(j->sb, '"');
	w_puts(j->sb, key);
	w_add(j->sb, "\":", 2);
}

void gnv_json_opt_fields(struct json *j, const struct gnv_optinfo *info)
{
	for (unsigned int i = 0; i < info->nfield && i < GNV_MAX_FIELDS; i++) {
		const struct gnv_field *f = &info->f[i];
		size_t n;

		/* compact output of the common kinds written inline */
		if (!j->pretty && f->key && plain(f->key, &n)) {
			switch (f->kind) {
			case GNV_F_UINT:
				fkey(j, f->key);
				w_u64(j->sb, f->u);
				continue;
			case GNV_F_BOOL:
				fkey(j, f->key);
				if (f->u)
					w_add(j->sb, "true", 4);
				else
					w_add(j->sb, "false", 5);
				continue;
			case GNV_F_IP4:
				fkey(j, f->key);
				w_putc(j->sb, '"');
				w_ip4(j->sb, f->b);
				w_putc(j->sb, '"');
				continue;
			case GNV_F_ENUM:
				if (f->s && plain(f->s, &n)) {
					fkey(j, f->key);
					w_putc(j->sb, '"');
					w_add(j->sb, f->s, n);
					w_putc(j->sb, '"');
					continue;
				}
				break;
			default:
				break;
			}
		}
		switch (f->kind) {
		case GNV_F_UINT:
			json_u64(j, f->key, f->u);
			break;
		case GNV_F_BOOL:
			json_bool(j, f->key, f->u != 0);
			break;
		case GNV_F_HEX:
			if (f->p)
				json_hex(j, f->key, f->p, f->size);
			else
				json_hex(j, f->key, f->b, f->size < sizeof(f->b) ? f->size : sizeof(f->b));
			break;
		case GNV_F_IP4:
			json_ip(j, f->key, 4, f->b);
			break;
		case GNV_F_IP6:
			json_ip(j, f->key, 6, f->b);
			break;
		case GNV_F_MAC:
			json_mac(j, f->key, f->b);
			break;
		case GNV_F_ENUM:
			if (f->s)
				json_str(j, f->key, f->s);
			else
				json_u64(j, f->key, f->u);
			break;
		case GNV_F_U32LIST:
			json_arr_open(j, f->key);
			for (unsigned int k = 0; f->p && k + 4 <= f->size; k += 4)
				json_u64(j, NULL, gnv_be32(f->p + k));
			json_arr_close(j);
			break;
		}
	}
}

static void json_option_body(struct json *j, const struct gnv_pkt *pk,
			     const struct gnv_opt *o);

/* An option object; compact ones of wholly captured options come from the
 * cache when there is one. */
static void json_option(struct json *j, const struct gnv_pkt *pk, const struct gnv_opt *o,
			struct gnv_optcache *c)
{
	const uint8_t *tlv = pk->data + o->off;
	uint32_t size = 4u + o->size;
	struct gnv_optcache_ent *e, *victim = NULL;
	size_t start;

	if (!c || j->pretty || j->after_key || j->depth + 4 >= JSON_MAX_DEPTH ||
	    o->off + size > pk->caplen || size > sizeof(e->tlv)) {
		json_option_body(j, pk, o);
		return;
	}
	e = optcache_find(c, tlv, size, pk->genv_class, &victim);
	fpre(j, NULL, 0);	/* the comma, so the text starts at '{' */
	if (e) {
		w_add(j->sb, e->text, e->tlen);
		return;
	}
	j->after_key = true;	/* ... and the body writes none */
	start = j->sb->len;
	json_option_body(j, pk, o);
	optcache_store(c, victim, tlv, size, pk->genv_class, j->sb->buf + start,
		       j->sb->len - start, !j->sb->oom);
}

static void json_option_body(struct json *j, const struct gnv_pkt *pk,
			     const struct gnv_opt *o)
{
	struct gnv_optinfo info;
	bool known = gnv_opt_info(pk, o, &info);
	uint32_t doff = o->off + 4, n = 0;

	jobj(j, KN);
	ju64(j, K("class"), o->cls);
	ju64(j, K("type"), o->type);
	jbool(j, K("critical"), gnv_opt_critical(o));
	ju64(j, K("len"), o->size);
	if (doff <= pk->caplen)
		n = pk->caplen - doff < o->size ? pk->caplen - doff : o->size;
	jhex(j, K("data"), pk->data + (doff <= pk->caplen ? doff : 0), n);
	jstr(j, K("name"), known ? info.name : NULL);
	jstr(j, K("class_name"), gnv_class_name(o->cls, pk->genv_class));
	if (known && info.layout_ok) {
		jobj(j, K("fields"));
		gnv_json_opt_fields(j, &info);
		jobj_end(j);
	} else {
		jnull(j, K("fields"));
	}
	jobj_end(j);
}

static void json_geneve(struct json *j, const struct gnv_pkt *pk, struct gnv_optcache *c)
{
	const struct gnv_geneve *g = &pk->gnv;

	if (!pk->is_geneve || !g->present || pk->tun.kind != GNV_TUN_GENEVE) {
		jnull(j, K("geneve"));
		return;
	}
	jobj(j, K("geneve"));
	ju64(j, K("version"), g->ver);
	ju64(j, K("opt_len"), g->opt_size);
	jbool(j, K("oam"), g->oam);
	jbool(j, K("critical"), g->crit);
	ju64(j, K("proto"), g->proto);
	ju64(j, K("vni"), g->vni);
	jarr(j, K("options"));
	for (unsigned int i = 0; i < g->nopt && i < GNV_MAX_OPTS; i++)
		json_option(j, pk, &g->opt[i], c);
	jarr_end(j);
	jobj_end(j);
}

/*
 * "tunnel": only for the other tunnels (then "geneve" is null), so that
 * the keys of a Geneve frame are those of schema 1 as before.  Its keys:
 * type, vxlan, gre, gue (those that do not apply are null).
 */
static void json_tunnel(struct json *j, const struct gnv_pkt *pk)
{
	static const char *const names[] = {
		[GNV_TUN_GENEVE] = "geneve", [GNV_TUN_VXLAN] = "vxlan",
		[GNV_TUN_GPE] = "vxlan-gpe", [GNV_TUN_GRE] = "gre", [GNV_TUN_NVGRE] = "nvgre",
		[GNV_TUN_GUE] = "gue", [GNV_TUN_STT] = "stt",
	};
	const struct gnv_tun *t = &pk->tun;
	const struct gnv_geneve *g = &pk->gnv;
	bool on = pk->is_geneve && g->present;

	if (!on || t->kind == GNV_TUN_GENEVE)
		return;
	jobj(j, K("tunnel"));
	jstr(j, K("type"), names[t->kind]);
	if (on && (t->kind == GNV_TUN_VXLAN || t->kind == GNV_TUN_GPE)) {
		jobj(j, K("vxlan"));
		jbool(j, K("gpe"), t->kind == GNV_TUN_GPE);
		ju64(j, K("flags"), t->flags);
		ju64(j, K("vni"), g->vni);
		ju64(j, K("proto"), g->proto);
		if (t->kind == GNV_TUN_GPE) {
			ju64(j, K("version"), g->ver);
			jbool(j, K("oam"), g->oam);
			ju64(j, K("next_proto"), t->next_proto);
			jnull(j, K("gbp"));
		} else if (t->gbp) {
			jobj(j, K("gbp"));
			ju64(j, K("id"), t->gbp_id);
			jbool(j, K("dont_learn"), t->gbp_flags & 0x40);
			jbool(j, K("applied"), t->gbp_flags & 0x08);
			jobj_end(j);
		} else {
			jnull(j, K("gbp"));
		}
		jobj_end(j);
	} else {
		jnull(j, K("vxlan"));
	}
	if (on && (t->kind == GNV_TUN_GRE || t->kind == GNV_TUN_NVGRE)) {
		jobj(j, K("gre"));
		jbool(j, K("nvgre"), t->kind == GNV_TUN_NVGRE);
		ju64(j, K("flags"), t->gre_flags);
		ju64(j, K("version"), g->ver);
		ju64(j, K("proto"), g->proto);
		if (t->gre_flags & 0x8000)
			ju64(j, K("checksum"), t->gre_csum);
		else
			jnull(j, K("checksum"));
		json_csum(j, t->gre_csum_state);
		if (t->gre_flags & 0x2000)
			ju64(j, K("key"), t->key);
		else
			jnull(j, K("key"));
		if (t->gre_flags & 0x1000)
			ju64(j, K("seq"), t->seq);
		else
			jnull(j, K("seq"));
		if (t->kind == GNV_TUN_NVGRE) {
			ju64(j, K("vsid"), g->vni);
			ju64(j, K("flowid"), t->key & 0xff);
		} else {
			jnull(j, K("vsid"));
			jnull(j, K("flowid"));
		}
		jobj_end(j);
	} else {
		jnull(j, K("gre"));
	}
	if (t->kind == GNV_TUN_GUE) {
		bool v0 = g->ver == 0;

		jobj(j, K("gue"));
		ju64(j, K("variant"), g->ver);
		jbool(j, K("control"), g->oam);
		if (v0 && g->oam)
			jnull(j, K("proto"));
		else
			ju64(j, K("proto"), t->next_proto);
		if (v0 && g->oam)
			ju64(j, K("ctype"), t->next_proto);
		else
			jnull(j, K("ctype"));
		if (v0) {
			ju64(j, K("hlen"), t->gue_hlen);
			ju64(j, K("flags"), t->gue_flags);
			jhex(j, K("extensions"), pk->data + g->off + 4, 4u * t->gue_hlen);
		} else {
			jnull(j, K("hlen"));
			jnull(j, K("flags"));
			jnull(j, K("extensions"));
		}
		jobj_end(j);
	} else {
		jnull(j, K("gue"));
	}
	if (t->kind == GNV_TUN_STT) {
		const struct gnv_l4 *l4 = &pk->outer.l4;

		jobj(j, K("stt"));
		jbool(j, K("continuation"), t->stt_cont);
		ju64(j, K("frame_len"), l4->seq >> 16);
		ju64(j, K("offset"), l4->seq & 0xffff);
		ju64(j, K("id"), l4->ack);
		if (t->stt_cont) {
			jnull(j, K("version"));
			jnull(j, K("flags"));
			jnull(j, K("l4_offset"));
			jnull(j, K("reserved"));
			jnull(j, K("mss"));
			jnull(j, K("pcp"));
			jnull(j, K("v"));
			jnull(j, K("vlan"));
			jnull(j, K("context"));
			jnull(j, K("padding"));
		} else {
			ju64(j, K("version"), g->ver);
			ju64(j, K("flags"), t->flags);
			ju64(j, K("l4_offset"), t->stt_l4off);
			ju64(j, K("reserved"), t->stt_rsvd);
			ju64(j, K("mss"), t->stt_mss);
			ju64(j, K("pcp"), t->stt_vlan >> 13);
			jbool(j, K("v"), t->stt_vlan >> 12 & 1);
			ju64(j, K("vlan"), t->stt_vlan & 0xfff);
			ju64(j, K("context"), t->stt_ctx);
			ju64(j, K("padding"), t->stt_pad);
		}
		jobj_end(j);
	} else {
		jnull(j, K("stt"));
	}
	jobj_end(j);
}

static void json_layers(struct json *j, const char *qk, size_t qn, const char *key,
			const struct gnv_layers *l, bool outer, uint32_t caplen)
{
	jopen(j, qk, qn, key, '{');
	json_eth(j, &l->eth);
	json_arp(j, &l->arp);
	json_ipl(j, &l->ip);
	if (outer)
		json_udp(j, &l->l4, caplen);
	else
		json_l4(j, &l->l4, caplen);
	jobj_end(j);
}

static void json_pkt(struct json *j, const char *key, const struct gnv_pkt *pk,
		     const struct gnv_frame *fr, struct gnv_optcache *c)
{
	json_obj_open(j, key);
	ju64(j, K("schema"), GNV_JSON_SCHEMA);
	ju64(j, K("frame"), fr->num);
	if (fr->has_ts) {
		if (fr->sec < 0)
			json_i64(j, "ts", fr->sec);
		else
			ju64(j, K("ts"), (uint64_t)fr->sec);
		/* the fraction is appended to the number just written */
		put_frac(j->sb, fr->frac, fr->frac_digits == 9 ? 9 : 6);
	} else {
		jnull(j, K("ts"));
	}
	if (fr->ifname) {	/* -i any (LINUX_SLL2) only */
		json_str(j, "interface", fr->ifname);
		json_str(j, "direction", fr->dir ? fr->dir : "?");
	}
	ju64(j, K("caplen"), pk->caplen);
	ju64(j, K("len"), pk->len);
	jstr(j, K("status"), gnv_status_name(pk->status));
	jarr(j, K("errors"));
	for (unsigned int i = 0; i < pk->nerr && i < GNV_MAX_ERRS; i++) {
		jobj(j, KN);
		jstr(j, K("code"), gnv_err_code(pk->err[i].code));
		ju64(j, K("offset"), pk->err[i].offset);
		jstr(j, K("msg"), gnv_err_msg(pk->err[i].code));
		jbool(j, K("inner"), pk->err[i].inner);
		jobj_end(j);
	}
	jarr_end(j);
	jbool(j, K("errors_truncated"), pk->err_overflow);
	json_layers(j, K("outer"), &pk->outer, true, pk->caplen);
	json_geneve(j, pk, c);
	json_tunnel(j, pk);
	if (pk->is_geneve && pk->gnv.present)
		json_layers(j, K("inner"), &pk->inner, false, pk->caplen);
	else
		jnull(j, K("inner"));
	jobj_end(j);
}

void gnv_json_pkt(struct json *j, const char *key, const struct gnv_pkt *pk,
		  const struct gnv_frame *fr)
{
	json_pkt(j, key, pk, fr, NULL);
}

void gnv_printer_json_pkt(struct gnv_printer *pr, struct json *j, const char *key,
			  const struct gnv_pkt *pk, const struct gnv_frame *fr)
{
	json_pkt(j, key, pk, fr, &pr->json_opts);
}

void gnv_print_json(struct gnv_printer *pr, struct sbuf *sb,
		    const struct gnv_pkt *pk, const struct gnv_frame *fr)
{
	struct json j;

	json_init(&j, sb, pr->pretty);
	json_pkt(&j, NULL, pk, fr, &pr->json_opts);
	sbuf_putc(sb, '\n');
}
