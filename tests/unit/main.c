/* SPDX-License-Identifier: MIT */
/* The Check runner for all libcore unit tests (fork mode, per Check's default). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* Weak, so a suite file can be developed separately; a missing one fails below. */
#define SUITES(X) \
	X(cursor) X(num) X(sbuf) X(json) X(emit) X(pcap_file) X(vnicount) X(csum) X(ecn) X(flowhash) X(decode) X(geneve) \
	X(optreg) X(opt) X(lang) X(build) X(print) X(filter) X(rt_tables) X(rt_pipeline) X(rt_reply) X(rt_config) X(rt_ctl) X(rt_policy) X(top) X(trace) X(ctl_client) X(k8s_yaml) X(ethnl) X(tso) X(rt_dpcache) X(rt_dpath) X(rt_maglev) X(rt_scaled) X(rt_store) X(rt_xdp_frame) X(rt_nat) X(rt_proxied) X(rt_health)

#define DECL(n) Suite *n##_suite(void) __attribute__((weak));
SUITES(DECL)
#undef DECL

int main(void)
{
	struct { const char *name; Suite *(*fn)(void); } suites[] = {
#define ENTRY(n) { #n, n##_suite },
		SUITES(ENTRY)
#undef ENTRY
	};
	SRunner *sr = NULL;
	int missing = 0, failed;

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (!suites[i].fn) {
			fprintf(stderr, "unit-tests: suite '%s' is missing\n", suites[i].name);
			missing++;
			continue;
		}
		if (!sr)
			sr = srunner_create(suites[i].fn());
		else
			srunner_add_suite(sr, suites[i].fn());
	}
	if (!sr)
		return 1;
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed || missing) ? EXIT_FAILURE : EXIT_SUCCESS;
}
