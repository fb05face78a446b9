/* SPDX-License-Identifier: MIT */
/*
 * Router fixtures for the unit suites: tables from a list of commands,
 * a command that must succeed, frames from the packet language.  (The
 * older suites keep their own copies; new ones use these.)
 */
#ifndef GENV_TEST_RT_FIXTURE_H
#define GENV_TEST_RT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include "../../libcore/sbuf.h"
#include "../../router/tables.h"

/* Small tables (64 endpoints, 32 hosts, ct_entries tracked connections)
 * with the commands of topo (NULL-terminated) run. */
struct rt_tables *rtf_new(const char *const *topo, uint32_t ct_entries);
/* Run line into o (reset first): 0 or -errno. */
int rtf_run(struct rt_tables *t, const char *line, struct sbuf *o);
/* Run line; the test fails with the router's message when it is refused. */
void rtf_cmd(struct rt_tables *t, const char *line);
/* Build the packet-language text into frame[0..cap): its size. */
size_t rtf_craft(const char *text, uint8_t *frame, size_t cap);

#endif
