/* SPDX-License-Identifier: MIT */
/*
 * The router's command language, shared by the CLI (`genv route add ...`),
 * the control socket, config files (`route run -f`, `route batch`) and
 * --state files.  One command per line; words separated by blanks; '#'
 * starts a comment; an empty line does nothing.
 *
 *   set host addr 10.200.0.1 [id h1] [mac MAC] [mtu 1500] [dscp 0] [ttl 64] [rts on|off]
 *   add vpc 100 [name blue] cidr 10.0.0.0/16 [cidr fd00::/64] [divider 10.200.0.3 ...]
 *          [peers 10.200.0.9 ...]
 *   set vpc 100 [name N] [cidr ... (replaces)] [divider A ... | divider none]
 *          [peers A ... | peers none]
 *   add net 100 10.0.1.0/24 [gw 10.0.1.1] [bouncer 10.200.0.3 ...]
 *   set net 100 10.0.1.0/24 [gw IP] [bouncer A ... | bouncer none]
 *   add port tap0 [mtu 1400] [netns vm1]
 *   set port tap0 mtu 1400
 *   add ep 100 10.0.1.5 mac 02:00:00:00:01:05 [type simple|scaled|proxied|gateway]
 *          (port tap0 | host 10.200.0.2 [host ...]) [label 42 ...] [opt SPEC ...] [mtu N]
 *   set ep 100 10.0.1.5 [mac M] [type T] [port P | host A ...] [label N ... | label none]
 *          [opt SPEC ... | opt none] [mtu N]        (unnamed attributes are kept)
 *          [qos premium|expedited|best-effort|none] [rate 100mbit burst 64k | rate none]
 *   set qos premium|expedited|best-effort [dscp N] [priority N] [remark on|off]
 *   del vpc 100 | del net 100 10.0.1.0/24 | del ep 100 10.0.1.5 | del port tap0
 *   show [vpc|net|ep|port|host|stats|flows|drops|config|top] [VNI]
 *          (top: what `genv top` samples, one record per line; flows with VNI)
 *   clear stats
 *   dump                                   (the running config, as commands)
 * Extensions (router/ext.h) add verbs of their own, which never change the
 * tables: trace/ext.h adds `trace packet ...` and `probe ...`.
 *
 * A list keyword takes one or more values ("host A B" == "host A host B").
 * Numbers go through libcore/num.h, addresses through parse_ip/parse_mac,
 * options through gnv_opt_encode (the craft language's opt= syntax).
 *
 * Where it lives: lang.c splits a line and parses the values of its words,
 * verbs.c holds add/set/del, show.c show and dump, drops_cmd.c drops and
 * mirror, and exec.c the entry points below and the dispatch by verb;
 * state.c runs files of commands and writes the --state file.
 *
 * Every command is parsed and validated completely before anything
 * changes; a rejected command leaves the tables (and the outside world)
 * exactly as they were.  Errors name the word and its position:
 *   "add ep: word 6 '02:00:zz': invalid MAC address"
 * Layer: router; calls libcore/pkt, libcore/sbuf, tables and libc.
 */
#ifndef GENV_RT_CONFIG_H
#define GENV_RT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../libcore/pkt.h"
#include "../libcore/sbuf.h"
#include "tables.h"

#define RT_SHOW_SCHEMA	1

struct rt_xdp_opts;
struct rt_xdp_info;

/* Device facts for `show port` (optional callback). */
struct rt_port_info {
	char ifname[RT_PORT_NAME_MAX];
	int ifindex;
	bool up;
	uint64_t rx_errors, tx_errors, tx_dropped;	/* queue full, write errors */
	char offloads[48];	/* "vnet csum tso4 tso6 uso" obtained, or "none" */
	const struct rt_xdp_info *xdp;	/* AF_XDP port: mode, reason, frames; else NULL */
	bool persistent;	/* TAP: outlives the router (--state) */
	bool reattached;	/* TAP: found there at start (a restart), not created */
	uint64_t tx_passthrough;	/* TAP: super-frames of a local TAP written whole */
	uint64_t tx_partial;	/* TAP: frames written with the sender's partial checksum */
};

/*
 * Things a command does outside the tables; provided by the runtime
 * (router/loop.c).  ops may be NULL, and any callback may be NULL: the
 * command then only changes the tables (offline config checks, trace -f,
 * unit tests).  Each callback returns 0 or -errno with a one-line message
 * in err; a failure rejects the command before any table changes.
 * Order for add port: validate everything -> port_open -> commit tables.
 * Order for del port: validate -> commit tables -> port_close.
 */
struct rt_runtime_ops {
	void *ctx;
	/* Create TAP device 'name' for port slot 'index' (the pipeline's port
	 * index), in network namespace netns ("" = the router's). */
	int (*port_open)(void *ctx, int index, const char *name, unsigned int mtu,
			 const char *netns, char *err, size_t errsz);
	void (*port_close)(void *ctx, int index);
	/* Change the device MTU (set port ... mtu). */
	int (*port_mtu)(void *ctx, int index, unsigned int mtu, char *err, size_t errsz);
	/* This host's underlay address is about to become addr: (re)bind the
	 * UDP socket.  Called only when the address changes. */
	int (*host_addr)(void *ctx, const struct gnv_addr *addr, char *err, size_t errsz);
	/* set host offload on|off: virtio-net offloads on the TAP ports, UDP
	 * GSO/GRO on the underlay sockets (router/port.h). */
	int (*host_offload)(void *ctx, bool on, char *err, size_t errsz);
	/* Optional, for show port. */
	int (*port_info)(void *ctx, int index, struct rt_port_info *info);
	/* Send a Geneve payload (header onward) to underlay host dst:6081 with
	 * outer TOS and TTL, on the source port (lane) of flow sport, as the
	 * packets of that flow go: control-path packets (genv trace path
	 * probes).  Optional: without it probes are not sent. */
	int (*ul_send)(void *ctx, const struct gnv_addr *dst, const uint8_t *data, size_t size,
		       uint8_t tos, uint8_t ttl, uint16_t sport);
	/* Open an AF_XDP port on interface 'name' for slot 'index' (add port xdp). */
	int (*port_open_xdp)(void *ctx, int index, const char *name,
			     const struct rt_xdp_opts *o, char *err, size_t errsz);
	/* Optional, for trace packet: the outer UDP source port that a packet
	 * of flow port sport leaves from toward family (4 or 6): the flow port
	 * itself through an AF_XDP underlay, else the bound port of the UDP
	 * socket (lane) that sport picks.  0 when unknown. */
	uint16_t (*ul_sport)(void *ctx, int family, uint16_t sport);
};

/*
 * Execute one command line.  Returns 0, or -errno with the message in out
 * (text: the message alone, no prefix, no newline; json: {"schema":1,
 * "error":"..."}).  On success out holds what the command prints (show,
 * dump), or nothing (text) / {"schema":1,"ok":true} (json) for changes
 * and for commands with nothing to print (mirror on, mirror off).
 * out is appended to, not reset.
 */
int rt_cmd_exec(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *line,
		bool json, struct sbuf *out);

/*
 * Run newline-separated commands as one transaction: all of them, or --
 * when one is refused -- none (the namespaces and policies are put back
 * as they were; "line N: MESSAGE").  Only add/set/del of ns and policy
 * (what `genv route apply` sends), blank lines and comments; policies
 * compile once, at the end.
 */
int rt_cmd_exec_txn(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *text,
		    bool json, struct sbuf *out);


/*
 * The running configuration as commands, one per line, in an order that
 * re-creates it exactly when executed on empty tables: set host, ports,
 * VPCs, nets, endpoints.  Always succeeds (0; -ENOMEM when out ran out).
 */
int rt_config_dump(const struct rt_tables *t, struct sbuf *out);

/* Words for completion and help. */
extern const char *const rt_cmd_verbs[];	/* "add", "del", "set", "show", ... NULL-terminated */
extern const char *const rt_host_kws[];	/* set host KEYWORD ... (verbs.c) */
extern const char *const rt_cmd_objects[];	/* "vpc", "net", "ep", "port", "host", ... */
extern const char *const rt_show_topics[];	/* "vpc" ... "drops", "config" */

#endif
