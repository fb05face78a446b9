/* SPDX-License-Identifier: MIT */
/*
 * AF_XDP sockets, their UMEM and rings, and the steering program
 * (xdp_steer.bpf.c) that feeds them: the one copy shared by the router's
 * AF_XDP ports (port_xdp.c) and the generator and sink of genv craft
 * --xdp and genv decode --xdp (xdpgen.c).
 *
 * One socket per queue, each with its own UMEM of 2 x ring frames (ring:
 * the size of each of its four rings, RT_XDP_RING by default).
 * Frame accounting: every frame is on the free stack (free_addr), given
 * to the kernel for receive (fill ring or rx ring: fill_rx) or for send
 * (tx ring or completion ring: tx_comp); rt_xsk_balanced() checks
 * nfree + fill_rx + tx_comp == nframes.
 * Layer: router; calls libxdp, libbpf and libc.
 */
#ifndef GENV_ROUTER_XSK_H
#define GENV_ROUTER_XSK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xdp/libxdp.h>
#include <xdp/xsk.h>
#include "port.h"
#include "xdp_steer.h"

/* Linux 6.6 UAPI, absent from older headers: multi-buffer AF_XDP */
#ifndef XDP_USE_SG
#define XDP_USE_SG	(1 << 4)
#endif
#ifndef XDP_PKT_CONTD
#define XDP_PKT_CONTD	(1 << 0)	/* xdp_desc.options: the frame goes on in the next one */
#endif


struct rt_xsk {
	struct xsk_socket *xsk;
	struct xsk_umem *umem;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	uint8_t *area;
	unsigned int frame_size;
	uint32_t ring;			/* descriptors per ring */
	uint32_t nframes;		/* frames in the UMEM: 2 x ring */
	uint64_t *free_addr;		/* nframes slots */
	uint32_t nfree;
	uint32_t fill_rx;		/* frames given to the kernel for receive */
	uint32_t tx_comp;		/* frames given to the kernel for send */
	bool tx_kick;			/* tx descriptors not yet kicked */
	bool has_rx;
	bool sg;			/* multi-buffer (XDP_USE_SG): a frame may span descriptors */
};

/*
 * Open the socket of queue QID of IFNAME, rings of RING descriptors (a
 * power of two, RT_XDP_RING_MIN..MAX; 0: RT_XDP_RING), multi-buffer
 * (XDP_USE_SG) when the kernel takes it.  MODE (RT_XDP_*, port.h):
 * ZEROCOPY fails when the driver refuses zero-copy, AUTO tries it first when
 * NATIVE (the program is attached in native mode, or there is none: a
 * send-only socket), then copy.  RX: with an rx ring, its fill ring kept
 * full.  When zero-copy was tried and refused, *reason says why.
 * 0 or -errno with the message in err.
 */
int rt_xsk_open(struct rt_xsk *q, const char *ifname, unsigned int qid, unsigned int frame_size,
		unsigned int ring, int mode, bool native, bool rx, char *reason, size_t rsz, char *err, size_t errsz);
void rt_xsk_close(struct rt_xsk *q);
/* Free frames to the fill ring (as many as it takes). */
void rt_xsk_refill(struct rt_xsk *q);
/*
 * The frame that starts at rx descriptor IDX of a peeked batch with LEFT
 * descriptors from there: its frames go back to the free stack, *len is
 * its length and *data its bytes -- in the UMEM when it has one
 * descriptor (valid until the next refill), else gathered into BUF (CAP
 * bytes; *trunc when it did not fit).  The number of descriptors it
 * spans, 0 when its last one is not in the batch (nothing is done: peek
 * again later).
 */
uint32_t rt_xsk_rx_frame(struct rt_xsk *q, uint32_t idx, uint32_t left, uint8_t *buf, size_t cap,
			 const uint8_t **data, uint32_t *len, bool *trunc);
/* Descriptors a LEN-byte frame takes to send (0: too long without multi-buffer). */
static inline uint32_t rt_xsk_tx_descs(const struct rt_xsk *q, size_t len)
{
	if (len <= q->frame_size)
		return 1;
	return q->sg && len <= 17u * q->frame_size ? (uint32_t)((len + q->frame_size - 1) / q->frame_size) : 0;
}
/* Post LEN bytes of FRAME as rt_xsk_tx_descs() descriptors from tx ring
 * index IDX (reserved by the caller), frames from the free stack. */
void rt_xsk_tx_frame(struct rt_xsk *q, uint32_t idx, const uint8_t *frame, size_t len);
/* Completed sends back to the free stack; their number. */
uint32_t rt_xsk_reap(struct rt_xsk *q);
/* Wake the kernel for what the tx ring holds (when it asks); 0 or -errno
 * of a refused send (EAGAIN, EBUSY, ENOBUFS: try again later). */
int rt_xsk_kick(struct rt_xsk *q);
/* Wake the kernel for receive when the fill ring asks. */
void rt_xsk_wake_rx(struct rt_xsk *q);
/* What the socket obtained (XDP_OPTIONS). */
bool rt_xsk_zerocopy(const struct rt_xsk *q);
/* The kernel's counters of the socket (XDP_STATISTICS); 0 or -errno. */
int rt_xsk_stats(const struct rt_xsk *q, struct xdp_statistics *st);

static inline int rt_xsk_fd(const struct rt_xsk *q)
{
	return xsk_socket__fd(q->xsk);
}

static inline bool rt_xsk_balanced(const struct rt_xsk *q)
{
	return (uint64_t)q->nfree + q->fill_rx + q->tx_comp == q->nframes;
}

/* ---- the steering program on an interface ---- */

struct rt_xsk_prog {
	struct xdp_program *prog;
	struct bpf_object *obj;		/* prog's: libxdp does not close an object it was given */
	int ifindex;
	enum xdp_attach_mode attach;	/* XDP_MODE_NATIVE or XDP_MODE_SKB */
	int lockfd;
	bool replaced;			/* a program left by a killed genv was removed */
};

/*
 * Lock (network namespace, IFNAME) against another genv process, remove
 * a genv program left attached without a holder, load the program and
 * attach it (native XDP, else generic unless MODE forbids it; *reason
 * says why generic was taken).  0 or -errno with the message in err
 * (-EBUSY: a live genv has the interface).
 */
int rt_xsk_prog_open(struct rt_xsk_prog *pr, const char *ifname, int mode, char *reason,
		     size_t rsz, char *err, size_t errsz);
/* Steer queue QID's frames to Q's socket; 0 or -errno. */
int rt_xsk_prog_bind(struct rt_xsk_prog *pr, const struct rt_xsk *q);
/* Write the program's configuration (what to steer); 0 or -errno. */
int rt_xsk_prog_config(struct rt_xsk_prog *pr, const struct genv_xdp_cfg *cfg);
/* Detach and unlock: the interface passes its frames to the kernel. */
void rt_xsk_prog_close(struct rt_xsk_prog *pr);

/* NULL, or the name of the first capability AF_XDP needs and this
 * process lacks (BPF: also those loading a program takes). */
const char *rt_xsk_missing_cap(bool bpf);
/* IFNAME's driver (ethtool), "?" when unknown. */
const char *rt_xsk_driver(const char *ifname, char *buf, size_t size);

#endif
