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
 * `--districts A,B,...` (1..500 each), `--students N` (1000..2000000).
 *
 * `--year-events N[,M...]` (default off; each 1..900, rising): after the
 * first size's build and refits, a realistic year's evidence for ONE
 * district (the first): every one of its students gets events until each
 * has N (then M, ...) in all: the student's grade's unit of standards,
 * items q0..q49, dates over the last 270 days, a success rate of its own
 * per student (0.35..0.90). They go through the product's batched ingest
 * path (activity_batch_read/record/finish, as an xAPI POST of up to
 * XAPI_MAX_BATCH statements runs it: one transaction a batch, no statement
 * guards, as the group commit runs it): the one-event path the sampled
 * classes use (activity_event_record) costs round trips per event on
 * PostgreSQL. After each step, the district's nightly refit (mastery_refit)
 * is timed, and printed (prefix state_scale_<backend>_year):
 *   _per_student _events (the district's, in all) _fill_seconds
 *   _fill_events_per_second (this step's) _refit_seconds
 *   _refit_fit_seconds (of the refit: the model's fit in memory; the rest is
 *   reading the evidence and writing the states) _refit_cells
 *   _refit_cpu_seconds (this process's, user + system: on PostgreSQL the
 *   server's is not in it) _refit_iterations (the fit's) _load_1min (the
 *   machine's load average as the refit ends: it is shared)
 *   _refit_peak_mb (this process's peak resident memory during the refit,
 *   VmHWM after resetting it through /proc/self/clear_refs; on PostgreSQL
 *   the server's is not in it; -1 when it cannot be read) _db_mb */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "domain/mastery_refit.h"
#include "domain/roster.h"
#include "domain/tools.h"
#include "ingest/xapi.h"
#include "lib/large.h"
#include "store/db.h"

enum { CLASSES = 4, EVENTS = 24, ROUNDS = 3, MAXD = 500, MAXSIZES = 4, MAXYEAR = 900 };

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* One scored event of student's from the random r: an item q0..q49 (into
 * item[32]) of a standard of the unit u[nu], a date in the last 270 days. */
static void make_event(struct learning_event_in *ev, const char *student,
		       const struct standard *const *u, size_t nu, uint64_t r, int correct,
		       int64_t now, char *item, const char *stid)
{
	snprintf(item, 32, "q%d", (int)(r % 50));
	*ev = (struct learning_event_in){
		.actor_key = student,
		.match_name = student,
		.activity_id = item,
		.standard_code = u[(r >> 8) % nu]->code,
		.item_id = item,
		.correct = correct,
		.score = -1,
		.duration_s = 60,
		.occurred_at = now - (int64_t)((r >> 24) % (270 * 86400)),
		.source = "csv",
		.statement_id = stid,
	};
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
			snprintf(stid, sizeof stid, "%.40s-%.40s-%d", cid, ps[i].sourced_id, k);
			struct learning_event_in ev;
			make_event(&ev, ps[i].sourced_id, u, nu, r, (int)((r >> 16) % 3 != 0), now,
				   item, stid);
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

/* The district's students and their units, read once for the year's fill. */
struct year_student {
	const char *sid;
	const struct standard *u[64];
	size_t nu;
	double p; /* this student's success rate */
};

static struct year_student *year_students(struct db *db, int64_t d, struct arena *a, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 1024, k = 0;
	struct year_student *v = malloc(cap * sizeof *v);
	if (!v || db_query(db,
			   "SELECT sourced_id, grades FROM person WHERE district_id = ?1"
			   " AND role = 'student' ORDER BY sourced_id",
			   DB_ARGS(DB_INT(d)), &st)) {
		free(v);
		return NULL;
	}
	uint64_t x = 0x9e3779b97f4a7c15ull;
	while (db_next(st)) {
		if (k == cap) {
			struct year_student *nv = realloc(v, cap * 2 * sizeof *v);
			if (!nv) {
				db_fail(st, EB_ENOMEM);
				break;
			}
			v = nv;
			cap *= 2;
		}
		const char *g = db_col_text(st, 1);
		v[k].sid = db_col_dup(st, 0, a);
		v[k].nu = large_unit_of_grade(large_grade_of(g ? g : ""), v[k].u, 64);
		v[k].p = 0.35 + 0.55 * (double)(rnd(&x) % 1000) / 1000.0;
		if (v[k].sid && v[k].nu)
			k++;
	}
	if (db_done(st)) {
		free(v);
		return NULL;
	}
	*n = k;
	return v;
}

/* Events k0..k1-1 of every student in ys[0..n) through the batched ingest
 * path, up to XAPI_MAX_BATCH events a batch and transaction; the count
 * stored, -1 on a failure. */
static long year_fill(struct db *db, int64_t d, int64_t tool, int64_t now, uint64_t *x,
		      const struct year_student *ys, size_t n, int k0, int k1)
{
	size_t per = (size_t)(k1 - k0), batch_students = XAPI_MAX_BATCH / per;
	if (!batch_students)
		batch_students = 1;
	struct learning_event_in *evs = malloc(batch_students * per * sizeof *evs);
	char(*items)[32] = malloc(batch_students * per * sizeof *items);
	char(*stids)[96] = malloc(batch_students * per * sizeof *stids);
	long stored = 0;
	for (size_t s0 = 0; s0 < n && evs && items && stids; s0 += batch_students) {
		size_t m = 0;
		for (size_t i = s0; i < n && i < s0 + batch_students; i++)
			for (int k = k0; k < k1; k++, m++) {
				uint64_t r = rnd(x);
				int correct = (double)(rnd(x) % 10000) / 10000.0 < ys[i].p;
				snprintf(stids[m], sizeof stids[m], "year-%.60s-%d", ys[i].sid, k);
				make_event(&evs[m], ys[i].sid, ys[i].u, ys[i].nu, r, correct, now,
					   items[m], stids[m]);
			}
		struct activity_batch *b = NULL;
		if (db_begin(db))
			break;
		/* as the group commit runs ingest: no savepoint per write */
		db_set_statement_guard(db, false);
		bool ok = !activity_batch_read(db, d, tool, evs, m, &b);
		for (size_t i = 0; i < m && ok; i++) {
			bool q;
			ok = !activity_batch_record(db, b, i, &q) && !q;
		}
		ok = ok && !activity_batch_finish(db, b);
		activity_batch_free(b);
		if (!ok) {
			db_rollback(db);
			db_set_statement_guard(db, true);
			break;
		}
		ok = db_commit(db) == EB_OK;
		db_set_statement_guard(db, true);
		if (!ok)
			break;
		stored += (long)m;
	}
	bool done = evs && items && stids && stored == (long)(n * per);
	free(evs);
	free(items);
	free(stids);
	return done ? stored : -1;
}

/* This process's CPU seconds so far (user + system). */
static double cpu_seconds(void)
{
	struct rusage u;
	if (getrusage(RUSAGE_SELF, &u))
		return 0;
	return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
	       (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/* The machine's load average over the last minute (-1 when unread). */
static double load_1min(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l = -1;
	if (f && fscanf(f, "%lf", &l) != 1)
		l = -1;
	if (f)
		fclose(f);
	return l;
}

/* This process's peak resident memory since the last reset, in MB (-1 when
 * it cannot be read); reset: start a new peak (Linux: clear_refs 5). */
static double peak_rss_mb(bool reset)
{
	if (reset) {
		FILE *f = fopen("/proc/self/clear_refs", "w");
		if (!f)
			return -1;
		bool ok = fputs("5", f) >= 0;
		return (fclose(f) == 0 && ok) ? 0 : -1;
	}
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	double kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = strtod(line + 6, NULL);
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb / 1024.0;
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
static int64_t tools[MAXD];
static int year_n[MAXSIZES], nyear; /* --year-events, rising */
static double cv_ms[MAXD * CLASSES * ROUNDS], ww_ms[MAXD * ROUNDS];

/* One backend, one size: builds, refits, serves and prints. */
static int year_steps(struct db *db, const char *backend, const char *target, bool pg, int64_t d,
		      int64_t tool, int64_t now, uint64_t *x);

static int run_size(const char *backend, const char *target, bool pg, int nd, int students,
		    bool first)
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
		tools[i] = tool;
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
	if (first && nyear && year_steps(L.db, backend, target, pg, dist[0], tools[0], now, &x))
		return 1;
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

/* --year-events: district d's students get events up to each step's count,
 * and the district is refit after each step. */
static int year_steps(struct db *db, const char *backend, const char *target, bool pg, int64_t d,
		      int64_t tool, int64_t now, uint64_t *x)
{
	struct arena a;
	arena_init(&a);
	size_t n = 0;
	struct year_student *ys = year_students(db, d, &a, &n);
	if (!ys) {
		printf("state_scale_%s_year: cannot read the students\n", backend);
		arena_free(&a);
		return 1;
	}
	int rc = 0;
	long total = 0;
	for (int s = 0, k0 = 0; s < nyear && !rc; k0 = year_n[s++]) {
		double t0 = time_mono();
		long m = year_fill(db, d, tool, now, x, ys, n, k0, year_n[s]);
		double fill = time_mono() - t0;
		if (m < 0) {
			printf("state_scale_%s_year: storing events failed\n", backend);
			rc = 1;
			break;
		}
		total += m;
		db_analyze(db);
		char err[256];
		struct mastery_refit_summary sum;
		double reset = peak_rss_mb(true);
		double t1 = time_mono(), c1 = cpu_seconds();
		if (mastery_refit(db, d, NULL, NULL, NULL, &sum, err, sizeof err)) {
			printf("state_scale_%s_year: refit failed: %s\n", backend, err);
			rc = 1;
			break;
		}
		double refit = time_mono() - t1, cpu = cpu_seconds() - c1,
		       peak = reset < 0 ? -1 : peak_rss_mb(false);
		const char *p = backend;
		printf("state_scale_%s_year_per_student: %d\nstate_scale_%s_year_events: %ld\n"
		       "state_scale_%s_year_fill_seconds: %.1f\n"
		       "state_scale_%s_year_fill_events_per_second: %.0f\n"
		       "state_scale_%s_year_refit_seconds: %.2f\n"
		       "state_scale_%s_year_refit_fit_seconds: %.2f\n"
		       "state_scale_%s_year_refit_cells: %zu\n"
		       "state_scale_%s_year_refit_cpu_seconds: %.2f\n"
		       "state_scale_%s_year_refit_iterations: %d\n"
		       "state_scale_%s_year_load_1min: %.2f\n"
		       "state_scale_%s_year_refit_peak_mb: %.0f\nstate_scale_%s_year_db_mb: %.1f\n",
		       p, year_n[s], p, total, p, fill, p, fill > 0 ? (double)m / fill : 0, p,
		       refit, p, sum.fit_seconds, p, sum.cells, p, cpu, p, (int)sum.iterations, p,
		       load_1min(), p, peak, p, db_megabytes(db, target, pg));
		fflush(stdout);
	}
	free(ys);
	arena_free(&a);
	return rc;
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
		} else if (strcmp(argv[i], "--year-events") == 0) {
			nyear = 0;
			char list[128];
			str_copy(list, sizeof list, argv[i + 1]);
			for (char *p = list, *comma; p && nyear < MAXSIZES; p = comma) {
				comma = strchr(p, ',');
				if (comma)
					*comma++ = '\0';
				if (cstr_to_i64(p, 1, MAXYEAR, &v) ||
				    (nyear && v <= year_n[nyear - 1])) {
					fprintf(stderr, "--year-events: a rising list of 1..%d\n",
						MAXYEAR);
					return 2;
				}
				year_n[nyear++] = (int)v;
			}
		} else {
			fprintf(stderr,
				"usage: %s [--districts A,B] [--students N] [--year-events N,M]\n",
				argv[0]);
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
		rc = run_size("sqlite", file, false, sizes[s], students, s == 0);
		if (!rc && pg && *pg)
			rc = run_size("pg", pg, true, sizes[s], students, s == 0);
	}
	if (!pg || !*pg)
		printf("state_scale_pg: skipped: no PostgreSQL ($EDBRIDGE_BENCH_PG)\n");
	return rc;
}
