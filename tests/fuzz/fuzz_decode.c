/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the decoder and everything that reads its result:
 * option layouts, flow hash, the one-line/field/JSON renderers and the
 * packet language (decode -v), whose text must parse and rebuild the frame.
 *
 * Input layout (so the corpus can hold frames of every link type):
 *
 *   byte 0   bits 0-1  link type: 0 Ethernet, 1 raw IP, 2 Linux SLL, 3 Ethernet
 *            bit  2    claimed length > captured length (a snapped capture)
 *            bit  3    no_csum (the fast --stats path)
 *            bit  4    outer_only
 *            bit  5    Geneve on port 4789 instead of 6081
 *            bits 6-7  extra claimed bytes, in units of 64 (with bit 2)
 *   (renderers reuse bit 0 for "has a timestamp", bits 6-7 for colour and
 *   pretty JSON)
 *   byte 1.. the frame
 *
 * The frame is copied into an exactly sized heap buffer so that ASan sees
 * any read past the captured length.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../libcore/build.h"
#include "../../libcore/flowhash.h"
#include "../../libcore/lang.h"
#include "../../libcore/optreg.h"
#include "../../libcore/pkt.h"
#include "../../libcore/print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int link_types[4] = {
	GNV_LINK_ETH, GNV_LINK_RAW, GNV_LINK_SLL, GNV_LINK_SLL2,
};

/* Every renderer, into one reused buffer (as decode does). */
static void fuzz_print(const struct gnv_pkt *pk, uint8_t ctl)
{
	static struct sbuf sb = SBUF_INIT;
	struct gnv_printer pr;
	struct gnv_frame fr = {
		.num = 1, .has_ts = ctl & 1, .sec = 1700000000, .frac = 123456,
		.frac_digits = 6,
	};
	struct gnv_optinfo info;
	unsigned int i;

	gnv_printer_init(&pr, ctl & 0x40, ctl & 0x80);
	sbuf_reset(&sb);
	gnv_print_line(&pr, &sb, pk, &fr);
	gnv_print_fields(&pr, &sb, pk);
	gnv_print_json(&pr, &sb, pk, &fr);
	gnv_print_layers(&sb, &pk->outer, pk->caplen);
	gnv_print_layers(&sb, &pk->inner, pk->caplen);
	for (int l = GNV_HEX_OPTIONS; l <= GNV_HEX_PAYLOAD; l++) {	/* --hex-layer */
		uint32_t off, n;

		if (gnv_hex_layer(pk, (enum gnv_hex_layer)l, &off, &n)) {
			if (off + n > pk->caplen)
				abort();
			gnv_print_hex(&sb, pk->data + off, n, ctl & 2);
		}
	}
	for (i = 0; i < pk->gnv.nopt && i < GNV_MAX_OPTS; i++) {
		gnv_print_opt_summary(&sb, pk, &pk->gnv.opt[i]);
		memset(&info, 0, sizeof(info));
		if (gnv_opt_info(pk, &pk->gnv.opt[i], &info))
			gnv_print_opt_fields(&sb, &info);
	}
	if (sb.cap > (1u << 20))	/* keep the buffer from growing without bound */
		sbuf_free(&sb);
}

/*
 * decode -v: the frame in the packet language.  The text must parse, and
 * building it must give back the frame (lang.h's promise) when the whole
 * frame was captured, on a link type the language has (Ethernet, raw IP),
 * and checksums were verified (without, a bad one is not printed).
 */
static void fuzz_lang(const struct gnv_pkt *pk, const struct gnv_decode_cfg *cfg)
{
	static struct sbuf sb = SBUF_INIT;
	static struct gnv_spec spec;
	static uint8_t buf[GNV_FRAME_MAX];
	char err[256];
	size_t n = 0;

	sbuf_reset(&sb);
	if (gnv_lang_format(pk, &sb) != 0 || sb.oom || !sb.len)
		return;
	gnv_spec_init(&spec, pk->genv_class);
	if (gnv_lang_parse(sbuf_str(&sb), &spec, err, sizeof(err)) != 0) {
		fprintf(stderr, "decode -v text does not parse: %s\n%s\n", err, sbuf_str(&sb));
		abort();
	}
	if (pk->caplen == pk->len && !cfg->no_csum && cfg->linktype != GNV_LINK_SLL &&
	    cfg->linktype != GNV_LINK_SLL2) {
		if (gnv_build(&spec, buf, sizeof(buf), &n) != 0 || n != pk->caplen ||
		    memcmp(buf, pk->data, n) != 0) {
			fprintf(stderr, "decode -v text does not rebuild the frame "
				"(%zu bytes, captured %u):\n%s\n", n, pk->caplen, sbuf_str(&sb));
			abort();
		}
	}
	if (sb.cap > (1u << 20))
		sbuf_free(&sb);
}

static void fuzz_render(const struct gnv_pkt *pk, const struct gnv_decode_cfg *cfg,
			uint8_t ctl)
{
	struct gnv_optinfo info;
	volatile uint32_t sink = 0;
	unsigned int i;

	for (i = 0; i < pk->gnv.nopt && i < GNV_MAX_OPTS; i++) {
		memset(&info, 0, sizeof(info));
		if (gnv_opt_info(pk, &pk->gnv.opt[i], &info))
			sink += info.nfield;
		sink += (uint32_t)strlen(gnv_class_name(pk->gnv.opt[i].cls, pk->genv_class));
		sink += (uint32_t)strlen(gnv_class_short(pk->gnv.opt[i].cls, pk->genv_class));
	}
	for (i = 0; i < pk->nerr && i < GNV_MAX_ERRS; i++) {
		sink += (uint32_t)strlen(gnv_err_code(pk->err[i].code));
		sink += (uint32_t)strlen(gnv_err_msg(pk->err[i].code));
	}
	sink += flow_hash_layers(&pk->inner, 0);
	sink += flow_hash_layers(&pk->outer, 1);
	(void)sink;
	fuzz_print(pk, ctl);
	fuzz_lang(pk, cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gnv_pkt pk;	/* large: keep it off the stack */
	struct gnv_decode_cfg cfg;
	uint8_t *frame;
	uint32_t caplen, len;
	uint8_t ctl;

	if (size < 1 || size > 65536 + 1)
		return 0;
	ctl = data[0];
	caplen = (uint32_t)(size - 1);
	len = caplen;
	if (ctl & 0x04)
		len += 1 + 64u * (ctl >> 6);

	frame = malloc(caplen ? caplen : 1);
	if (!frame)
		return 0;
	memcpy(frame, data + 1, caplen);

	gnv_decode_cfg_default(&cfg);
	gnv_decode_cfg_tunnels(&cfg);	/* VXLAN, GPE, GRE, NVGRE as decode has them */
	cfg.linktype = link_types[ctl & 3];
	cfg.no_csum = ctl & 0x08;
	cfg.outer_only = ctl & 0x10;
	if (ctl & 0x20)
		cfg.port = 4789;

	memset(&pk, 0xa5, sizeof(pk));	/* the decoder must not rely on zeroed memory */
	gnv_decode(&pk, frame, caplen, len, &cfg);
	if (pk.status > GNV_INVALID || pk.nerr > GNV_MAX_ERRS ||
	    pk.gnv.nopt > GNV_MAX_OPTS)
		abort();
	fuzz_render(&pk, &cfg, ctl);

	free(frame);
	return 0;
}
