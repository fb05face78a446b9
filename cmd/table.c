/* SPDX-License-Identifier: MIT */
/* The command table: the one list of genv commands (see cli.h). */
#include <stddef.h>
#include "commands.h"

static const char *const offload_subcmds[] = { "set", NULL };

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
