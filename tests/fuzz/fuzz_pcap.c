/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the pcap file reader (libcore/pcap_file.h): the
 * input is a whole file.  Walks every record as `genv decode -r` does,
 * decodes each frame, and looks for a record start from the middle as the
 * parallel --stats path does.  Checks what the reader promises: records
 * lie inside the buffer, follow one another without gaps, and an error
 * leaves the cursor where the bad header starts.
 *
 * libFuzzer hands over an exactly sized buffer, so ASan sees any read
 * past the end of the file.  Calls libcore only.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../libcore/pcap_file.h"
#include "../../libcore/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gnv_pkt pk;
	struct gnv_decode_cfg cfg;
	struct gnv_pcap p, q;
	struct gnv_pcap_rec r;
	size_t at, mid;
	int ret;

	if (gnv_pcap_open(&p, data, size)) {
		CHECK(p.err > GNV_PCAP_OK && p.err < GNV_PCAP_E__COUNT);
		CHECK(p.err_off < GNV_PCAP_FILE_HDR);
		CHECK(gnv_pcap_err_msg(p.err)[0]);
		return 0;
	}
	CHECK(p.off == GNV_PCAP_FILE_HDR);
	gnv_decode_cfg_default(&cfg);
	cfg.linktype = p.link;
	cfg.no_csum = size & 1;
	q = p;
	for (at = p.off; (ret = gnv_pcap_next(&p, &r)) > 0; at = p.off) {
		CHECK(r.off == at);
		CHECK(r.caplen <= GNV_PCAP_MAX_CAPLEN);
		CHECK(r.data == data + at + GNV_PCAP_REC_HDR);
		CHECK(r.caplen <= size - at - GNV_PCAP_REC_HDR);
		CHECK(p.off == at + GNV_PCAP_REC_HDR + r.caplen);
		CHECK(r.usec == (p.nsec ? r.frac / 1000 : r.frac));
		gnv_decode(&pk, r.data, r.caplen, r.len, &cfg);
	}
	if (ret < 0) {
		CHECK(p.off == at && p.err_off == at);
		CHECK(p.err >= GNV_PCAP_E_REC_HEADER && p.err < GNV_PCAP_E__COUNT);
	} else {
		CHECK(p.off == size);
	}
	/* a record boundary guessed from the middle, then walked from there */
	mid = gnv_pcap_find_record(&q, q.off + (size - q.off) / 2, 4096, 4);
	if (mid != SIZE_MAX) {
		CHECK(mid >= q.off && mid <= size);
		q.off = mid;
		while (gnv_pcap_next(&q, &r) > 0)
			CHECK(q.off <= size);
	}
	return 0;
}
