/* SPDX-License-Identifier: MIT */
/*
 * The completion engine shared by `genv __complete` (bash, zsh, fish) and
 * the REPL.  It knows only the command table (cli.h): command names,
 * subcommands and typed option tables, so completions never go stale.
 * Layer: cmd; calls libc.
 */
#ifndef GENV_COMPLETE_H
#define GENV_COMPLETE_H

#include <stddef.h>

/* Printed instead of names when the word is a path: the shell completes files. */
#define COMPLETE_FILE_MARK ":file"

/*
 * words[0..nwords-1] are the words after "genv"; the last one is the word
 * being completed (possibly empty; nwords == 0 means one empty word).
 * emit() is called once per candidate, in table order, already filtered by
 * the prefix being completed.  Returns the number of candidates emitted.
 */
int complete_words(int nwords, char **words,
		   void (*emit)(void *arg, const char *cand), void *arg);

/*
 * The same, with a one-line description of each candidate (a command's
 * summary, an option's help) or NULL, for shells and prompts that show them.
 * `genv __complete` prints "CAND<TAB>DESC" when GENV_COMPLETE_DESC=1.
 */
typedef void (*complete_fn)(void *arg, const char *cand, const char *desc);
int complete_words_desc(int nwords, char **words, complete_fn emit, void *arg);

/*
 * Live objects: after `route del vpc`, `route show ep`, `route set ep VNI`,
 * `... port`, `trace --vpc`, `top --vni` and the like, the candidates are
 * the running router's VPC ids, network prefixes, endpoint addresses and
 * port names, asked over its control socket: the command line's -S PATH,
 * else socket (the REPL's 'set router'), else $GENV_SOCKET or the default.
 * Each request is bounded (COMPLETE_LIVE_MS); no router, no candidates.
 */
#define COMPLETE_LIVE_MS 300
int complete_words_sock(int nwords, char **words, const char *socket,
			complete_fn emit, void *arg);

/*
 * The name of the router answering on socket (NULL: $GENV_SOCKET or the
 * default), for the REPL's prompt: its host id, else the socket's file
 * name.  0, or -errno when no router answers within COMPLETE_LIVE_MS.
 */
int complete_router_name(const char *socket, char *buf, size_t size);

#endif
