/* bench_state_scale.c - a state agency's deployment: many generated
 * districts in one database, on both backends, at two sizes at least
 * (issue 18; docs/scale.md "Sizing").
 *
 * For each backend (SQLite, a file in /tmp; PostgreSQL when
 * $EDBRIDGE_BENCH_PG or $EDBRIDGE_TEST_PG names one: its public schema is
 * dropped and rebuilt) and each size in --districts (default 10,50), builds
 * that many districts of --students students each (default 40000: 50 x
 * 40,000 = 2,000,000) through the real roster import (large_build_in),
 * then samples a year of learning events: a realistic year is about 900
 * scored items per student (25 a week over 36 school weeks: 1.8 billion for
 * 2,000,000 students, more than this machine's disk), so the students of
 * CLASSES classes per district get EVENTS events each, spread over the last
 * 270 days, through the ingest path (activity_event_record). Then the
 * nightly refit of every district (mastery_refit, timed one by one), the
 * database's size, and over HTTP (the server in-process, 2 threads, one
 * keep-alive connection) the class view (GET /classes/:id/mastery of the
 * sampled classes) and What's working (GET /whats-working) as each
 * district's administrator: a warm-up pass, then ROUNDS passes. Prints per
 * backend and size (prefix state_scale_<backend>_<districts>):
 *   _students _events _db_mb _build_seconds
 *   _import_seconds (of the build: generating and importing the rosters)
 *   _refit_mean_seconds _refit_max_seconds (per district)
 *   _class_view_p50_ms _class_view_p99_ms _whats_working_p50_ms _whats_working_p99_ms
 *   _non_200
 * `--districts A,B,...` (1..500 each), `--students N` (1000..2000000). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "domain/mastery_refit.h"
#include "domain/roster.h"
#include "domain/tools.h"
#include "lib/large.h"
#include "store/db.h"

enum { CLASSES = 4, EVENTS = 24, ROUNDS = 3, MAXD = 500, MAXSIZES = 4 };

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* EVENTS events for every student of the class over the last 270 days;
 * the count stored, -1 on a failure. */
static long fill_class(struct db *db, int64_t d, const char *cid, int64_t tool, int64_t now,
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
	/* as the group commit runs ingest on PostgreSQL: one transaction
	 * without a savepoint per write (a failure rolls it all back) */
	db_set_statement_guard(db, false);
	const struct standard *u[64];
	size_t nu = large_unit_of_grade(large_grade_of(c.grades), u, 64);
	for (size_t i = 0; i < np && nu; i++)
		for (int k = 0; k < EVENTS; k++) {
			char item[32], stid[96];
			uint64_t r = rnd(x);
			snprintf(item, sizeof item, "q%d", (int)(r % 50));
			snprintf(stid, sizeof stid, "%.40s-%.40s-%d", cid, ps[i].sourced_id, k);
			struct learning_event_in ev = {
				.actor_key = ps[i].sourced_id,
				.match_name = ps[i].sourced_id,
				.activity_id = item,
				.standard_code = u[(r >> 8) % nu]->code,
				.item_id = item,
				.correct = (int)((r >> 16) % 3 != 0),
				.score = -1,
				.duration_s = 60,
				.occurred_at = now - (int64_t)((r >> 24) % (270 * 86400)),
				.source = "csv",
				.statement_id = stid,
			};
			bool q;
			if (activity_event_record(db, d, tool, &ev, &q) || q) {
				db_rollback(db);
				db_set_statement_guard(db, true);
				arena_free(&a);
				return -1;
			}
			n++;
		}
	arena_free(&a);
	bool failed = db_commit(db) != EB_OK;
	db_set_statement_guard(db, true);
	return failed ? -1 : n;
}

static bool add_tool(struct db *db, int64_t d, int64_t *id)
{
	struct audit_actor who = { 0, "cli", "" };
	struct tool t;
	char why[256];
	struct tool_form f = { .name = "State Bench Tool" };
	tools_defaults(&t);
	return !tools_validate(db, d, &f, &t, why, sizeof why) && !db_begin(db) &&
	       !tools_create(db, d, &t, TOOL_UNDER_REVIEW, 0, &who, "bench", id) &&
	       !tools_set_status(db, d, *id, TOOL_APPROVED, "bench", NULL, &who, why, sizeof why) &&
	       !db_commit(db);
}

/* A fresh database: a new SQLite file, or the PostgreSQL schema rebuilt. */
static struct db *fresh_db(const char *target, bool pg)
{
	char err[256] = "";
	struct db *db = NULL;
	if (!pg)
		large_remove_db(target);
	if (db_open(target, DB_OPEN_CREATE, &db, err, sizeof err)) {
		printf("state_scale: %s\n", err);
		return NULL;
	}
	if (!pg)
		return db;
	if (db_exec(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public")) {
		printf("state_scale: cannot reset the PostgreSQL schema\n");
		db_close(db);
		return NULL;
	}
	db_close(db);
	if (db_open(target, DB_OPEN_CREATE, &db, err, sizeof err)) {
		printf("state_scale: %s\n", err);
		return NULL;
	}
	return db;
}

static double db_megabytes(struct db *db, const char *target, bool pg)
{
	if (pg) {
		int64_t b = 0;
		db_get_int(db, "SELECT pg_database_size(current_database())", DB_NOARGS, &b);
		return (double)b / 1e6;
	}
	struct stat s;
	char wal[200];
	double b = stat(target, &s) ? 0 : (double)s.st_size;
	snprintf(wal, sizeof wal, "%s-wal", target);
	if (!stat(wal, &s))
		b += (double)s.st_size;
	return b / 1e6;
}

static char cls[MAXD][CLASSES][64];
static char tok[MAXD][64];
static int64_t dist[MAXD];
static double refit_s[MAXD];
static double cv_ms[MAXD * CLASSES * ROUNDS], ww_ms[MAXD * ROUNDS];

/* One backend, one size: builds, refits, serves and prints. */
static int run_size(const char *backend, const char *target, bool pg, int nd, int students)
{
	struct large L;
	memset(&L, 0, sizeof L);
	L.name = "state_scale";
	double t0 = time_mono();
	if (!(L.db = fresh_db(target, pg)))
		return 1;
	int64_t now = time_now();
	uint64_t x = 88172645463325252ull;
	long events = 0;
	double t_import = 0;
	size_t ncls[MAXD];
	for (int i = 0; i < nd; i++) {
		char name[48];
		int64_t tool, total;
		snprintf(name, sizeof name, "District %d", i + 1);
		if (!large_build_in(&L, name, students) || !add_tool(L.db, L.d, &tool)) {
			printf("state_scale_%s_%d: cannot build district %d\n", backend, nd, i + 1);
			return 1;
		}
		t_import += L.import_seconds;
		dist[i] = L.d;
		long picked = large_pick_classes(L.db, L.d, CLASSES, cls[i], &total);
		if (picked < 0)
			return 1;
		ncls[i] = (size_t)picked;
		for (long k = 0; k < picked; k++) {
			long n = fill_class(L.db, L.d, cls[i][k], tool, now, &x);
			if (n < 0) {
				printf("state_scale_%s_%d: storing events failed\n", backend, nd);
				return 1;
			}
			events += n;
		}
		char did[24], login[32];
		snprintf(did, sizeof did, "%lld", (long long)L.d);
		snprintf(login, sizeof login, "bench-admin-%d", i + 1);
		if (!large_login(L.db, L.d, login, ROLE_DISTRICT_ADMIN, "district", did, NULL,
				 tok[i])) {
			printf("state_scale_%s_%d: cannot create a session\n", backend, nd);
			return 1;
		}
	}
	db_analyze(L.db);
	double t_build = time_mono() - t0, rsum = 0, rmax = 0;
	for (int i = 0; i < nd; i++) {
		char err[256];
		struct mastery_refit_summary sum;
		double t1 = time_mono();
		if (mastery_refit(L.db, dist[i], NULL, NULL, NULL, &sum, err, sizeof err)) {
			printf("state_scale_%s_%d: refit failed: %s\n", backend, nd, err);
			return 1;
		}
		refit_s[i] = time_mono() - t1;
		rsum += refit_s[i];
		if (refit_s[i] > rmax)
			rmax = refit_s[i];
	}
	double mb = db_megabytes(L.db, target, pg);
	str_copy(L.path, sizeof L.path, target);
	struct http_server *srv;
	int fd = large_serve(&L, &srv);
	if (fd < 0)
		return 1;
	size_t ncv = 0, nww = 0, bad = 0;
	for (int r = 0; r <= ROUNDS; r++)
		for (int i = 0; i < nd; i++) {
			for (size_t k = 0; k < ncls[i]; k++) {
				char url[128];
				snprintf(url, sizeof url, "/classes/%.63s/mastery", cls[i][k]);
				double t1 = time_mono();
				if (large_get(fd, url, tok[i]) != 200)
					bad++;
				if (r)
					cv_ms[ncv++] = (time_mono() - t1) * 1e3;
			}
			double t1 = time_mono();
			if (large_get(fd, "/whats-working", tok[i]) != 200)
				bad++;
			if (r)
				ww_ms[nww++] = (time_mono() - t1) * 1e3;
		}
	if (pg)
		L.path[0] = '\0'; /* nothing to remove: the schema is rebuilt next time */
	large_finish(&L, srv, fd);
	const char *p = backend;
	printf("state_scale_%s_%d_students: %lld\nstate_scale_%s_%d_events: %ld\n"
	       "state_scale_%s_%d_db_mb: %.1f\nstate_scale_%s_%d_build_seconds: %.1f\n"
	       "state_scale_%s_%d_import_seconds: %.1f\n"
	       "state_scale_%s_%d_refit_mean_seconds: %.3f\n"
	       "state_scale_%s_%d_refit_max_seconds: %.3f\n",
	       p, nd, (long long)nd * students, p, nd, events, p, nd, mb, p, nd, t_build, p, nd,
	       t_import, p, nd, rsum / nd, p, nd, rmax);
	printf("state_scale_%s_%d_class_view_p50_ms: %.2f\nstate_scale_%s_%d_class_view_p99_ms: "
	       "%.2f\nstate_scale_%s_%d_whats_working_p50_ms: %.2f\n"
	       "state_scale_%s_%d_whats_working_p99_ms: %.2f\nstate_scale_%s_%d_non_200: %zu\n",
	       p, nd, large_quantile(cv_ms, ncv, 0.5), p, nd, large_quantile(cv_ms, ncv, 0.99), p,
	       nd, large_quantile(ww_ms, nww, 0.5), p, nd, large_quantile(ww_ms, nww, 0.99), p, nd,
	       bad);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	int sizes[MAXSIZES] = { 10, 50 }, nsizes = 2, students = 40000;
	for (int i = 1; i + 1 < argc; i += 2) {
		int64_t v;
		if (strcmp(argv[i], "--students") == 0) {
			if (cstr_to_i64(argv[i + 1], 1000, 2000000, &v)) {
				fprintf(stderr, "--students: 1000..2000000\n");
				return 2;
			}
			students = (int)v;
		} else if (strcmp(argv[i], "--districts") == 0) {
			nsizes = 0;
			char list[128];
			str_copy(list, sizeof list, argv[i + 1]);
			for (char *p = list, *comma; p && nsizes < MAXSIZES; p = comma) {
				comma = strchr(p, ',');
				if (comma)
					*comma++ = '\0';
				if (cstr_to_i64(p, 1, MAXD, &v)) {
					fprintf(stderr, "--districts: a list of 1..%d\n", MAXD);
					return 2;
				}
				sizes[nsizes++] = (int)v;
			}
		} else {
			fprintf(stderr, "usage: %s [--districts A,B] [--students N]\n", argv[0]);
			return 2;
		}
	}
	char file[64];
	snprintf(file, sizeof file, "/tmp/state_scale_%d.db", (int)getpid());
	const char *pg = getenv("EDBRIDGE_BENCH_PG");
	if (!pg || !*pg)
		pg = getenv("EDBRIDGE_TEST_PG");
	int rc = 0;
	for (int s = 0; s < nsizes && !rc; s++) {
		rc = run_size("sqlite", file, false, sizes[s], students);
		if (!rc && pg && *pg)
			rc = run_size("pg", pg, true, sizes[s], students);
	}
	if (!pg || !*pg)
		printf("state_scale_pg: skipped: no PostgreSQL ($EDBRIDGE_BENCH_PG)\n");
	return rc;
}
