/* SPDX-License-Identifier: MIT */
/*
 * What the router unit suites share: run a command of the router's
 * language, assert that one succeeds, and craft a frame from the packet
 * language into a buffer (the suites keep their own topology).
 */
#ifndef GENV_TEST_RT_FIXTURE_H
#define GENV_TEST_RT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include "../../libcore/sbuf.h"
#include "../../router/tables.h"

/* A router (64 endpoints, 32 hosts, ct_entries tracked connections) with
 * the commands of topo (NULL-terminated; NULL for none) applied, its clock at 1000 s. */
struct rt_tables *rtfix_tables(const char *const *topo, uint32_t ct_entries);
/* rt_cmd_exec's status for line, its output in o (reset first). */
int rtfix_run(struct rt_tables *t, const char *line, struct sbuf *o);
/* line must succeed (the check fails with its message otherwise). */
void rtfix_cmd(struct rt_tables *t, const char *line);
/* Build text (genv's default option class) into frame[cap]; *size its length. */
void rtfix_craft(const char *text, uint8_t *frame, size_t cap, size_t *size);

#endif
