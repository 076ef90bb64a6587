/* bench_mastery_store.c - the mastery store on the demo district.
 *
 * Builds the demo district (build/edbridge demo: 3,000 students, ~250k
 * learning events through the real ingest, which updates the estimates
 * online) unless a database is given as argv[1], then prints:
 *   demo_build_seconds    the demo build, online updates included (if built)
 *   demo_refit_seconds    median of 3 `edbridge fit` equivalents (read, fit,
 *                         recompute and store every student x standard)
 *   demo_fit_seconds      the mastery_fit part of it
 *   online_update_us      median of 3 runs of 20,000 mastery_record calls
 *                         (model cached, one transaction; the student rows
 *                         written back at commit included; rolled back)
 *   class_view_p50_ms / class_view_p99_ms   the class view's data work
 *                         (class students + every student's cells) over
 *                         every class of the district
 *   sim_auc_measured      AUC of the stored P(mastered) of measured cells
 *                         against the simulator's latent state (start of the
 *                         week after the last evidence); also _inferred, _all.
 *   recover_*             the stored per-standard BKT against the simulator's
 *                         truth: guess/slip MAE vs the mean item guess/slip
 *                         answered on the standard, forget vs the realised
 *                         per-attempt forgetting (sim/recovery.h,
 *                         docs/mastery_store.md).
 * Then a generated mastery table of 350,000 students (--large N first to
 * change, 0 to skip; no roster) and the class view's mastery reads (25
 * random students per class, 400 classes) p50/p99 on it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/stats_metrics.h"
#include "base/timeutil.h"
#include "domain/district.h"
#include "domain/mastery.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "sim/district.h"
#include "sim/learning.h"
#include "sim/recovery.h"
#include "store/db.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

struct rec {
	char student[32], standard[32], item[160];
	int64_t tool, at;
	int correct;
};

static double online_run(struct db *db, int64_t d, const struct rec *r, size_t n)
{
	if (db_begin(db))
		return -1;
	double t0 = time_mono();
	for (size_t i = 0; i < n; i++)
		if (mastery_record(db, d, r[i].student, r[i].standard, r[i].tool, r[i].item,
				   r[i].correct, r[i].at)) {
			db_rollback(db);
			return -1;
		}
	/* the student rows written back at commit are part of the cost */
	if (db_before_commit_run(db)) {
		db_rollback(db);
		return -1;
	}
	double us = (time_mono() - t0) * 1e6 / (double)n;
	db_rollback(db);
	return us;
}

static void sim_auc(struct db *db, int64_t d, const struct sim_district *sd,
		    const struct sim_learning *l)
{
	int32_t day0 = sim_learning_week_day(l, 0);
	int weeks = sim_learning_params(l)->weeks;
	struct db_stmt *st;
	if (db_query(db,
		     "SELECT student_sourced_id, standard_code, p, inferred, last_at"
		     " FROM mastery_state WHERE district_id = ?1",
		     DB_ARGS(DB_INT(d)), &st))
		return;
	size_t cap = 1 << 16, n[3] = { 0, 0, 0 };
	double *p[3];
	uint8_t *y[3];
	for (int k = 0; k < 3; k++) {
		p[k] = malloc(cap * 64 * sizeof(double));
		y[k] = malloc(cap * 64);
	}
	size_t skipped = 0;
	while (db_next(st)) {
		size_t idx;
		const struct standard *s = standards_find(db_col_text(st, 1));
		if (!s || sim_student_find(sd, db_col_text(st, 0), &idx)) {
			skipped++;
			continue;
		}
		int inferred = (int)db_col_int(st, 3);
		int week = weeks;
		if (!inferred && !db_col_is_null(st, 4)) {
			int64_t day = db_col_int(st, 4) / 86400;
			week = (int)((day - day0) / 7) + 1;
			if (week < 0)
				week = 0;
			if (week > weeks)
				week = weeks;
		}
		int truth = sim_learning_mastered(l, idx, s, week);
		if (truth < 0) {
			skipped++;
			continue;
		}
		for (int k = 0; k < 3; k++) {
			if ((k == 0 && inferred) || (k == 1 && !inferred) || n[k] >= cap * 64)
				continue;
			p[k][n[k]] = db_col_double(st, 2);
			y[k][n[k]++] = (uint8_t)truth;
		}
	}
	db_done(st);
	static const char *const names[] = { "measured", "inferred", "all" };
	for (int k = 0; k < 3; k++) {
		double auc = 0;
		if (n[k] && stats_auc(p[k], y[k], n[k], &auc) == EB_OK)
			printf("sim_auc_%s: %.4f\nsim_cells_%s: %zu\n", names[k], auc, names[k],
			       n[k]);
		free(p[k]);
		free(y[k]);
	}
	printf("sim_cells_untracked: %zu\n", skipped);
}

#define RECOVER_MIN_RESPONSES 200

/* The stored model's per-standard BKT against the simulator's truth (see
 * docs/mastery_store.md, "Parameter recovery on the simulator"). */
static void sim_recovery(struct db *db, int64_t d, const struct sim_learning *l)
{
	struct db_stmt *st;
	struct mastery_model *m = NULL;
	if (db_query(db, "SELECT model FROM mastery_fit WHERE district_id = ?1", DB_ARGS(DB_INT(d)),
		     &st))
		return;
	if (db_next(st)) {
		const void *blob = db_col_blob(st, 0);
		mastery_model_decode(blob, (size_t)db_col_bytes(st, 0), &m);
	}
	db_done(st);
	int64_t rows_db = 0;
	db_get_int(db,
		   "SELECT count(*) FROM learning_event WHERE district_id = ?1 AND correct"
		   " IS NOT NULL AND standard_code IS NOT NULL",
		   DB_ARGS(DB_INT(d)), &rows_db);
	size_t n = 0;
	struct sim_response *r = sim_recovery_responses(l, &n);
	struct sim_recovery o;
	if (!m || !r || sim_recovery_compare(l, r, n, m, 0, RECOVER_MIN_RESPONSES, &o)) {
		printf("recover: no model or out of memory\n");
	} else {
		printf("recover_responses_sim: %zu\nrecover_responses_stored: %lld\n"
		       "recover_standards: %zu\nrecover_guess_mae: %.4f\nrecover_slip_mae: %.4f\n"
		       "recover_guess_cond_mae: %.4f\nrecover_slip_cond_mae: %.4f\n"
		       "recover_forget_abs_err: %.4f\nrecover_forget_fitted_mean: %.4f\n"
		       "recover_forget_true_per_attempt: %.4f\nrecover_forget_p_weekly: %.4f\n"
		       "recover_prior_mae: %.4f\nrecover_learn_mae: %.4f\n"
		       "recover_learn_fitted_mean: %.4f\nrecover_learn_true_per_attempt: %.4f\n"
		       "recover_guess_mae_constant: %.4f\nrecover_slip_mae_constant: %.4f\n",
		       n, (long long)rows_db, o.standards, o.guess_mae, o.slip_mae,
		       o.guess_cond_mae, o.slip_cond_mae, o.forget_mae, o.forget_fit_mean,
		       o.forget_true_mean, sim_learning_params(l)->forget_p, o.prior_mae,
		       o.learn_mae, o.learn_fit_mean, o.learn_true_mean, o.base_guess_mae,
		       o.base_slip_mae);
	}
	free(r);
	mastery_free(m);
}

/* The class view's mastery reads on a generated large district: `students`
 * students with the 17 or so standards of their grade's major clusters each,
 * stored directly (no roster); "classes" of 25 random students. */
static void large_district(long students)
{
	char path[128];
	snprintf(path, sizeof path, "/tmp/bench_mastery_large_%d.db", (int)getpid());
	struct db *db;
	char err[256];
	int64_t d;
	double t0 = time_mono();
	if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) ||
	    district_create(db, "Large", &d)) {
		printf("large: %s\n", err);
		return;
	}
	const struct standard *std[7][64];
	size_t nstd[7] = { 0 };
	for (int g = 0; g < 7; g++) {
		const char *doms[32];
		size_t nd = standards_domains_of_grade(g + 2, doms, 32);
		for (size_t i = 0; i < nd && i < 32; i++) {
			const struct standard *cl[32];
			size_t nc = standards_clusters_of(g + 2, doms[i], cl, 32);
			for (size_t j = 0; j < nc && j < 32; j++) {
				if (cl[j]->emphasis != EMPHASIS_MAJOR)
					continue;
				const struct standard *ss[32];
				size_t n = standards_in_cluster(cl[j], ss, 32);
				for (size_t k = 0; k < n && k < 32 && nstd[g] < 64; k++)
					std[g][nstd[g]++] = ss[k];
			}
		}
	}
	size_t rows = 0;
	db_begin(db);
	for (long i = 0; i < students; i++) {
		char sid[32];
		snprintf(sid, sizeof sid, "stu-%07ld", i);
		int g = (int)(i % 7);
		for (size_t k = 0; k < nstd[g]; k++) {
			/* tools and trend in format 1 (mastery_rows.h): tool 1 with
			 * 8 responses, 5 right; weekly P 40, 45, 52, 60 */
			if (db_execute(
				    db,
				    "INSERT INTO mastery_state (district_id, student_sourced_id,"
				    " standard_code, p, sd, responses, correct, tools, first_at,"
				    " last_at, trend_week, trend, inferred) VALUES (?1, ?2, ?3, ?4,"
				    " 0.1, 8, 5, X'0101000000000000000800000005000000', 1756684800,"
				    " 1757684800, 2903, X'01282d343c', ?5)",
				    DB_ARGS(DB_INT(d), DB_TEXT(sid), DB_TEXT(std[g][k]->code),
					    DB_REAL((double)((i * 7 + (long)k * 13) % 100) / 100.0),
					    DB_INT((i + (long)k) % 3 == 0)),
				    NULL))
				return;
			rows++;
		}
	}
	db_commit(db);
	printf("large_students: %ld\nlarge_cells: %zu\nlarge_build_seconds: %.1f\n", students, rows,
	       time_mono() - t0);
	enum { CLASSES = 400, CLASS_SIZE = 25 };
	double ms[CLASSES];
	uint64_t x = 88172645463325252ull;
	for (int c = 0; c < CLASSES; c++) {
		struct arena a;
		arena_init(&a);
		double t1 = time_mono();
		for (int j = 0; j < CLASS_SIZE; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			char sid[32];
			snprintf(sid, sizeof sid, "stu-%07ld", (long)(x % (uint64_t)students));
			struct mastery_row *cells;
			size_t nc;
			mastery_student_cells(db, d, sid, &a, &cells, &nc);
		}
		ms[c] = (time_mono() - t1) * 1e3;
		arena_free(&a);
	}
	qsort(ms, CLASSES, sizeof *ms, cmp_double);
	printf("large_class_view_mastery_p50_ms: %.3f\nlarge_class_view_mastery_p99_ms: %.3f\n",
	       ms[CLASSES / 2], ms[(CLASSES - 1) * 99 / 100]);
	db_close(db);
	char p2[160];
	unlink(path);
	snprintf(p2, sizeof p2, "%s-wal", path);
	unlink(p2);
	snprintf(p2, sizeof p2, "%s-shm", path);
	unlink(p2);
}

int main(int argc, char **argv)
{
	long large = 350000; /* the generated district; --large 0 skips it */
	if (argc > 2 && strcmp(argv[1], "--large") == 0) {
		char *e;
		large = strtol(argv[2], &e, 10);
		if (*e || large < 0 || large > 2000000) {
			fprintf(stderr, "--large: 0..2000000 students\n");
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	char path[256];
	if (argc > 1) {
		snprintf(path, sizeof path, "%s", argv[1]);
	} else {
		snprintf(path, sizeof path, "/tmp/bench_mastery_store_%d.db", (int)getpid());
		char cmd[512];
		snprintf(cmd, sizeof cmd,
			 "build/edbridge demo --no-serve --fresh --db %s >/dev/null", path);
		double t0 = time_mono();
		if (system(cmd) != 0) {
			printf("skipped: could not build the demo district (run from the "
			       "repository root)\n");
			return 0;
		}
		printf("demo_build_seconds: %.2f\n", time_mono() - t0);
	}
	struct db *db;
	char err[256];
	int64_t d;
	if (db_open(path, 0, &db, err, sizeof err) || district_only(db, &d)) {
		printf("skipped: %s\n", err);
		return 0;
	}
	/* refit */
	double tot[3], fit[3];
	struct mastery_refit_summary s = { 0 };
	for (int i = 0; i < 3; i++) {
		err[0] = '\0';
		if (mastery_refit(db, d, NULL, NULL, NULL, &s, err, sizeof err)) {
			printf("refit failed: %s\n", err);
			return 1;
		}
		tot[i] = s.total_seconds;
		fit[i] = s.fit_seconds;
	}
	qsort(tot, 3, sizeof *tot, cmp_double);
	qsort(fit, 3, sizeof *fit, cmp_double);
	printf("demo_rows: %zu\ndemo_students: %zu\ndemo_standards: %zu\ndemo_cells: %zu\n"
	       "demo_inferred_cells: %zu\ndemo_refit_seconds: %.3f\ndemo_fit_seconds: %.3f\n",
	       s.rows, s.students, s.standards, s.cells, s.inferred, tot[1], fit[1]);

	/* online updates: replay 20,000 stored evidence events */
	enum { NREC = 20000 };
	struct rec *r = calloc(NREC, sizeof *r);
	struct db_stmt *st;
	size_t n = 0;
	if (!r || db_query(db,
			   "SELECT student_sourced_id, standard_code, tool_id, item_id, correct,"
			   " occurred_at FROM learning_event WHERE district_id = ?1 AND correct"
			   " IS NOT NULL AND standard_code IS NOT NULL ORDER BY id LIMIT 20000",
			   DB_ARGS(DB_INT(d)), &st))
		return 1;
	while (n < NREC && db_next(st)) {
		db_col_copy(st, 0, r[n].student, sizeof r[n].student);
		db_col_copy(st, 1, r[n].standard, sizeof r[n].standard);
		r[n].tool = db_col_int(st, 2);
		db_col_copy(st, 3, r[n].item, sizeof r[n].item);
		r[n].correct = (int)db_col_int(st, 4);
		r[n].at = db_col_int(st, 5);
		n++;
	}
	if (db_done(st))
		return 1;
	double us[3];
	for (int i = 0; i < 3; i++)
		us[i] = online_run(db, d, r, n);
	qsort(us, 3, sizeof *us, cmp_double);
	printf("online_update_us: %.2f\n", us[1]);
	free(r);

	/* class view data: students of the class, then each student's cells */
	size_t ncls = 0, cap = 1024;
	char(*cls)[64] = malloc(cap * sizeof *cls);
	if (!cls || db_query(db, "SELECT sourced_id FROM class WHERE district_id = ?1",
			     DB_ARGS(DB_INT(d)), &st))
		return 1;
	while (ncls < cap && db_next(st))
		db_col_copy(st, 0, cls[ncls++], 64);
	if (db_done(st))
		return 1;
	double *ms = malloc((ncls ? ncls : 1) * sizeof *ms);
	for (size_t i = 0; i < ncls; i++) {
		struct arena a;
		arena_init(&a);
		double t0 = time_mono();
		struct roster_person_row *ps;
		size_t np;
		roster_class_students(db, d, cls[i], &a, &ps, &np);
		for (size_t j = 0; j < np; j++) {
			struct mastery_row *cells;
			size_t nc;
			mastery_student_cells(db, d, ps[j].sourced_id, &a, &cells, &nc);
		}
		ms[i] = (time_mono() - t0) * 1e3;
		arena_free(&a);
	}
	qsort(ms, ncls, sizeof *ms, cmp_double);
	if (ncls)
		printf("class_view_classes: %zu\nclass_view_p50_ms: %.3f\nclass_view_p99_ms: "
		       "%.3f\n",
		       ncls, ms[ncls / 2], ms[(size_t)((double)(ncls - 1) * 0.99)]);
	free(ms);
	free(cls);

	struct sim_params sp;
	struct sim_district *sd = NULL;
	struct sim_learning *l = NULL;
	struct sim_learning_params lp;
	sim_params_default(&sp);
	sp.seed = 1;
	sim_learning_params_default(&lp);
	lp.dosage = 0.5; /* as the demo */
	if (sim_district_build(&sp, &sd) || sim_learning_run(sd, &lp, &l)) {
		printf("sim_auc: could not rebuild the simulator\n");
	} else {
		sim_auc(db, d, sd, l);
		sim_recovery(db, d, l);
	}
	sim_learning_free(l);
	sim_district_free(sd);
	db_close(db);
	if (large)
		large_district(large);
	if (argc <= 1) {
		char p2[300];
		unlink(path);
		snprintf(p2, sizeof p2, "%s-wal", path);
		unlink(p2);
		snprintf(p2, sizeof p2, "%s-shm", path);
		unlink(p2);
	}
	return 0;
}
