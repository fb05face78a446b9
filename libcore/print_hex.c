/* SPDX-License-Identifier: MIT */
/*
 * Hex dumps of frame bytes in tcpdump's -x/-X layout: 16 bytes a line,
 * "\t0x0010:  4500 0054 ...", bytes in pairs, and with ASCII a column of
 * the printable bytes (others as '.') after the hex padded to full width.
 * Also where one layer of a decoded packet lies (--hex-layer).
 *
 * Layer: libcore; calls sbuf and libc.
 */
#include "print.h"

static const char hexd[] = "0123456789abcdef";

#define HEX_LINE	16
#define HEX_COLS	40	/* " xxxx" eight times */

void gnv_print_hex(struct sbuf *sb, const uint8_t *p, size_t n, bool ascii)
{
	char line[128];

	for (size_t off = 0; off < n; off += HEX_LINE) {
		size_t k = n - off < HEX_LINE ? n - off : HEX_LINE, w = 0;

		line[w++] = '\t';
		line[w++] = '0';
		line[w++] = 'x';
		for (int s = off >> 16 ? 28 : 12; s >= 0; s -= 4)	/* "%04x" */
			if (s < 16 || off >> s)
				line[w++] = hexd[(off >> s) & 15];
		line[w++] = ':';
		line[w++] = ' ';
		for (size_t i = 0; i < k; i++) {
			if (!(i & 1))
				line[w++] = ' ';
			line[w++] = hexd[p[off + i] >> 4];
			line[w++] = hexd[p[off + i] & 15];
		}
		if (ascii) {
			size_t hw = k / 2 * 5 + (k & 1) * 3;

			for (; hw < HEX_COLS; hw++)
				line[w++] = ' ';
			line[w++] = ' ';
			line[w++] = ' ';
			for (size_t i = 0; i < k; i++) {
				uint8_t c = p[off + i];

				line[w++] = c > 0x20 && c < 0x7f ? (char)c : '.';
			}
		}
		line[w++] = '\n';
		sbuf_add(sb, line, w);
	}
}

bool gnv_hex_layer(const struct gnv_pkt *pk, enum gnv_hex_layer layer,
		   uint32_t *off, uint32_t *n)
{
	uint32_t start, end = pk->caplen;

	if (!pk->is_geneve)
		return false;
	switch (layer) {
	case GNV_HEX_OPTIONS:
		start = pk->gnv.off + GNV_HDR_SIZE;
		if (pk->gnv.inner_off < end)
			end = pk->gnv.inner_off;
		break;
	case GNV_HEX_INNER:
		start = pk->gnv.inner_off;
		break;
	case GNV_HEX_PAYLOAD:
		if (!pk->inner.l4.proto || !pk->inner.l4.payload_off)
			return false;
		start = pk->inner.l4.payload_off;
		if (pk->inner.l4.payload_size < end - start && start < end)
			end = start + pk->inner.l4.payload_size;
		break;
	default:
		return false;
	}
	if (start >= end)
		return false;
	*off = start;
	*n = end - start;
	return true;
}
