/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the options file parser (libcore/optfile.c) and what
 * uses its layouts.  The input is an options file up to the first NUL
 * byte; the bytes after it are one frame.  Checks the promises that do
 * not depend on the input:
 *   - a rejected file gives no registry and a "fuzz.conf:LINE: " message;
 *   - every layout of an accepted file encodes from its bare name and the
 *     option decodes back under the same name with a layout that fits;
 *   - filters on its names and fields parse;
 *   - the frame decodes and every option is described and printed with
 *     the file's layouts (ASan/UBSan check the memory).
 * The same text also goes to the Open vSwitch notation parser
 * (libcore/ovsnot.c): what it accepts prints and parses back to the same
 * option bytes, and a refusal has a message.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/filter.h"
#include "../../libcore/optfile.h"
#include "../../libcore/optreg.h"
#include "../../libcore/ovsnot.h"
#include "../../libcore/print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_layouts(const struct gnv_optreg *reg)
{
	for (unsigned int i = 0; i < reg->n; i++) {
		const struct layout *l = &reg->l[i];
		uint8_t tlv[4 + 128], type;
		uint16_t cls;
		size_t n = 0;
		char err[200], text[96];
		struct gnv_pkt pk;
		struct gnv_opt o;
		struct gnv_optinfo info;
		struct gnv_filter *f = NULL;

		if (gnv_opt_encode_reg(reg, l->name, 0xFFA7, &cls, &type, tlv + 4, &n, err, sizeof(err)))
			abort();
		if (n != l->min_size || n > 124 || cls != l->cls || type != l->type)
			abort();
		memset(&pk, 0, sizeof(pk));
		tlv[0] = (uint8_t)(cls >> 8);
		tlv[1] = (uint8_t)cls;
		tlv[2] = type;
		tlv[3] = (uint8_t)(n / 4);
		pk.data = tlv;
		pk.caplen = pk.len = (uint32_t)(4 + n);
		pk.genv_class = 0xFFA7;
		pk.optreg = reg;
		o = (struct gnv_opt){ .cls = cls, .type = type, .size = (uint8_t)n, .off = 0 };
		/* genv's own class may shadow a file layout: only check the rest */
		if (cls != 0xFFA7) {
			if (!gnv_opt_info(&pk, &o, &info) || !info.name || strcmp(info.name, l->name) ||
			    !info.layout_ok)
				abort();
		}
		snprintf(text, sizeof(text), "opt %s", l->name);
		if (gnv_filter_parse_reg(text, reg, &f, err, sizeof(err), NULL))
			abort();
		gnv_filter_free(f);
		f = NULL;
		if (l->f[0].key) {
			snprintf(text, sizeof(text), "%s.%s == 1", l->name, l->f[0].key);
			/* numbers compare; addresses and bytes may refuse 1: no crash either way */
			if (!gnv_filter_parse_reg(text, reg, &f, err, sizeof(err), NULL))
				gnv_filter_free(f);
		}
	}
}

static void check_ovs(const uint8_t *data, size_t n)
{
	uint8_t a[252], b[252];
	size_t na = 0, nb = 0;
	char err[200], *text = malloc(n + 1);
	struct sbuf sb = SBUF_INIT;

	if (!text)
		return;
	memcpy(text, data, n);
	text[n] = 0;
	err[0] = 0;
	if (gnv_ovs_parse(text, a, sizeof(a), &na, err, sizeof(err))) {
		if (!err[0])
			abort();
	} else {
		if (!gnv_ovs_format(&sb, a, na) || sb.oom)
			abort();
		if (gnv_ovs_parse(sbuf_str(&sb), b, sizeof(b), &nb, err, sizeof(err)) ||
		    na != nb || memcmp(a, b, na))
			abort();
	}
	sbuf_free(&sb);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t flen = nul ? (size_t)(nul - data) : size;
	struct gnv_optreg *reg = NULL;
	struct gnv_decode_cfg cfg;
	struct gnv_printer *pr;
	struct sbuf sb = SBUF_INIT;
	struct gnv_frame fr = { .num = 1 };
	struct gnv_pkt pk;
	char err[300];
	int ret;

	check_ovs(data, strnlen((const char *)data, size));
	ret = gnv_optfile_parse("fuzz.conf", (const char *)data, flen, &reg, err, sizeof(err));
	if (ret) {
		if (reg || (ret == -EINVAL && strncmp(err, "fuzz.conf", 9)))
			abort();
		return 0;
	}
	if (!reg)
		abort();
	check_layouts(reg);
	if (nul) {
		pr = malloc(sizeof(*pr));
		if (pr) {
			gnv_decode_cfg_default(&cfg);
			cfg.optreg = reg;
			gnv_decode(&pk, nul + 1, (uint32_t)(size - flen - 1), (uint32_t)(size - flen - 1), &cfg);
			gnv_printer_init(pr, false, false);
			gnv_print_line(pr, &sb, &pk, &fr);
			gnv_print_fields(pr, &sb, &pk);
			gnv_print_json(pr, &sb, &pk, &fr);
			sbuf_free(&sb);
			free(pr);
		}
	}
	gnv_optreg_free(reg);
	return 0;
}
