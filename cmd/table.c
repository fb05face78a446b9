/* SPDX-License-Identifier: MIT */
/*
 * The command table: the one list of genv commands (see cli.h).
 * Layer: cmd; calls commands and libc.
 */
#include <stddef.h>
#include "commands.h"

static const char *const offload_subcmds[] = { "set", NULL };
static const char *const route_subcmds[] = { "run", "add", "del", "set", "show", "save", "batch", "reload", "apply",
					     "gc", "clear", "dump", "drops", "mirror", "trace", "probe", NULL };
static const char *const trace_subcmds[] = { "packet", "drops", "capture", "path", NULL };

const struct cmd genv_commands[] = {
	{
		.name = "craft",
		.summary = "build Geneve packets from a one-line description",
		.usage = "[OPTIONS] PACKET",
		.opts = craft_opts,
		.run = cmd_craft,
		.man = "genv-craft(1)",
	},
	{
		.name = "decode",
		.summary = "decode Geneve packets from a capture, an interface or hex",
		.usage = "[OPTIONS] [-r FILE | -i IFACE | --hex HEX | -] [FILTER]",
		.opts = decode_opts,
		.run = cmd_decode,
		.man = "genv-decode(1)",
	},
	{
		.name = "offload",
		.summary = "show what a network device offloads for Geneve; change its features",
		.usage = "[OPTIONS] [IFACE [set FEATURE on|off]...]",
		.args_help = "With no IFACE, one line per interface.  With IFACE: driver, Geneve summary,\n"
			     "link, channels, rings, XDP and every feature.  'set' changes features\n"
			     "(as ethtool -K does) and reports what the kernel did.\n",
		.opts = offload_opts,
		.run = cmd_offload,
		.man = "genv-offload(8)",
		.subcmds = offload_subcmds,
	},
	{
		.name = "repl",
		.summary = "interactive prompt; run a file of genv commands as a batch",
		.usage = "[OPTIONS] [-f FILE [--force]]",
		.args_help = "On a terminal: a prompt with line editing, history (~/.genv_history),\n"
			     "Ctrl-R search and Tab completion.  Otherwise (or with -f) the commands\n"
			     "are a batch that stops at the first failing line (FILE:LINE).\n"
			     "REPL commands: help [CMD], set [KEY VALUE], history [N], source FILE,\n"
			     "quit [STATUS].\n",
		.opts = repl_opts,
		.run = cmd_repl,
		.man = "genv-repl(1)",
	},
	{
		.name = "route",
		.summary = "run the userspace overlay router, or configure a running one",
		.usage = "[OPTIONS] run | add|del|set|show WORDS... | batch FILE | save FILE | reload FILE | apply -f FILE.yaml... | gc --store URL",
		.args_help = "'run' starts the router in the foreground.  The other subcommands send\n"
			     "one command of the router's language (genv.conf(5)) over its control\n"
			     "socket: e.g. 'genv route add vpc 100 cidr 10.0.0.0/16', 'genv route show ep'.\n"
			     "'apply -f FILE.yaml' applies Kubernetes NetworkPolicy and Namespace YAML\n"
			     "(--vpc VNI, or the genv.io/vpc annotation) in one transaction: all or none.\n"
			     "With --store URL, add/set/del/batch/apply write to etcd (genv-store(5));\n"
			     "'gc --store URL' removes the store's identities no endpoint uses.\n"
			     "'reload FILE' makes FILE the running configuration as one diff: unchanged\n"
			     "objects keep forwarding, a refused file changes nothing (also SIGHUP, -f).\n"
			     "Direct path: 'set host rts on' asks for it, 'show cache' lists what was\n"
			     "learned, 'set vpc VNI direct off' keeps a VPC on its bouncers and dividers.\n"
			     "Scaled: 'add ep VNI VIP mac MAC type scaled backends IP[,W]... [health on]':\n"
			     "a backend per flow (Maglev); with health on, a backend whose host stops\n"
			     "answering keepalives (health-interval, health-timeout MS) leaves the table.\n"
			     "Gateway: 'add ep VNI IP mac MAC type gateway host H [nat-ports LO-HI]' sends\n"
			     "what leaves the VPC out at host H with source NAT; 'show nat' lists mappings.\n"
			     "Ports: 'add port NAME' (a TAP device) or 'add port xdp IFACE [queues N]\n"
			     "[mode auto|zerocopy|copy|skb] [busy-poll on|off] [frame-size 2048|4096]\n"
			     "[ring N]' (AF_XDP on an existing interface; root or CAP_NET_ADMIN+CAP_BPF+\n"
			     "CAP_NET_RAW).\n",
		.opts = route_opts,
		.run = cmd_route,
		.man = "genv-route(8)",
		.subcmds = route_subcmds,
	},
	{
		.name = "top",
		.summary = "live per-VPC rates and flows of a router or a capture",
		.usage = "[OPTIONS] [-r FILE | --socket PATH] [-b [-n COUNT] [-d SECONDS]]",
		.args_help = "Full-screen on a terminal (keys: q quit, Enter/Esc into and out of a VPC's\n"
			     "flows, D drops, s < > sort, / filter, d delay, p pause, h help); -b prints\n"
			     "snapshots as text, -j as JSON Lines.  Rates come from counter deltas.\n",
		.opts = top_opts,
		.run = cmd_top,
		.man = "genv-top(1)",
	},
	{
		.name = "trace",
		.summary = "explain what the overlay does to a packet; show the router's drops",
		.usage = "[OPTIONS] packet [-f FILE] --in PORT|underlay (PACKET | --hex HEX | -r FILE) | path --vpc VNI --src IP --dst IP | drops | capture IFACE [FILTER]",
		.args_help = "'packet' runs one packet through the router's pipeline as a dry run, offline\n"
			     "against a config file (-f) or against the running router, and prints every\n"
			     "stage, the rewritten packet and the lines verdict:, egress:, reason:.\n"
			     "'path' sends in-band probes from a local endpoint and shows every router\n"
			     "on the way (offline: one -f FILE per host).  'drops' streams the packets\n"
			     "the running router dropped, with the reason.\n"
			     "'capture' is 'genv decode -i IFACE FILTER' (vni 100 and inner host 10.0.0.5).\n",
		.opts = trace_opts,
		.run = cmd_trace,
		.man = "genv-trace(1)",
		.subcmds = trace_subcmds,
	},
	{
		.name = "help",
		.summary = "show help for genv or one of its commands",
		.usage = "[COMMAND]",
		.run = cmd_help_run,
		.man = "genv(1)",
	},
	{
		.name = "__complete",
		.summary = "completion engine for shells and the REPL",
		.usage = "WORD...",
		.run = cmd_complete,
		.hidden = true,
	},
	{ 0 }
};
