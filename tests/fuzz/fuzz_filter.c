/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the filter compiler (libcore/filter.c).  The input is
 * filter text up to the first newline; the bytes after it are one frame,
 * decoded and matched against the filter when it parses.  Checks the
 * promises that do not depend on the input:
 *   - a rejected filter gives a message and a position inside the text;
 *   - the caret display never overruns its buffer;
 *   - matching never fails on any frame (ASan/UBSan do the checking).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t tlen = nl ? (size_t)(nl - data) : size, epos = 0;
	struct gnv_filter *f = NULL;
	struct gnv_decode_cfg cfg;
	struct pcap_pkthdr h;
	struct gnv_pkt pk;
	char err[256], caret[64], *text;

	if (tlen > 4096)
		return 0;
	text = malloc(tlen + 1);
	if (!text)
		return 0;
	memcpy(text, data, tlen);
	text[tlen] = 0;
	if (gnv_filter_parse_at(text, &f, err, sizeof(err), &epos)) {
		if (f || !err[0] || epos > strlen(text))
			abort();
		if (gnv_filter_caret(text, epos, caret, sizeof(caret)) >= sizeof(caret))
			abort();
		free(text);
		return 0;
	}
	if (!gnv_filter_compile(f, DLT_EN10MB, 65535, err, sizeof(err)) && nl) {
		const uint8_t *frame = nl + 1;
		uint32_t n = (uint32_t)(size - tlen - 1);

		gnv_decode_cfg_default(&cfg);
		gnv_decode(&pk, frame, n, n, &cfg);
		memset(&h, 0, sizeof(h));
		h.caplen = h.len = n;
		(void)gnv_filter_match(f, &pk, &h, frame);
	}
	gnv_filter_free(f);
	free(text);
	return 0;
}
