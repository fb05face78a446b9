/* SPDX-License-Identifier: MIT */
/*
 * genv top: the data model shared by its sources (a capture replayed,
 * or a running router sampled over its control socket) and its views
 * (batch text, JSON, the ncurses screen).
 *
 *   source --sample--> struct top_snap (cumulative counters)
 *   top_rates(prev, cur): rates from the deltas; a counter that went
 *   backwards (clear stats, router restart, flow entry reused) starts a
 *   new baseline: no rate for that interval, "reset" is set.
 */
#ifndef GENV_TOP_H
#define GENV_TOP_H

/*
 * Layer: cmd/top.  Implemented by cmd/top/model.c (snapshots, rows, batch
 * output), pcap.c and router.c (the sources), ui.c (the screen) and
 * cmd/top.c (the command, top_sample, top_mono_ns).
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "../cli.h"
#include "../../libcore/sbuf.h"

#define TOP_NAME_MAX	32
#define TOP_REASON_MAX	40
#define TOP_PATH_MAX	12
#define TOP_NO_VNI	UINT32_MAX

struct top_ctr {
	uint64_t rx_pkts, rx_bytes, tx_pkts, tx_bytes, drops;
};

struct top_rate {
	double rx_pps, rx_bps, tx_pps, tx_bps, drops_ps;
};

struct top_vpc {
	uint32_t vni;
	char name[TOP_NAME_MAX];
	uint64_t endpoints, flows;	/* gauges */
	struct top_ctr c;
	struct top_rate r;
	bool reset;			/* new or went backwards: no rate yet */
};

struct top_port {
	char name[TOP_NAME_MAX];
	int up;				/* 1, 0, -1 unknown */
	struct top_ctr c;
	struct top_rate r;
	bool reset;
};

struct top_drop {
	char reason[TOP_REASON_MAX];
	uint64_t count;
	double rate;
	bool reset;
};

struct top_flow {
	uint32_t vni;
	uint8_t family, proto;
	uint16_t sport, dport;
	uint8_t src[16], dst[16];
	uint64_t pkts, bytes;
	uint64_t first_ns, last_ns;	/* source clock */
	double pps, bps;
	bool reset;
	/* what happened to the last packet (not part of the key above) */
	bool src_ep, dst_ep;		/* src / dst is a known endpoint */
	char path[TOP_PATH_MAX];	/* "local" "direct" ... "indirect" (capture), "-" */
	uint8_t host_family;		/* 0: no underlay peer known */
	uint8_t host[16];		/* underlay peer of the path */
	char verdict[TOP_REASON_MAX + 8];	/* "forward", "drop:route.none", "-" */
	char policy[160];		/* "allow prod/web ingress rule 1", "deny", "open", "tracked", "-" */
};

struct top_snap {
	uint64_t t_ns;			/* sample time (source clock) */
	uint64_t start_ns;		/* source clock at start (capture: first packet) */
	uint64_t wall_ns;		/* CLOCK_REALTIME of the sample (capture: packet time) */
	double interval;		/* seconds since the previous sample, 0 for none */
	struct top_ctr total;
	struct top_rate total_r;
	uint64_t frames, other;		/* capture: frames read, not Geneve */
	bool eof;			/* capture: all read */
	struct top_vpc *vpc;
	struct top_port *port;
	struct top_drop *drop;
	struct top_flow *flow;
	uint32_t nvpc, nport, ndrop, nflow;
	uint32_t capvpc, capport, capdrop, capflow;
	uint32_t flow_vni;		/* flows are of this VPC (TOP_NO_VNI: none) */
	bool oom;
};

void top_snap_clear(struct top_snap *s);	/* keep the arrays */
void top_snap_free(struct top_snap *s);
struct top_vpc *top_snap_add_vpc(struct top_snap *s);
struct top_port *top_snap_add_port(struct top_snap *s);
struct top_drop *top_snap_add_drop(struct top_snap *s);
struct top_flow *top_snap_add_flow(struct top_snap *s);
/* Sort the VPCs by VNI and the drops by reason (the order top_rates needs). */
void top_snap_canon(struct top_snap *s);

/* Fill cur's rates from prev (NULL: no previous sample: every row reset). */
void top_rates(const struct top_snap *prev, struct top_snap *cur);

/* One counter: the per-second delta, or *reset when it went backwards. */
double top_rate1(uint64_t prev, uint64_t cur, double dt, bool *reset);

/* Formatting for the views. */
const char *top_proto_name(uint8_t proto, char *buf, size_t n);
void top_fmt_endpoint(char *buf, size_t n, int family, const uint8_t *a, uint16_t port);
void top_fmt_si(char *buf, size_t n, double v);		/* 999.9, 1.2k, 3.4M */
/* A flow's PATH cell: "direct@192.0.2.2", "local", "-". */
void top_fmt_path(char *buf, size_t n, const struct top_flow *f);
/* Fill a new flow's outcome fields with "unknown" ("-"). */
void top_flow_unknown(struct top_flow *f);
const char *top_drop_desc(const char *reason);		/* "" when unknown */

/* ---- views ---- */

enum top_view { TOP_V_VPC, TOP_V_FLOW, TOP_V_DROP, TOP_V__COUNT };

struct top_col {
	const char *title;
	const char *key;		/* -s / sort name */
	int width;			/* negative: left aligned */
	bool desc;			/* sorted descending by default */
};

#define TOP_MAX_COLS	13
extern const struct top_col top_cols[TOP_V__COUNT][TOP_MAX_COLS];
int top_ncols(enum top_view v);
int top_col_lookup(enum top_view v, const char *key);	/* -1 when unknown */

/* Row indexes of view v in snapshot s that match filter (case-insensitive
 * substring of the rendered row; NULL/"" = all), sorted by column col. */
uint32_t top_rows(const struct top_snap *s, enum top_view v, int col, bool reverse,
		  const char *filter, uint32_t *ix);
uint32_t top_nrows(const struct top_snap *s, enum top_view v);
/* Render row i of view v (cells padded to the column widths). */
void top_row_text(const struct top_snap *s, enum top_view v, uint32_t i, struct sbuf *o);
/* The same; wide: the last column's text whole, neither padded nor cut (the
 * screen cuts it at its width, with "..."). */
void top_row_text_wide(const struct top_snap *s, enum top_view v, uint32_t i, bool wide,
		       struct sbuf *o);
void top_header_text(enum top_view v, struct sbuf *o);

struct top_src_info {
	const char *kind;		/* "capture" or "router" */
	const char *path;
};

/* Batch output: one snapshot as text or a JSON document (one line). */
void top_batch_text(const struct top_snap *s, const struct top_src_info *src, int col,
		    bool reverse, struct sbuf *o);
void top_batch_json(const struct top_snap *s, const struct top_src_info *src, bool pretty,
		    struct sbuf *o);

/* ---- sources ---- */

struct top_pcap;
/* local: underlay address counted as "us" (NULL: every packet is rx). */
int top_pcap_open(struct top_pcap **out, const char *path, const char *local,
		  char *err, size_t errsz);
void top_pcap_close(struct top_pcap *p);
/* Read frames up to (not including) capture time until_ns; returns 0,
 * 1 at the end of the capture, -errno on a read error (message in err). */
int top_pcap_advance(struct top_pcap *p, uint64_t until_ns, char *err, size_t errsz);
/* Capture time of the first frame and of the last frame read (0 before any). */
uint64_t top_pcap_start(const struct top_pcap *p);
uint64_t top_pcap_last(const struct top_pcap *p);
/* Snapshot at capture time t_ns; flows of VPC vni (TOP_NO_VNI: none). */
int top_pcap_snap(struct top_pcap *p, uint64_t t_ns, uint32_t vni, struct top_snap *s);

struct top_router;
int top_router_open(struct top_router **out, const char *path);
void top_router_close(struct top_router *r);
/* 0 or -errno with a message in err.  *fresh: this sample starts a new
 * connection (the router may have restarted): do not diff with earlier. */
int top_router_sample(struct top_router *r, uint32_t vni, struct top_snap *s, bool *fresh,
		      char *err, size_t errsz);

/* ---- screen ---- */

struct top_opts {
	const char *rfile, *socket, *local;
	bool batch, fast;
	uint64_t iterations;		/* 0: no limit */
	double delay;
	int sort_col;
	bool reverse;
	uint32_t vni;			/* --vni: start in this VPC's flows */
};

/* Shared by the batch loop and the screen. */
struct top_state {
	struct genv_ctx *g;
	struct top_opts *o;
	struct top_pcap *pcap;
	struct top_router *router;
	struct top_src_info src;
	struct top_snap snap[2];
	int cur;			/* snap[cur] is the newest */
	bool have_prev;
	uint64_t samples;		/* taken so far */
	uint64_t replay_ns;		/* capture clock reached */
	bool eof;
	char err[256];
};

/* Take the next sample into st->snap[st->cur] (after flipping), compute
 * rates.  step_ns: how far to move a capture's clock.  0 or -errno. */
int top_sample(struct top_state *st, uint64_t step_ns, uint32_t vni);
uint64_t top_mono_ns(void);

int top_screen(struct top_state *st);

#endif
