/* bench_lti_launch.c - an LTI 1.3 launch message (issue 16, h16-lti;
 * docs/lti.md): on a generated district (bench/lib/large; 20,000 students
 * by default, --students N) with a tool registered and one link per class
 * in 200 classes, a student's launch: the one-time hint stored
 * (lti_launch_begin), then the id_token built with its claims and signed
 * RS256 with the platform key (lti_id_token; the key opened from the vault
 * once, then cached), after each student's first launch (which makes the
 * student's pseudonymous subject for the tool). The goal: <= 2 ms to build
 * and sign.
 *   lti_launch_message_p50_ms / _p90_ms / _p99_ms  (build + sign, wall clock)
 *   lti_launch_message_cpu_p50_ms / _cpu_p99_ms     (the same, this thread's CPU)
 *   lti_launch_begin_p50_ms                                 (the hint)
 *   lti_launch_errors: N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/timeutil.h"
#include "domain/audit.h"
#include "domain/lti.h"
#include "domain/roster.h"
#include "domain/tools.h"
#include "lib/large.h"
#include "store/db.h"

#define CLASSES 200
#define ROUNDS 2000

/* this thread's CPU seconds: the work itself, without the waits of a
 * machine shared with other programs */
static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct large L = { 0 };
	int students;
	static char classes[CLASSES][64];
	static int64_t links[CLASSES];
	static double build_ms[ROUNDS], begin_ms[ROUNDS], cpu_ms[ROUNDS];
	const struct audit_actor cli = { 0, "cli", "" };
	long errors = 0;
	if (!large_args(argc, argv, &students))
		return 2;
	if (argc < 2)
		students = 20000;
	if (!large_build(&L, "lti_launch", students))
		return 0;
	struct tool t;
	struct tool_form tf = { .name = "Bench Tool" };
	char why[300];
	int64_t tool_id, lti_id;
	tools_defaults(&t);
	struct lti_tool_form in = {
		.tool = "Bench Tool",
		.client_id = "bench-client",
		.deployment_ids = "bench-dep",
		.login_url = "https://tool.example/login",
		.launch_url = "https://tool.example/launch",
		.jwks_url = "https://tool.example/jwks",
	};
	if (tools_validate(L.db, L.d, &tf, &t, why, sizeof why) ||
	    tools_create(L.db, L.d, &t, TOOL_UNDER_REVIEW, 0, &cli, "bench", &tool_id) ||
	    lti_tool_add(L.db, L.d, &in, &cli, &lti_id, why, sizeof why)) {
		fprintf(stderr, "lti_launch: setup failed: %s\n", why);
		large_finish(&L, NULL, -1);
		return 1;
	}
	int64_t total;
	long nc = large_pick_classes(L.db, L.d, CLASSES, classes, &total);
	if (nc <= 0) {
		fprintf(stderr, "lti_launch: no classes\n");
		large_finish(&L, NULL, -1);
		return 1;
	}
	for (long i = 0; i < nc; i++) {
		struct lti_link_form lf = { .class_sourced_id = classes[i],
					    .title = "Equivalent fractions",
					    .custom = "{\"unit\":\"3\"}",
					    .standards = "3.NF.A.3" };
		if (lti_link_add(L.db, L.d, lti_id, &lf, &cli, &links[i], why, sizeof why))
			errors++;
	}
	/* a student of each class (the first enrolled) */
	static char sids[CLASSES][128];
	struct arena ar;
	arena_init(&ar);
	for (long i = 0; i < nc; i++) {
		struct roster_person_row *st;
		size_t ns;
		if (roster_class_students(L.db, L.d, classes[i], &ar, &st, &ns) == EB_OK && ns)
			snprintf(sids[i], sizeof sids[i], "%s", st[0].sourced_id);
	}
	arena_free(&ar);
	struct lti_message m = { "https://edbridge.example", "bench-nonce", NULL, "Large", 0 };
	/* one launch per student first: the first makes the student's
	 * pseudonymous subject for the tool (a write); the figures are of the
	 * launches after it */
	for (int r = -(int)nc; r < ROUNDS; r++) {
		long i = (r + nc) % nc;
		struct account a;
		memset(&a, 0, sizeof a);
		a.id = 1000 + i;
		a.district_id = L.d;
		a.role_mask = 1u << ROLE_STUDENT;
		snprintf(a.person_sid, sizeof a.person_sid, "%s", sids[i]);
		struct lti_launch l;
		struct buf tok = BUF_INIT;
		int64_t now = time_now();
		m.now = now;
		double t0 = time_mono();
		if (lti_launch_begin(L.db, L.d, lti_id, a.id, LTI_LAUNCH_RESOURCE, links[i],
				     classes[i], now, &l)) {
			errors++;
			continue;
		}
		double t1 = time_mono(), c1 = thread_cpu();
		if (lti_id_token(L.db, &l, &a, &m, &tok, NULL) || tok.len < 100)
			errors++;
		double t2 = time_mono(), c2 = thread_cpu();
		buf_free(&tok);
		if (r < 0)
			continue;
		begin_ms[r] = (t1 - t0) * 1e3;
		build_ms[r] = (t2 - t1) * 1e3;
		cpu_ms[r] = (c2 - c1) * 1e3;
	}
	printf("lti_launch_students: %d\n", students);
	printf("lti_launch_message_p50_ms: %.3f\n", large_quantile(build_ms, ROUNDS, 0.5));
	printf("lti_launch_message_p90_ms: %.3f\n", large_quantile(build_ms, ROUNDS, 0.9));
	printf("lti_launch_message_p99_ms: %.3f\n", large_quantile(build_ms, ROUNDS, 0.99));
	printf("lti_launch_message_cpu_p50_ms: %.3f\n", large_quantile(cpu_ms, ROUNDS, 0.5));
	printf("lti_launch_message_cpu_p99_ms: %.3f\n", large_quantile(cpu_ms, ROUNDS, 0.99));
	printf("lti_launch_begin_p50_ms: %.3f\n", large_quantile(begin_ms, ROUNDS, 0.5));
	printf("lti_launch_errors: %ld\n", errors);
	/* the vault's key file beside the database goes with it */
	char key[160];
	snprintf(key, sizeof key, "%s.key", L.path);
	large_finish(&L, NULL, -1);
	unlink(key);
	return errors ? 1 : 0;
}
