/* SPDX-License-Identifier: MIT */
/*
 * Test driver for tests/cross/tso.sh: libcore/tso over hex lines, so that
 * scapy and tshark can judge what it produces.  Reads commands on stdin:
 *
 *   seg MSS PROTO HEX        -> "S HEX" per segment, then "E rc"
 *   complete START OFF HEX   -> "C HEX" or "E rc"
 *   coal CTX HEX             (queued for the coalescer)
 *   flush                    -> "O segs gso_type gso_size hdr_len csum_start
 *                                csum_offset ctx HEX" per output, "E 0"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/tso.h"

#define CAP	(70 * 1024)
#define LINE	(2 * CAP + 64)

static uint8_t cb[4][CAP], in[TSO_COAL_MAX + 1][CAP], seg[CAP];
static uint8_t *const cbp[4] = { cb[0], cb[1], cb[2], cb[3] };
static char line[LINE];

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned int v;

	while (n < CAP && sscanf(s, "%2x", &v) == 1) {
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void hex(const char *tag, const uint8_t *p, size_t n)
{
	fputs(tag, stdout);
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	putchar('\n');
}

int main(void)
{
	static struct tso_coal co;
	unsigned int nin = 0;

	tso_coal_init(&co, cbp, 4, CAP, true);
	while (fgets(line, sizeof(line), stdin)) {
		unsigned int a, b;
		int off = 0;

		line[strcspn(line, "\n")] = 0;
		if (sscanf(line, "seg %u %u %n", &a, &b, &off) == 2 && off) {
			struct tso_seg s;
			size_t n = unhex(line + off, in[0]);
			int r = tso_seg_init(&s, in[0], n, a, (uint8_t)b);

			while (!r && (r = tso_seg_next(&s, seg, sizeof(seg))) > 0) {
				hex("S ", seg, (size_t)r);
				r = 0;
			}
			printf("E %d\n", r);
		} else if (sscanf(line, "complete %u %u %n", &a, &b, &off) == 2 && off) {
			size_t n = unhex(line + off, in[0]);
			int r = tso_csum_complete(in[0], n, (uint16_t)a, (uint16_t)b);

			if (!r)
				hex("C ", in[0], n);
			printf("E %d\n", r);
		} else if (sscanf(line, "coal %u %n", &a, &off) == 1 && off) {
			size_t n = unhex(line + off, in[nin]);

			if (nin < TSO_COAL_MAX && tso_coal_add(&co, a, in[nin], n) >= 0)
				nin++;
		} else if (!strcmp(line, "flush")) {
			unsigned int k = tso_coal_flush(&co);

			for (unsigned int i = 0; i < k; i++) {
				const struct tso_coal_out *o = tso_coal_get(&co, i);

				printf("O %u %u %u %u %u %u %llu ", o->segs, o->vh.gso_type,
				       o->vh.gso_size, o->vh.hdr_len, o->vh.csum_start,
				       o->vh.csum_offset, (unsigned long long)o->ctx);
				hex("", o->data, o->size);
			}
			tso_coal_reset(&co);
			nin = 0;
			printf("E 0\n");
		} else {
			fprintf(stderr, "tso_driver: bad line '%.40s'\n", line);
			return 2;
		}
		fflush(stdout);
	}
	return 0;
}
