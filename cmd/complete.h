/* SPDX-License-Identifier: MIT */
/*
 * The completion engine shared by `genv __complete` (bash, zsh, fish) and
 * the REPL.  It knows only the command table (cli.h): command names,
 * subcommands and typed option tables, so completions never go stale.
 */
#ifndef GENV_COMPLETE_H
#define GENV_COMPLETE_H

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

#endif
