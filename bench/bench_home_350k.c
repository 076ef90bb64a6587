/* bench_home_350k.c - the home pages on the 350,000-student generated
 * district, end to end over HTTP.
 *
 * Builds the district through the real roster import, adds five approved
 * tools, and for the classes of TEACHERS teachers spread over the district
 * stores EVENTS learning events per student through the ingest path
 * (activity_event_record: the summaries of migration 010 and the online
 * mastery update), two weeks of them on the class grade's major clusters;
 * refits the mastery model (which writes the standards' summary the
 * district-wide homes read); gives each of those teachers, a principal of
 * the first one's school, a coordinator and an IT staff member an account
 * and a session; starts the server in-process (2 threads) and times GET
 * /home on one keep-alive connection: a warm-up pass, then ROUNDS passes.
 * Prints:
 *   home_350k_build_seconds        import + events + refit
 *   home_350k_events               learning events stored
 *   home_350k_teacher_p50_ms / _p99_ms
 *   home_350k_principal_p50_ms, _coordinator_, _itstaff_, _admin_p50_ms
 * `--students N` changes the district size (default 350000). */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "domain/mastery.h"
#include "domain/roster.h"
#include "domain/tools.h"
#include "lib/large.h"
#include "store/db.h"

enum { TEACHERS = 40, EVENTS = 40, ROUNDS = 5, TOOLS = 5 };

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* EVENTS events for every student of the class, over the last two weeks. */
static long fill_class(struct db *db, int64_t d, const char *cid, const int64_t *tools, int64_t now,
		       uint64_t *x)
{
	struct arena a;
	arena_init(&a);
	struct roster_person_row *ps;
	struct roster_class_row c;
	size_t np;
	long n = 0;
	if (roster_class_get(db, d, cid, &a, &c) ||
	    roster_class_students(db, d, cid, &a, &ps, &np) || db_begin(db)) {
		arena_free(&a);
		return -1;
	}
	const struct standard *u[64];
	size_t nu = large_unit_of_grade(large_grade_of(c.grades), u, 64);
	for (size_t i = 0; i < np && nu; i++)
		for (int k = 0; k < EVENTS; k++) {
			char item[32], stid[96];
			uint64_t r = rnd(x);
			snprintf(item, sizeof item, "q%d", (int)(r % 50));
			snprintf(stid, sizeof stid, "%s-%s-%d", cid, ps[i].sourced_id, k);
			struct learning_event_in ev = {
				.actor_key = ps[i].sourced_id,
				.match_name = ps[i].sourced_id,
				.activity_id = item,
				.standard_code = u[(r >> 8) % nu]->code,
				.item_id = item,
				.correct = (int)((r >> 16) % 3 != 0),
				.score = -1,
				.duration_s = 60,
				.occurred_at = now - (int64_t)((r >> 24) % (14 * 86400)),
				.source = "csv",
				.statement_id = stid,
			};
			bool q;
			if (activity_event_record(db, d, tools[(r >> 40) % TOOLS], &ev, &q) || q) {
				db_rollback(db);
				arena_free(&a);
				return -1;
			}
			n++;
		}
	arena_free(&a);
	return db_commit(db) ? -1 : n;
}

static void timed(int fd, const char *token, double *ms, size_t *n, size_t *bad)
{
	double t1 = time_mono();
	if (large_get(fd, "/home", token) != 200)
		(*bad)++;
	ms[(*n)++] = (time_mono() - t1) * 1e3;
}

int main(int argc, char **argv)
{
	struct large L;
	int students;
	char err[256];
	if (!large_args(argc, argv, &students))
		return 2;
	if (!large_build(&L, "home_350k", students))
		return 0;
	struct db *db = L.db;
	int64_t d = L.d;
	double t0 = time_mono();
	int64_t tools[TOOLS];
	struct audit_actor who = { 0, "cli", "" };
	for (int i = 0; i < TOOLS; i++) {
		struct tool t;
		char name[32], why[256];
		snprintf(name, sizeof name, "Bench Tool %d", i + 1);
		struct tool_form f = { .name = name };
		tools_defaults(&t);
		if (tools_validate(db, d, &f, &t, why, sizeof why) || db_begin(db) ||
		    tools_create(db, d, &t, TOOL_UNDER_REVIEW, 0, &who, "bench", &tools[i]) ||
		    tools_set_status(db, d, tools[i], TOOL_APPROVED, "bench", NULL, &who, why,
				     sizeof why) ||
		    db_commit(db)) {
			printf("home_350k: cannot add the tools\n");
			return 1;
		}
	}

	/* TEACHERS teachers spread evenly over the district, and their classes */
	static char teacher[TEACHERS][64], school[64];
	int64_t nteach = 0;
	struct db_stmt *st;
	if (db_get_int(db,
		       "SELECT count(DISTINCT user_sourced_id) FROM enrollment"
		       " WHERE district_id = ?1 AND role = 'teacher'",
		       DB_ARGS(DB_INT(d)), &nteach) ||
	    db_query(db,
		     "SELECT DISTINCT user_sourced_id FROM enrollment WHERE district_id = ?1"
		     " AND role = 'teacher' ORDER BY user_sourced_id",
		     DB_ARGS(DB_INT(d)), &st))
		return 1;
	size_t nt = 0;
	long row = 0, step = nteach / TEACHERS ? (long)(nteach / TEACHERS) : 1;
	while (nt < TEACHERS && db_next(st))
		if (row++ % step == 0)
			db_col_copy(st, 0, teacher[nt++], sizeof teacher[0]);
	if (db_done(st))
		return 1;
	int64_t now = time_now();
	uint64_t x = 88172645463325252ull;
	long events = 0;
	struct arena a;
	arena_init(&a);
	for (size_t i = 0; i < nt; i++) {
		struct roster_class_row *c;
		size_t nc;
		arena_reset(&a);
		if (roster_teacher_classes(db, d, teacher[i], &a, &c, &nc))
			return 1;
		if (i == 0 && nc)
			str_copy(school, sizeof school, c[0].school_sourced_id);
		for (size_t k = 0; k < nc; k++) {
			long n = fill_class(db, d, c[k].sourced_id, tools, now, &x);
			if (n < 0) {
				printf("home_350k: storing events failed\n");
				return 1;
			}
			events += n;
		}
	}
	arena_free(&a);
	struct mastery_refit_summary sum;
	if (mastery_refit(db, d, NULL, NULL, NULL, &sum, err, sizeof err)) {
		printf("home_350k: refit failed: %s\n", err);
		return 1;
	}
	db_analyze(db);
	double t_build = L.import_seconds + time_mono() - t0;

	static char tok[TEACHERS][64], tprin[64], tcoord[64], tit[64], tadm[64];
	char did[24], name[32];
	snprintf(did, sizeof did, "%lld", (long long)d);
	for (size_t i = 0; i < nt; i++) {
		snprintf(name, sizeof name, "teacher%zu", i);
		if (!large_login(db, d, name, ROLE_TEACHER, "school", school, teacher[i], tok[i]))
			return 1;
	}
	if (!large_login(db, d, "principal", ROLE_PRINCIPAL, "school", school, NULL, tprin) ||
	    !large_login(db, d, "coordinator", ROLE_COORDINATOR, "district", did, NULL, tcoord) ||
	    !large_login(db, d, "itstaff", ROLE_IT_STAFF, "district", did, NULL, tit) ||
	    !large_login(db, d, "admin", ROLE_DISTRICT_ADMIN, "district", did, NULL, tadm)) {
		printf("home_350k: cannot create the sessions\n");
		return 1;
	}
	struct http_server *srv;
	int fd = large_serve(&L, &srv);
	if (fd < 0)
		return 1;
	static double tms[TEACHERS * ROUNDS], pms[ROUNDS * 4], cms[ROUNDS * 4], ims[ROUNDS * 4],
		ams[ROUNDS * 4];
	size_t tn = 0, pn = 0, cn = 0, in = 0, an = 0, bad = 0, warm = 0;
	static double scratch[TEACHERS + 16];
	for (int r = 0; r <= ROUNDS; r++) {
		for (size_t i = 0; i < nt; i++)
			timed(fd, tok[i], r ? tms : scratch, r ? &tn : &warm, &bad);
		for (int k = 0; k < 4; k++) {
			timed(fd, tprin, r ? pms : scratch, r ? &pn : &warm, &bad);
			timed(fd, tcoord, r ? cms : scratch, r ? &cn : &warm, &bad);
			timed(fd, tit, r ? ims : scratch, r ? &in : &warm, &bad);
			timed(fd, tadm, r ? ams : scratch, r ? &an : &warm, &bad);
		}
		warm = 0;
	}
	large_finish(&L, srv, fd);
	printf("home_350k_students: %d\nhome_350k_teachers_timed: %zu\nhome_350k_events: %ld\n"
	       "home_350k_build_seconds: %.1f\nhome_350k_requests: %zu\nhome_350k_non_200: %zu\n",
	       students, nt, events, t_build, tn + pn + cn + in + an, bad);
	if (tn && pn && cn && in && an) {
		double t99 = large_quantile(tms, tn, 0.99);
		printf("home_350k_teacher_p50_ms: %.2f\nhome_350k_teacher_p99_ms: %.2f\n"
		       "home_350k_principal_p50_ms: %.2f\nhome_350k_coordinator_p50_ms: %.2f\n"
		       "home_350k_itstaff_p50_ms: %.2f\nhome_350k_admin_p50_ms: %.2f\n",
		       large_quantile(tms, tn, 0.5), t99, large_quantile(pms, pn, 0.5),
		       large_quantile(cms, cn, 0.5), large_quantile(ims, in, 0.5),
		       large_quantile(ams, an, 0.5));
	}
	return 0;
}
